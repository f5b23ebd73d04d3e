"""STF's losses and gradients under bfloat16 autocast against float32.

Builds an STF model from a config with every STF loss active, loads a
checkpoint (a trained CTR-GCN's weights load into ``STFCTRGCN``; none: the
model's random init), and evaluates ``model.loss`` on real training batches
of the config's dataset twice from the same weights: in float32 and under
``torch.autocast`` in bfloat16, as ``BF16OptimWrapper`` runs it. Prints, per
batch, the cosine and norm ratio of the two full gradients and each loss
term in both precisions. Batch-norm statistics are restored between the
two passes. Usage (from the repository root)::

    python results/stf_ucla/bf16_agreement.py CONFIG [CHECKPOINT]
        [--batches 3] [--threads 1]
"""
import argparse

import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.logging import MessageHub

from mmfrhead.utils import register_all_modules


def losses_and_grad(model, data, autocast: bool):
    """The loss terms (floats) and the flat gradient of their sum."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    model.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=autocast):
        losses = model.loss(data['inputs'], data['data_samples'])
    losses = {k: v for k, v in losses.items() if k.startswith('loss')}
    sum(losses.values()).backward()
    model.load_state_dict(state)  # undo the batch-norm updates
    grad = torch.cat([
        p.grad.flatten() for p in model.parameters() if p.grad is not None
    ])
    return {k: float(v.detach()) for k, v in losses.items()}, grad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--batches', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    register_all_modules()
    cfg = Config.fromfile(args.config)
    for loss in cfg.model.stf_losses.values():
        loss.start_epoch = 0
    model = MODELS.build(cfg.model).train()
    if args.checkpoint:
        ckpt = torch.load(
            args.checkpoint, map_location='cpu', weights_only=False)
        missing, _ = model.load_state_dict(ckpt['state_dict'], strict=False)
        if missing:
            raise KeyError(f'{args.checkpoint} lacks {missing[:5]} ...')
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    MessageHub.get_current_instance().update_info('epoch', 0)
    batch_size = cfg.train_dataloader.batch_size
    for b in range(args.batches):
        torch.manual_seed(b)
        index = torch.randperm(len(dataset))[:batch_size].tolist()
        data = model.data_preprocessor(
            pseudo_collate([dataset[i] for i in index]), training=True)
        fp32, g32 = losses_and_grad(model, data, autocast=False)
        bf16, g16 = losses_and_grad(model, data, autocast=True)
        cosine = torch.nn.functional.cosine_similarity(g32, g16, 0)
        print(f'batch {b}: gradient cosine {float(cosine):.4f}, '
              f'norm ratio {float(g16.norm() / g32.norm()):.4f}')
        for key, value in fp32.items():
            rel = abs(bf16[key] - value) / max(abs(value), 1e-12)
            print(f'  {key:12s} float32 {value:8.4f} bfloat16 '
                  f'{bf16[key]:8.4f} relative {rel:.3f}')


if __name__ == '__main__':
    main()

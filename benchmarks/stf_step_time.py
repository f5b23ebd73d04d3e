"""Training step time of CTR-GCN vs CTR-GCN + STF at the NW-UCLA shape.

Batch 16, 52 frames, 20 joints, 1 person, 10 classes, the full-width models
of the shipped configs (``configs/ctrgcn_ucla_j.py``,
``configs/ctrgcn_frhead_ucla_j.py``, ``configs/stf/ctrgcn_stf_ucla_j.py``,
``configs/stf/ctrgcn_stf_frhead_ucla_j.py``) with every STF loss active
(``start_epoch`` 0). A step is ``model.loss``, backward and an SGD step
(momentum 0.9, Nesterov). Variants:

* CTR-GCN, ``impl='fast'`` and ``'plain'`` (STF's modules are plain blocks:
  the focus differentiates through them, which the fast blocks' custom
  autograd functions do not support; the blocks before them are fast by
  default);
* STF with the focus of first order (the shipped default) and of second
  order (``create_graph=True``: the final backward differentiates through
  the focus gradients), and of first order with every block plain
  (``impl='plain'``: what the fast early blocks save);
* STF without L_e (the focus and L_c, L_d, L_Gk only: the cost of the
  gradient focus without the masked second pass);
* CTR-GCN + FR Head and CTR-GCN + STF + FR Head.

Medians over ``--repeats`` runs after warm-up, the variants timed
round-robin so that a change of machine load affects all alike; process CPU
time is shown next to wall time (the steadier on a shared machine). Ratios
are against plain CTR-GCN, the blocks STF runs on, and against fast CTR-GCN.

Usage::

    python benchmarks/stf_step_time.py [--repeats 3] [--threads 1]
        [--batch 16] [--device cpu|cuda]
"""
import argparse
import os.path as osp
import statistics
import time
from typing import Callable, Dict

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mmfrhead.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
FRAMES, JOINTS, CLASSES = 52, 20, 10


def model_cfg(config: str, **changes) -> dict:
    """The model of a shipped config, every STF loss from epoch 0."""
    cfg = Config.fromfile(osp.join(REPO, 'configs', config)).model
    for loss in cfg.get('stf_losses', {}).values():
        loss.start_epoch = 0
    if 'impl' in changes:
        cfg.backbone.impl = changes.pop('impl')
    if changes.pop('second_order', False):
        cfg.focus_cfg.create_graph = True
    for role in changes.pop('without', ()):
        cfg.stf_losses.pop(role)
    return cfg.to_dict()


VARIANTS = {
    'CTR-GCN (fast)': model_cfg('ctrgcn_ucla_j.py', impl='fast'),
    'CTR-GCN (plain)': model_cfg('ctrgcn_ucla_j.py', impl='plain'),
    'STF, 1st order': model_cfg('stf/ctrgcn_stf_ucla_j.py'),
    'STF, 1st order, all blocks plain': model_cfg('stf/ctrgcn_stf_ucla_j.py',
                                                  impl='plain'),
    'STF, 2nd order': model_cfg('stf/ctrgcn_stf_ucla_j.py',
                                second_order=True),
    'STF w/o L_e, 1st order': model_cfg('stf/ctrgcn_stf_ucla_j.py',
                                        without=('exploration', )),
    'CTR-GCN + FR (fast)': model_cfg('ctrgcn_frhead_ucla_j.py'),
    'STF + FR, 1st order': model_cfg('stf/ctrgcn_stf_frhead_ucla_j.py'),
}


def train_step(cfg: dict, batch: int,
               device: torch.device) -> Callable[[], None]:
    torch.manual_seed(0)
    model = MODELS.build(cfg).to(device).train()
    optim = torch.optim.SGD(
        model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    inputs = torch.randn(batch, 1, 1, FRAMES, JOINTS, 3, device=device)
    samples = [
        ActionDataSample().set_gt_label(i % CLASSES) for i in range(batch)
    ]

    def step():
        losses = model.loss(inputs, samples)
        total = sum(v for k, v in losses.items() if k.startswith('loss'))
        optim.zero_grad()
        total.backward()
        optim.step()
        if device.type == 'cuda':
            torch.cuda.synchronize()

    return step


def round_robin(steps: Dict[str, Callable[[], None]], repeats: int,
                warmup: int) -> Dict[str, Dict[str, float]]:
    wall = {name: [] for name in steps}
    cpu = {name: [] for name in steps}
    for i in range(warmup + repeats):
        for name, step in steps.items():
            t0, c0 = time.perf_counter(), time.process_time()
            step()
            if i >= warmup:
                wall[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
    return {
        name: dict(
            wall=statistics.median(wall[name]),
            cpu=statistics.median(cpu[name]))
        for name in steps
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    register_all_modules()
    device = torch.device(args.device)
    steps = {
        name: train_step(cfg, args.batch, device)
        for name, cfg in VARIANTS.items()
    }
    times = round_robin(steps, args.repeats, args.warmup)
    plain, fast = times['CTR-GCN (plain)'], times['CTR-GCN (fast)']
    print(f'NW-UCLA shape: batch {args.batch}, {FRAMES} frames, {JOINTS} '
          f'joints; {args.device}, {args.threads} thread(s), median of '
          f'{args.repeats}\n')
    print('| training step | wall ms | CPU ms | / CTR-GCN plain (wall, CPU)'
          ' | / CTR-GCN fast (wall, CPU) |')
    print('| --- | ---: | ---: | ---: | ---: |')
    for name, t in times.items():
        print(f"| {name} | {t['wall'] * 1e3:.0f} | {t['cpu'] * 1e3:.0f} | "
              f"{t['wall'] / plain['wall']:.2f}, {t['cpu'] / plain['cpu']:.2f}"
              f" | {t['wall'] / fast['wall']:.2f}, "
              f"{t['cpu'] / fast['cpu']:.2f} |")


if __name__ == '__main__':
    main()

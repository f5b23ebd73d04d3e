"""Write the AimCLR model of a pre-training config at its initialisation.

(b) of the NW-UCLA measurement probes the encoder at random init, frozen;
the linear-evaluation configs load their frozen encoder from a checkpoint,
so this writes one, with MMEngine's seeding of the given seed, before any
step. AimCLR's own initialisation (the default) leaves the pooled features
of the ten-block encoder near 1e-7 at init; ``kaiming`` initialises the
encoder's convolutions with Kaiming-normal weights instead, which keeps the
activations' scale. Usage (from the repository root)::

    python results/aimclr_ucla/random_init.py CONFIG SEED OUT.pth [kaiming]
"""
import sys

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.runner import set_random_seed

from mmfrhead.utils import register_all_modules


def main() -> None:
    config, seed, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    init = sys.argv[4] if len(sys.argv) > 4 else 'aimclr'
    register_all_modules()
    set_random_seed(seed)
    cfg = Config.fromfile(config).model
    if init == 'kaiming':
        cfg.backbone.init_cfg = dict(
            type='Kaiming', layer='Conv2d', mode='fan_out',
            nonlinearity='relu')
    model = MODELS.build(cfg)
    model.init_weights()
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(seed=seed, config=config, init=init, note='no step')),
        out)
    print(f'wrote {out} (seed {seed}, {len(model.state_dict())} tensors)')


if __name__ == '__main__':
    main()

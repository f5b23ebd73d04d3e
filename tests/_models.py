"""Model configs shared by the tests: those of the shipped NW-UCLA configs.

``PLAIN_CFG`` is the model of ``configs/ctrgcn_ucla_j.py``; ``FR_CFG`` that
of ``configs/ctrgcn_frhead_ucla_j.py`` with 16-frame clips.
"""
from pathlib import Path

from mmengine.config import Config

CONFIGS = Path(__file__).resolve().parents[1] / 'configs'


def model_cfg(config: str, **overrides) -> dict:
    """The ``model`` dict of a shipped config, with ``overrides``."""
    cfg = Config.fromfile(CONFIGS / config).model.to_dict()
    cfg.update(overrides)
    return cfg


PLAIN_CFG = model_cfg('ctrgcn_ucla_j.py')
FR_CFG = model_cfg('ctrgcn_frhead_ucla_j.py', clip_shape=(1, 16, 20, 3))

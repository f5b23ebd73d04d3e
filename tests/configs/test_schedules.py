"""The NW-UCLA schedule steps the learning rate as the reference code; the
short schedule warms up and decays to 0 at its last iteration."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS

from mmfrhead.apis.cli import follow_max_epochs

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'


def _reference_lr(epoch: int) -> float:
    """The reference's NW-UCLA rule: lr 0.1, warm-up 5, step at 50."""
    if epoch < 5:
        return 0.1 * (epoch + 1) / 5
    return 0.1 * 0.1**(epoch >= 50)


@pytest.mark.parametrize('name',
                         ['ctrgcn_frhead_ucla_j.py', 'stgcn_ucla_j.py'])
def test_ucla_schedule_follows_the_reference(name):
    cfg = Config.fromfile(CONFIG_DIR / name)
    assert cfg.train_cfg.max_epochs == 65
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.lr, optimizer.weight_decay) == (0.1, 1e-4)
    assert optimizer.nesterov and optimizer.momentum == 0.9
    wrapper = OptimWrapper(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1))
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper))
        for s in cfg.param_scheduler
    ]
    assert all(s.by_epoch for s in schedulers)  # stepped once per epoch
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs):
        lrs.append(wrapper.get_lr()['lr'][0])
        wrapper.step()  # (no gradients: changes nothing)
        for scheduler in schedulers:
            scheduler.step()
    expected = [_reference_lr(e) for e in range(65)]
    assert lrs == pytest.approx(expected, rel=1e-9)


def _iteration_lrs(cfg: Config, epoch_length: int) -> list:
    """The lr of every iteration of a schedule stepped per iteration."""
    wrapper = OptimWrapper(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))],
                        lr=cfg.optim_wrapper.optimizer.lr))
    schedulers = [
        PARAM_SCHEDULERS.build(
            dict(s, optimizer=wrapper, epoch_length=epoch_length))
        for s in cfg.param_scheduler
    ]
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs * epoch_length):
        lrs.append(wrapper.get_lr()['lr'][0])
        wrapper.step()
        for scheduler in schedulers:
            scheduler.step()
    return lrs


@pytest.mark.parametrize('max_epochs', [None, 30])
def test_short_schedule_warms_up_then_decays_to_zero(max_epochs):
    cfg = Config.fromfile(CONFIG_DIR / 'ctrgcn_frhead_ucla_j_short.py')
    assert cfg.train_cfg.max_epochs == 20
    assert cfg.optim_wrapper.type == 'BF16OptimWrapper'
    if max_epochs is not None:  # as --cfg-options train_cfg.max_epochs=30
        cfg.train_cfg.max_epochs = max_epochs
        follow_max_epochs(cfg, 20)
    lrs = _iteration_lrs(cfg, epoch_length=64)  # NW-UCLA: 1020 / 16
    assert lrs[0] == pytest.approx(0.02)
    assert lrs[64] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(lrs[64:], lrs[65:]))
    assert lrs[-1] < 1e-6  # cosine to 0 at the last iteration
    assert lrs[64 + (len(lrs) - 64) // 2] == pytest.approx(0.05, rel=1e-2)


def test_short_configs_validate_every_5_epochs_and_log_every_10():
    for name in ('ctrgcn_ucla_j_short.py', 'ctrgcn_frhead_ucla_j_short.py'):
        cfg = Config.fromfile(CONFIG_DIR / name)
        assert cfg.train_cfg.val_interval == 5
        assert cfg.default_hooks.logger.interval == 10
        assert cfg.train_dataloader.dataset.times == 1  # one pass an epoch

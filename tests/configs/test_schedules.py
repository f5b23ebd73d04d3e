"""The NW-UCLA schedule steps the learning rate as the reference code."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS

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

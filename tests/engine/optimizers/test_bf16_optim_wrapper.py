import copy
import warnings

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mmfrhead.engine.optimizers import (BF16OptimWrapper, bf16_optim_wrapper,
                                        has_native_bf16)
from tests._models import FR_CFG

pytestmark = pytest.mark.usefixtures('one_thread')
PROTOTYPES = 'fr_head.spatial_losses.0.memory.prototypes'


def _wrapper(model, type='BF16OptimWrapper', enabled=True):
    """The wrapper from a config dict; ``enabled`` sets its choice of
    precision, which it otherwise makes on the first step (bfloat16 is
    emulated, slowly but exactly, where this CPU has no units for it)."""
    with DefaultScope.overwrite_default_scope('mmaction'):
        wrapper = build_optim_wrapper(
            model,
            dict(
                type=type,
                optimizer=dict(
                    type='SGD', lr=0.1, momentum=0.9, nesterov=True)))
    if type == 'BF16OptimWrapper':
        wrapper.enabled = enabled
    return wrapper


def test_config_type_name_builds_it_and_the_cpu_decides_the_precision():
    model = nn.Linear(3, 2)
    wrapper = _wrapper(model, enabled=None)
    assert type(wrapper) is BF16OptimWrapper
    with wrapper.optim_context(model):
        out = model(torch.randn(4, 3))
    assert wrapper.enabled == has_native_bf16('cpu')
    assert out.dtype == (torch.bfloat16
                         if wrapper.enabled else torch.float32)


def test_forward_in_bfloat16_weights_and_gradients_in_float32():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4))
    wrapper = _wrapper(model)
    x = torch.randn(2, 3, 5, 5)
    with wrapper.optim_context(model):
        conv_out = model[0](x)
        loss = model(x).float().square().mean()
    assert conv_out.dtype == torch.bfloat16
    assert model[0](x).dtype == torch.float32  # outside the context
    wrapper.update_params(loss)
    for p in model.parameters():
        assert p.dtype == torch.float32
    assert model[1].running_mean.dtype == torch.float32
    assert model[1].running_mean.abs().sum() > 0


def _fr_batch():
    g = torch.Generator().manual_seed(0)
    inputs = torch.randn(8, 1, 1, 16, 20, 3, generator=g)
    samples = [
        ActionDataSample().set_gt_label(i % 10) for i in range(len(inputs))
    ]
    return inputs, samples


def _train_steps(model, wrapper, steps=3):
    inputs, samples = _fr_batch()
    losses = []
    for _ in range(steps):
        with wrapper.optim_context(model):
            loss, _ = model.parse_losses(model(inputs, samples, mode='loss'))
        wrapper.update_params(loss)
        losses.append(loss.item())
    return losses


def test_fr_training_in_bfloat16_follows_float32():
    torch.manual_seed(0)
    fp32 = MODELS.build(FR_CFG)
    bf16 = copy.deepcopy(fp32)
    start = bf16.state_dict()[PROTOTYPES].clone()
    fp32_losses = _train_steps(fp32, _wrapper(fp32, 'OptimWrapper'))
    bf16_losses = _train_steps(bf16, _wrapper(bf16))
    # bfloat16 keeps 8 bits of mantissa: the losses of three steps from the
    # same weights agree to about 1 %.
    assert bf16_losses == pytest.approx(fp32_losses, rel=3e-2)
    assert bf16_losses != fp32_losses  # it did compute in bfloat16
    state = bf16.state_dict()
    assert all(v.dtype != torch.bfloat16 for v in state.values())
    assert not torch.equal(state[PROTOTYPES], start)


def test_without_native_bfloat16_it_warns_and_trains_in_float32(
        monkeypatch):
    monkeypatch.setattr(bf16_optim_wrapper, 'has_native_bf16',
                        lambda device: False)
    model = nn.Linear(3, 2)
    wrapper = _wrapper(model, enabled=None)
    x = torch.randn(4, 3)
    with pytest.warns(UserWarning, match='training in float32 instead'):
        with wrapper.optim_context(model):
            assert model(x).dtype == torch.float32
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # once per run, not every step
        with wrapper.optim_context(model):
            assert model(x).dtype == torch.float32

import copy

import pytest
import torch
from _models import FR_CFG, PLAIN_CFG
from mmaction.models import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmfrhead.apis import strip_fr_head
from mmfrhead.models import FRRecognizer

torch.set_num_threads(2)


def _build(**overrides):
    cfg = copy.deepcopy(FR_CFG)
    cfg.update(overrides)
    return MODELS.build(cfg)


@pytest.fixture(scope='module')
def fr_model():
    return _build()


def _batch(labels, T=16):
    inputs = torch.randn(len(labels), 1, 1, T, 20, 3)  # (B, nc, M, T, V, C)
    samples = [ActionDataSample().set_gt_label(k) for k in labels]
    return inputs, samples


def _hooked(module):
    return [name for name, m in module.named_modules() if m._forward_hooks]


def test_build_probes_stage_shapes(fr_model):
    assert isinstance(fr_model, FRRecognizer)
    assert isinstance(fr_model, RecognizerGCN)
    assert fr_model.fr_head.stage_shapes == [(64, 16, 20), (128, 8, 20),
                                             (256, 4, 20), (256, 4, 20)]
    assert fr_model.fr_head.num_classes == 10
    assert _hooked(fr_model) == []


def test_loss_returns_cls_and_fr_losses(fr_model):
    fr_model.train()
    inputs, samples = _batch([0, 7])
    losses = fr_model(inputs, samples, mode='loss')  # -> FRRecognizer.loss
    assert 'loss_cls' in losses and 'loss_fr' in losses
    for key in ('loss_cls', 'loss_fr'):
        assert losses[key].dim() == 0 and torch.isfinite(losses[key])
        assert losses[key].item() > 0
    assert _hooked(fr_model) == []


def test_fr_loss_does_not_reach_classifier(fr_model):
    fr_model.train()
    losses = fr_model.loss(*_batch([1, 5]))
    named = dict(fr_model.named_parameters())
    names = list(named)
    grads = dict(
        zip(
            names,
            torch.autograd.grad(
                losses['loss_fr'], [named[n] for n in names],
                retain_graph=True,
                allow_unused=True)))
    for name in ('cls_head.fc.weight', 'cls_head.fc.bias'):
        assert grads[name] is None or not grads[name].any()
    # every backbone block up to the last tap learns from loss_fr
    for i in range(10):
        block = [g for n, g in grads.items()
                 if n.startswith(f'backbone.gcn.{i}.') and g is not None]
        assert block and any(g.abs().sum() > 0 for g in block), i
    assert grads['fr_head.spatial.0.0.weight'].abs().sum() > 0
    # control: loss_cls does reach the classifier
    fc_grad, = torch.autograd.grad(losses['loss_cls'],
                                   [named['cls_head.fc.weight']])
    assert fc_grad.abs().sum() > 0


def test_predict_equals_plain_recognizer_after_strip(fr_model):
    fr_model.train()
    fr_model.loss(*_batch([0, 2]))  # moves BN statistics and prototypes
    fr_model.eval()
    plain = MODELS.build(copy.deepcopy(PLAIN_CFG)).eval()
    assert type(plain) is RecognizerGCN
    stripped = strip_fr_head(fr_model.state_dict())['state_dict']
    result = plain.load_state_dict(stripped, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    inputs, samples = _batch([4, 8])
    with torch.no_grad():
        ours = fr_model.predict(inputs, copy.deepcopy(samples))
        theirs = plain.predict(inputs, copy.deepcopy(samples))
        tensor_out = fr_model(inputs, mode='tensor')
        plain_tensor = plain(inputs, mode='tensor')
    for a, b in zip(ours, theirs):
        assert torch.equal(a.pred_score, b.pred_score)
        assert torch.equal(a.pred_label, b.pred_label)
    assert torch.equal(tensor_out, plain_tensor)


def test_predict_registers_no_hooks(fr_model, monkeypatch):
    seen = []
    last = fr_model.backbone.gcn[9]
    original = last.forward

    def checked_forward(x):
        seen.append(_hooked(fr_model.backbone))
        return original(x)

    monkeypatch.setattr(last, 'forward', checked_forward)
    inputs, samples = _batch([3])
    fr_model.eval()
    with torch.no_grad():
        fr_model.predict(inputs, samples)
        fr_model(inputs, mode='tensor')
    assert seen == [[], []]
    # control: the same check does see the taps during loss()
    fr_model.train()
    fr_model.loss(*_batch([3, 4]))
    assert sorted(seen[-1]) == ['gcn.0', 'gcn.4', 'gcn.7', 'gcn.9']
    assert _hooked(fr_model) == []


def test_num_classes_mismatch():
    with pytest.raises(ValueError, match='num_classes'):
        _build(fr_head=dict(type='FRHead', num_classes=12))


def test_num_classes_defaults_to_the_classifier():
    assert 'num_classes' not in FR_CFG['fr_head']  # the shipped config
    model = _build(
        cls_head=dict(FR_CFG['cls_head'], num_classes=7), fr_head={})
    assert model.fr_head.num_classes == 7
    assert model.fr_head.spatial_losses[0].memory.prototypes.size(0) == 7
    assert type(model.fr_head).__name__ == 'FRHead'  # the default type


def test_wrong_tap_name():
    with pytest.raises(KeyError, match='gcn.12'):
        _build(taps=('gcn.0', 'gcn.12'))


def test_clip_shape_mismatch(fr_model):
    fr_model.train()
    inputs, samples = _batch([0, 1], T=20)
    with pytest.raises(ValueError, match='clip_shape'):
        fr_model.loss(inputs, samples)
    with pytest.raises(ValueError, match='clip_shape'):
        _build(clip_shape=(1, 16, 25, 3))  # at build time as well
    with pytest.raises(ValueError, match='clip_shape'):
        _build(clip_shape=(16, 20, 3))


def test_loss_updates_prototypes(fr_model):
    model = fr_model
    model.train()
    inputs, _ = _batch([0, 0])
    with torch.no_grad():
        scores = model.cls_head(model.extract_feat(inputs)[0])
    # label every sample with its prediction: all are true positives
    predicted = scores.argmax(1).tolist()
    samples = [ActionDataSample().set_gt_label(k) for k in predicted]
    losses = model.fr_head.spatial_losses + model.fr_head.temporal_losses
    before = [m.memory.prototypes.clone() for m in losses]
    model.loss(inputs, samples)
    for old, module in zip(before, losses):
        changed = (module.memory.prototypes != old).any(1)
        assert changed.nonzero().flatten().tolist() == sorted(set(predicted))
    # the prototypes are part of the checkpoint
    state = model.state_dict()
    assert 'fr_head.spatial_losses.0.memory.prototypes' in state
    assert torch.equal(state['fr_head.temporal_losses.3.memory.prototypes'],
                       losses[-1].memory.prototypes)

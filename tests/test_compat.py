"""Tests of the stack fixes in ``mmfrhead.compat``."""
import copy

import torch
from _models import FR_CFG
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules

import mmfrhead  # noqa: F401  (applies the fixes)

torch.set_num_threads(2)
register_all_modules()


def _samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


def test_gcn_head_loss_under_bfloat16_autocast():
    head = MODELS.build(dict(type='GCNHead', num_classes=5, in_channels=8))
    feats = torch.randn(4, 1, 8, 6, 5)  # (N, M, C, T, V)
    labels = torch.tensor([0, 1, 2, 3])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        scores = head(feats)
        assert scores.dtype == torch.bfloat16  # the case that crashed
        losses = head.loss_by_feat(scores, _samples(labels))
    expected = torch.nn.functional.cross_entropy(scores.float(), labels)
    torch.testing.assert_close(losses['loss_cls'], expected)
    assert 0 <= float(losses['top1_acc']) <= 1


def test_fr_recognizer_trains_under_bfloat16_autocast():
    model = MODELS.build(copy.deepcopy(FR_CFG))
    inputs = torch.randn(4, 1, 1, 16, 20, 3)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model(inputs, _samples([0, 1, 2, 3]), mode='loss')
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    loss.backward()
    assert torch.isfinite(loss)
    grads = [p.grad for p in model.backbone.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)

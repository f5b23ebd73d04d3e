import copy

import pytest
import torch
from mmaction.registry import MODELS
from torch.autograd import gradcheck

from mmfrhead.models import ContrastiveRefinementLoss, FRHead
from mmfrhead.models.heads.fr_head import _DecoupledMeans

torch.set_num_threads(2)

NUM_CLASSES = 4
# Two small stages (C, T, V); hidden 40 -> spatial 40 // 5 * 5 = 40 wide,
# temporal 40 // 8 * 8 = 40 and 40 // 4 * 4 = 40 wide.
STAGES = [(8, 8, 5), (16, 4, 5)]
WEIGHTS = (0.3, 0.7)
N, M = 6, 2


def _head(**kwargs):
    cfg = dict(
        num_classes=NUM_CLASSES,
        stage_shapes=STAGES,
        hidden_channels=40,
        stage_weights=WEIGHTS,
        loss_weight=0.5)
    cfg.update(kwargs)
    return FRHead(**cfg)


def _inputs(five_dim=False):
    feats = [torch.randn(N, M, C, T, V) for C, T, V in STAGES]
    if not five_dim:
        feats = [f.reshape(N * M, *f.shape[2:]) for f in feats]
    scores = torch.randn(N, NUM_CLASSES) * 2
    labels = torch.tensor([0, 1, 2, 3, 1, 2])
    return feats, scores, labels


def _expected(head, feats, scores, labels):
    """``loss_weight * sum_s lambda_s (L_spatial + L_temporal)``, calling
    the head's sub-modules directly."""
    total = 0.
    for s, (C, T, V) in enumerate(STAGES):
        x = feats[s].reshape(N, M, C, T, V)
        spatial_in = x.mean(dim=(1, 3))  # persons and time -> (N, C, V)
        temporal_in = x.mean(dim=(1, 4))  # persons and joints -> (N, C, T)
        f_s = head.spatial[s](spatial_in).reshape(N, -1)
        f_t = head.temporal[s](temporal_in).reshape(N, -1)
        assert f_s.shape == (N, 40 // V * V)
        assert f_t.shape == (N, 40 // T * T)
        l_s = head.spatial_losses[s](f_s, scores, labels)
        l_t = head.temporal_losses[s](f_t, scores, labels)
        total = total + WEIGHTS[s] * (l_s + l_t)
    return 0.5 * total


def test_fr_head_stage_weights_mismatch():
    with pytest.raises(ValueError, match='stage_weights'):
        _head(stage_weights=(0.1, 0.2, 0.5))
    with pytest.raises(ValueError, match='hidden_channels'):
        _head(hidden_channels=6)  # narrower than T=8


def test_fr_head_structure():
    head = _head()
    assert len(head.spatial) == len(head.temporal) == 2
    assert len(head.spatial_losses) == len(head.temporal_losses) == 2
    # squeeze convolutions C -> hidden // V (spatial), hidden // T (temporal)
    assert head.spatial[0][0].weight.shape == (8, 8, 1)
    assert head.temporal[0][0].weight.shape == (5, 8, 1)
    assert head.temporal[1][0].weight.shape == (10, 16, 1)
    assert head.spatial_losses[1].memory.prototypes.shape == (NUM_CLASSES, 40)


def test_fr_head_loss_equals_weighted_sum_of_parts_eval():
    head = _head()
    head.eval()
    feats, scores, labels = _inputs()
    out = head.loss(feats, scores, labels)
    assert list(out) == ['loss_fr']
    assert out['loss_fr'].dim() == 0
    expected = _expected(head, feats, scores, labels)
    torch.testing.assert_close(out['loss_fr'], expected, rtol=1e-5,
                               atol=1e-6)
    # the stage weights matter: a different weighting gives another value
    other = _head(stage_weights=(0.7, 0.3))
    other.load_state_dict(head.state_dict())
    other.eval()
    assert not torch.allclose(
        other.loss(feats, scores, labels)['loss_fr'], expected)


def test_fr_head_loss_equals_weighted_sum_of_parts_train():
    head = _head()
    head.train()
    twin = copy.deepcopy(head)  # same state before any prototype update
    feats, scores, labels = _inputs()
    out = head.loss(feats, scores, labels)['loss_fr']
    expected = _expected(twin, feats, scores, labels)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)
    # both updated the prototypes the same way
    for a, b in zip(head.spatial_losses, twin.spatial_losses):
        torch.testing.assert_close(a.memory.prototypes, b.memory.prototypes)


def test_fr_head_accepts_both_feature_layouts():
    head = _head()
    head.eval()
    feats5, scores, labels = _inputs(five_dim=True)
    feats4 = [f.reshape(N * M, *f.shape[2:]) for f in feats5]
    loss5 = head.loss(feats5, scores, labels)['loss_fr']
    loss4 = head.loss(feats4, scores, labels)['loss_fr']
    torch.testing.assert_close(loss5, loss4)
    # one person per sample works as well
    feats1 = [f[:, 0] for f in feats5]
    assert torch.isfinite(head.loss(feats1, scores, labels)['loss_fr'])


def test_fr_head_label_range():
    head = _head()
    feats, scores, labels = _inputs()
    with pytest.raises(ValueError, match=r'\[0, 3\]'):
        head.loss(feats, scores, torch.tensor([0, 1, 2, 4, 1, 2]))
    with pytest.raises(ValueError, match=r'\[0, 3\]'):
        head.loss(feats, scores, torch.tensor([0, -1, 2, 3, 1, 2]))


def test_fr_head_wrong_stage_shape():
    head = _head()
    feats, scores, labels = _inputs()
    bad = [feats[0], torch.randn(N * M, 16, 6, 5)]  # T=6 instead of 4
    with pytest.raises(ValueError, match=r'\(16, 4, 5\)'):
        head.loss(bad, scores, labels)
    bad = [feats[0][..., :4], feats[1]]  # V=4 instead of 5
    with pytest.raises(ValueError, match='stage 0'):
        head.loss(bad, scores, labels)
    with pytest.raises(ValueError, match='2 stage'):
        head.loss(feats[:1], scores, labels)


def test_fr_head_parameter_count_ntu():
    head = FRHead(
        num_classes=120,
        stage_shapes=[(64, 64, 25), (128, 32, 25), (256, 16, 25),
                      (256, 16, 25)])
    # the reference implementation has 536,956 parameters at these shapes
    assert sum(p.numel() for p in head.parameters()) == 536_956
    assert head.stage_weights == (0.1, 0.2, 0.5, 1.0)
    assert head.loss_weight == 0.1


def test_fr_head_runs_in_fp32_under_autocast():
    head = _head()
    head.eval()
    feats, scores, labels = _inputs()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = head.loss([f.bfloat16() for f in feats], scores.bfloat16(),
                        labels)['loss_fr']
    assert out.dtype == torch.float32
    # the same as the fp32 computation on the (bf16-rounded) inputs
    ref = head.loss([f.bfloat16().float() for f in feats],
                    scores.bfloat16().float(), labels)['loss_fr']
    torch.testing.assert_close(out, ref, rtol=1e-6, atol=1e-6)


@MODELS.register_module()
class _MeanSquareRefinement(torch.nn.Module):
    """A stand-in refinement loss: the mean square of its projection."""

    def __init__(self, in_channels, num_classes, hidden_channels, scale=1.):
        super().__init__()
        self.projection = torch.nn.Linear(in_channels, hidden_channels)
        self.scale = scale

    def forward(self, feats, cls_scores, labels):
        return self.scale * self.projection(feats).square().mean()


def test_fr_head_builds_its_loss_from_the_registry():
    head = _head(loss_cfg=dict(type='_MeanSquareRefinement', scale=2.))
    assert all(
        isinstance(m, _MeanSquareRefinement)
        for m in [*head.spatial_losses, *head.temporal_losses])
    assert head.spatial_losses[1].projection.in_features == 40
    head.eval()
    feats, scores, labels = _inputs()
    torch.testing.assert_close(
        head.loss(feats, scores, labels)['loss_fr'],
        _expected(head, feats, scores, labels))
    # without a type, the options go to ContrastiveRefinementLoss
    head = _head(loss_cfg=dict(version='V1', momentum=0.5))
    assert isinstance(head.spatial_losses[0], ContrastiveRefinementLoss)
    assert head.spatial_losses[0].version == 'V1'
    assert head.temporal_losses[1].memory.momentum == 0.5


@pytest.mark.parametrize('channels_last', [False, True])
def test_decoupled_means_gradcheck(channels_last):
    # (N * M, C, T, V) with N = 2 samples of M = 2 persons
    x = torch.randn(4, 3, 5, 6, dtype=torch.float64)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    x.requires_grad_(True)
    assert gradcheck(lambda t: _DecoupledMeans.apply(t, 2, torch.float64),
                     (x, ))
    spatial, temporal = _DecoupledMeans.apply(x, 2, torch.float64)
    x5 = x.view(2, 2, 3, 5, 6)
    torch.testing.assert_close(spatial, x5.mean((1, 3)))
    torch.testing.assert_close(temporal, x5.mean((1, 4)))

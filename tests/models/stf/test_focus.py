import pytest
import torch
import torch.nn as nn

from mmfrhead.models import SpatioTemporalFocus

pytestmark = pytest.mark.usefixtures('one_thread')

N, M, C_IN, T, V, K = 2, 2, 2, 3, 4, 5


class TwoBlockToy(nn.Module):
    """Two 1x1 "blocks" and a mean-pool + linear classifier."""

    def __init__(self, dtype=torch.float32):
        super().__init__()
        torch.manual_seed(0)
        self.conv1 = nn.Conv2d(C_IN, 3, 1).to(dtype)
        self.conv2 = nn.Conv2d(3, 4, 1).to(dtype)
        self.fc = nn.Linear(4, K).to(dtype)

    def forward(self, x):  # (N * M, C_in, T, V)
        f1 = self.conv1(x)
        f2 = self.conv2(f1).relu()
        pooled = f2.view(N, M, 4, T, V).mean((1, 3, 4))
        return self.fc(pooled), [f1, f2]


def hand_focus(model, x, classes, pooling):
    """Grad-CAM written out by the chain rule for :class:`TwoBlockToy`."""
    with torch.no_grad():
        f1 = model.conv1(x)
        pre2 = model.conv2(f1)
        f2 = pre2.relu()
        w = model.fc.weight[classes]  # (N, 4)
        # d y_c / d f2[n, m, i, t, v] = W[c, i] / (M T V)
        g2 = (w / (M * T * V)).view(N, 1, 4, 1, 1).expand(N, M, 4, T, V)
        g2 = g2.reshape(N * M, 4, T, V)
        g1 = torch.einsum('ij,nitv->njtv', model.conv2.weight[:, :, 0, 0],
                          g2 * (pre2 > 0))
    maps = []
    for f, g in ((f1, g1), (f2, g2)):
        if pooling == 'channel':
            g = g.mean((2, 3), keepdim=True)
        maps.append((g * f).sum(1).relu().view(N, M, T, V))
    return maps


@pytest.mark.parametrize('pooling', ['channel', 'element'])
def test_focus_equals_the_hand_computation(pooling):
    model = TwoBlockToy()
    x = torch.randn(N * M, C_IN, T, V)
    scores, feats = model(x)
    classes = torch.tensor([1, 3])
    focus = SpatioTemporalFocus(pooling=pooling, normalize='none')
    maps = focus(scores, classes, feats)
    expected = hand_focus(model, x, classes, pooling)
    for got, want in zip(maps, expected):
        assert got.shape == (N, M, T, V) and got.dtype == torch.float32
        torch.testing.assert_close(got, want)
        assert (got >= 0).all()
    # The normalisations, per sample and person.
    minmax = SpatioTemporalFocus(pooling=pooling)(scores, classes, feats)
    flat = expected[1].flatten(2)
    low, high = flat.amin(-1, keepdim=True), flat.amax(-1, keepdim=True)
    torch.testing.assert_close(
        minmax[1].flatten(2), (flat - low) / (high - low).clamp_min(1e-6))
    total = SpatioTemporalFocus(pooling=pooling, normalize='sum')(
        scores, classes, feats)
    torch.testing.assert_close(
        total[1].flatten(2), flat / flat.sum(-1, keepdim=True))


def test_zero_features_give_zero_focus():
    feat = torch.zeros(N * M, 4, T, V, requires_grad=True)
    w = torch.randn(K, 4)
    scores = feat.view(N, M, 4, T, V).mean((1, 3, 4)) @ w.t()
    for normalize in ('minmax', 'sum', 'none'):
        maps = SpatioTemporalFocus(normalize=normalize)(
            scores, torch.tensor([0, 1]), [feat])
        assert maps[0].abs().max() == 0


def test_softmax_score_differs_from_logit():
    model = TwoBlockToy()
    scores, feats = model(torch.randn(N * M, C_IN, T, V))
    classes = torch.tensor([1, 3])
    logit = SpatioTemporalFocus(normalize='none')(scores, classes, feats)
    prob = SpatioTemporalFocus(
        normalize='none', score='softmax')(scores, classes, feats)
    assert not torch.allclose(logit[0], prob[0])


def test_create_graph_same_maps_second_order_gradients():
    model = TwoBlockToy()
    scores, feats = model(torch.randn(N * M, C_IN, T, V))
    classes = torch.tensor([1, 3])
    first = SpatioTemporalFocus()(scores, classes, feats)
    second = SpatioTemporalFocus(create_graph=True)(scores, classes, feats)
    for a, b in zip(first, second):
        torch.testing.assert_close(a, b)
    # The classifier's weights enter the maps only through dy/dF.
    g_first = torch.autograd.grad(
        first[1].sum(), model.fc.weight, allow_unused=True, retain_graph=True)
    g_second = torch.autograd.grad(second[1].sum(), model.fc.weight)
    assert g_first[0] is None
    assert g_second[0].abs().sum() > 0


def test_second_order_gradcheck():
    model = TwoBlockToy(torch.float64)
    x = torch.randn(N * M, C_IN, T, V, dtype=torch.float64)
    classes = torch.tensor([1, 3])
    focus = SpatioTemporalFocus(
        pooling='element', normalize='sum', create_graph=True)

    def maps_of(fc_weight):
        f1 = model.conv1(x)
        f2 = model.conv2(f1).relu()
        pooled = f2.view(N, M, 4, T, V).mean((1, 3, 4))
        scores = pooled @ fc_weight.t()
        return tuple(focus(scores, classes, [f1, f2]))

    weight = model.fc.weight.detach().clone().requires_grad_()
    assert torch.autograd.gradcheck(maps_of, (weight, ))


def test_bad_option():
    with pytest.raises(ValueError, match='pooling'):
        SpatioTemporalFocus(pooling='max')


def test_maps_are_fp32_under_autocast():
    model = TwoBlockToy()
    x = torch.randn(N * M, C_IN, T, V)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        scores, feats = model(x)
        assert feats[0].dtype == torch.bfloat16
        maps = SpatioTemporalFocus()(scores, torch.tensor([1, 3]), feats)
    assert all(m.dtype == torch.float32 for m in maps)

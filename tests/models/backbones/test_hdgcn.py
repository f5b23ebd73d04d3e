import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.models import GCNHead
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmfrhead.models import HDGCN
from mmfrhead.models.utils import build_graph
from mmfrhead.models.utils.hdgcn_utils import (HDGC, edge_set_pooling,
                                               hd_graph, hierarchy_levels)


# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')


def _num_params(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def _one_based(levels):
    return [sorted(v + 1 for v in level) for level in levels]


def test_hdgcn_output_shapes():
    ntu = HDGCN(graph_cfg=dict(layout='nturgb+d')).eval()
    ucla = HDGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1).eval()
    with torch.no_grad():
        assert ntu(torch.randn(1, 2, 8, 25, 3)).shape == (1, 2, 256, 2, 25)
        out = ucla(torch.randn(3, 1, 10, 20, 3))
    assert out.shape == (3, 1, 256, 3, 20)
    assert torch.isfinite(out).all()
    # samples are not mixed in eval mode
    x = torch.randn(3, 1, 8, 20, 3)
    with torch.no_grad():
        full, alone = ucla(x), ucla(x[1:2])
    scale = full.abs().max().item()  # untrained: large activations
    torch.testing.assert_close(alone, full[1:2], rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize('layout,num_person,num_classes,expected', [
    ('nturgb+d', 2, 120, 1_678_104),  # paper (NTU-120): 1.68 M
    ('nturgb+d', 2, 60, 1_662_684),
    ('nw_ucla', 1, 10, 1_609_154),
])
def test_hdgcn_parameter_count(layout, num_person, num_classes, expected):
    backbone = HDGCN(graph_cfg=dict(layout=layout), num_person=num_person)
    assert _num_params(backbone, GCNHead(num_classes, 256)) == expected


def test_hierarchy_levels_follow_hop_distance_from_com():
    graph = build_graph('nturgb+d')
    # CoM 21 (spine shoulder, 1-based), the paper's default stream
    levels = hierarchy_levels(25, graph.inward, 20)
    assert _one_based(levels) == [[21], [2, 3, 5, 9], [1, 4, 6, 10],
                                  [7, 11, 13, 17], [8, 12, 14, 18],
                                  [15, 19, 22, 23, 24, 25], [16, 20]]
    # CoM 2 (spine mid)
    assert _one_based(hierarchy_levels(25, graph.inward, 1))[:3] == [
        [2], [1, 21], [3, 5, 9, 13, 17]
    ]
    for center in range(25):
        levels = hierarchy_levels(25, graph.inward, center)
        assert sorted(v for level in levels for v in level) == list(range(25))
        assert levels[0] == [center]
    with pytest.raises(ValueError, match='not connected'):
        hierarchy_levels(3, [(0, 1)], 0)
    with pytest.raises(ValueError, match='not a joint'):
        hierarchy_levels(3, [(0, 1), (2, 1)], 3)


def test_hd_graph_subsets():
    levels = [[1], [0, 2], [3]]  # a 4-joint chain 0-1-2 with 3 below 2
    A = hd_graph(levels, 4)
    assert A.shape == (2, 3, 4, 4)
    # edge set 0 joins levels {1} and {0, 2}
    np.testing.assert_array_equal(A[0, 0], np.diag([1, 1, 1, 0]))
    # centripetal: messages u -> v from the far level to the near one;
    # A[v, u], each source column normalised
    expected_in = np.zeros((4, 4))
    expected_in[1, 0] = expected_in[1, 2] = 1.
    np.testing.assert_array_equal(A[0, 1], expected_in)
    expected_out = np.zeros((4, 4))
    expected_out[0, 1] = expected_out[2, 1] = 0.5
    np.testing.assert_array_equal(A[0, 2], expected_out)
    # edge set 1 joins {0, 2} and {3}: fully connected across the levels
    assert A[1, 1][[0, 2], 3].tolist() == [0.5, 0.5]
    assert A[1, 2][3, [0, 2]].tolist() == [1., 1.]
    pool = edge_set_pooling(levels, 4)
    torch.testing.assert_close(
        pool, torch.tensor([[1., 1., 1., 0.], [1., 0., 1., 1.]]) / 3)


def test_hdgcn_center_and_graph_cfg():
    model = HDGCN(graph_cfg=dict(layout='nturgb+d', center=0), num_stages=2)
    assert model.levels[0] == [0]
    assert model.gcn[0].gcn.PA.shape[0] == len(model.levels) - 1
    with pytest.raises(ValueError, match='mode'):
        HDGCN(graph_cfg=dict(layout='nturgb+d', mode='spatial'))


def test_hdgcn_wrong_input_raises():
    model = HDGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    with pytest.raises(ValueError, match='20 joints'):
        model(torch.randn(1, 1, 16, 25, 3))
    with pytest.raises(ValueError, match='1 person'):
        model(torch.randn(1, 2, 16, 20, 3))


def test_hdgcn_gradients_reach_every_parameter():
    model = HDGCN(
        graph_cfg=dict(layout='nw_ucla'), base_channels=16, num_person=1)
    model.train()
    model(torch.randn(2, 1, 16, 20, 3)).sum().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []
    for name, p in model.named_parameters():
        assert torch.isfinite(p.grad).all(), name
    unit = model.gcn[3].gcn
    for p in (unit.PA, unit.edge_conv.conv.weight, unit.aha.expand.weight,
              unit.aha.edge_conv.conv.weight, unit.subset_conv.weight):
        assert p.grad.abs().sum().item() > 0


def _conv1x1(x, weight, bias=None):
    y = torch.einsum('oc,nc...->no...', weight.flatten(1), x)
    if bias is not None:
        y = y + bias.view((1, -1) + (1, ) * (x.dim() - 2))
    return y


def _bn(x, bn, sl):
    """Eval-mode batch norm with the channels ``sl`` of ``bn``."""
    return F.batch_norm(x, bn.running_mean[sl], bn.running_var[sl],
                        bn.weight[sl], bn.bias[sl], False, 0., bn.eps)


def _edge_conv(x, module, sl, k):
    """EdgeConv over the nodes of ``x`` (N, C, V), weights sliced ``sl``."""
    N, C, V = x.shape
    dist = torch.cdist(x.transpose(1, 2), x.transpose(1, 2))  # (N, V, V)
    idx = dist.argsort(-1)[..., :min(k, V)]  # nearest first, self included
    out = []
    for n in range(N):
        nb = x[n][:, idx[n]]  # (C, V, k)
        ctr = x[n][:, :, None].expand_as(nb)
        feat = torch.cat([nb - ctr, ctr])[None]
        y = _bn(_conv1x1(feat, module.conv.weight[sl]), module.bn, sl)
        out.append(F.leaky_relu(y, 0.2).amax(-1)[0])
    return torch.stack(out)


def _hdgc_reference(unit: HDGC, x, pool):
    """HD-GC + A-HA written per edge set and subset with separate weights."""
    L, S, c = unit.num_sets, unit.num_subsets, unit.inter_channels
    T = x.shape[2]
    maps = []
    for l in range(L):
        sl = slice(l * c, (l + 1) * c)
        xd = F.relu(
            _bn(
                _conv1x1(x, unit.reduce[0].weight[sl],
                         unit.reduce[0].bias[sl]), unit.reduce[1], sl))
        parts = []
        for s in range(S):
            g = slice((l * S + s) * c, (l * S + s + 1) * c)
            agg = torch.einsum('nctu,vu->nctv', xd, unit.PA[l, s])
            parts.append(
                _bn(
                    _conv1x1(agg, unit.subset_conv.weight[g],
                             unit.subset_conv.bias[g]), unit.subset_bn, g))
        e = _edge_conv(xd.mean(2), unit.edge_conv, sl, unit.edge_conv.k)
        parts.append(e[:, :, None].expand(-1, -1, T, -1))
        maps.append(torch.cat(parts, 1))  # (N, C, T, V)
    aha = unit.aha
    full = slice(None)
    reps = []
    for l, h in enumerate(maps):
        r = F.relu(
            _bn(
                _conv1x1(h.amax(2), aha.reduce[0].weight,
                         aha.reduce[0].bias), aha.reduce[1], full))
        members = pool[l] > 0
        reps.append(r[:, :, members].mean(-1))  # RSAP: (N, c')
    r = _edge_conv(torch.stack(reps, -1), aha.edge_conv, full, aha.edge_conv.k)
    att = torch.sigmoid(_conv1x1(r, aha.expand.weight, aha.expand.bias))
    out = sum(att[:, :, l, None, None] * h for l, h in enumerate(maps))
    out = _bn(out, unit.bn, full)
    return F.relu(out + unit.down(x))


def test_fused_hdgc_matches_per_edge_set_formula():
    graph = build_graph('nw_ucla')
    levels = hierarchy_levels(20, graph.inward, graph.center)
    A = torch.from_numpy(hd_graph(levels, 20))
    pool = edge_set_pooling(levels, 20)
    unit = HDGC(6, 16, A, pool).double().eval()
    with torch.no_grad():
        for p in unit.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        for name, b in unit.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(torch.randn_like(b) * 0.1)
            elif name.endswith('running_var'):
                b.copy_(torch.rand_like(b) + 0.5)
    x = torch.randn(2, 6, 5, 20, dtype=torch.float64)
    with torch.no_grad():
        out = unit(x)
        expected = _hdgc_reference(unit, x, pool.double())
    assert out.shape == (2, 16, 5, 20)
    torch.testing.assert_close(out, expected, rtol=1e-8, atol=1e-8)


def test_hdgcn_trains_under_fr_recognizer():
    model = MODELS.build(
        dict(
            type='FRRecognizer',
            data_preprocessor=dict(
                type='SkeletonPreprocessor', layout='nw_ucla', feats=['j']),
            backbone=dict(
                type='HDGCN',
                graph_cfg=dict(layout='nw_ucla'),
                base_channels=16,
                num_person=1),
            cls_head=dict(type='GCNHead', num_classes=10, in_channels=64),
            fr_head=dict(type='FRHead', num_classes=10),
            taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
            clip_shape=(1, 16, 20, 3)))
    assert model.fr_head.stage_shapes == [(16, 16, 20), (32, 8, 20),
                                          (64, 4, 20), (64, 4, 20)]
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    inputs = torch.randn(4, 1, 1, 16, 20, 3)
    samples = [ActionDataSample().set_gt_label(k) for k in (0, 3, 3, 7)]
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    losses = model.loss(inputs, samples)
    loss = losses['loss_cls'] + losses['loss_fr']
    assert torch.isfinite(loss) and losses['loss_fr'].item() > 0
    loss.backward()
    optimizer.step()
    changed = {
        n.split('.')[0]
        for n, p in model.named_parameters() if not torch.equal(p, before[n])
    }
    assert changed == {'backbone', 'cls_head', 'fr_head'}

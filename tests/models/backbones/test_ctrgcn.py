import numpy as np
import pytest
import torch
from mmaction.models import GCNHead
from mmaction.models.utils import Graph

from mmfrhead.models import CTRGCN
from mmfrhead.models.utils import build_graph
from mmfrhead.models.utils.ctrgcn_fast import FastCTRGC
from mmfrhead.models.utils.ctrgcn_utils import CTRGC

torch.set_num_threads(2)


def _num_params(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def test_ctrgcn_output_shape_ntu():
    model = CTRGCN(
        graph_cfg=dict(layout='ntu_ctrgcn', mode='spatial'), num_person=2)
    model.eval()
    x = torch.randn(1, 2, 16, 25, 3)  # (N, M, T, V, C)
    with torch.no_grad():
        out = model(x)
    assert out.shape == torch.Size([1, 2, 256, 4, 25])
    assert torch.isfinite(out).all()


def test_ctrgcn_output_shape_nw_ucla():
    model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    model.eval()
    x = torch.randn(2, 1, 16, 20, 3)
    with torch.no_grad():
        out = model(x)
    assert out.shape == torch.Size([2, 1, 256, 4, 20])
    # the persons/batch are not mixed: sample 1 alone gives the same output
    with torch.no_grad():
        out1 = model(x[1:])
    scale = out.abs().max().item()  # untrained: large activations
    torch.testing.assert_close(out1, out[1:], rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize('layout,num_person,num_classes,expected', [
    ('ntu_ctrgcn', 2, 120, 1_462_092),
    ('ntu_ctrgcn', 2, 60, 1_446_672),
    ('nw_ucla', 1, 10, 1_426_892),
])
def test_ctrgcn_parameter_count(layout, num_person, num_classes, expected):
    backbone = CTRGCN(graph_cfg=dict(layout=layout), num_person=num_person)
    head = GCNHead(num_classes, 256)
    assert _num_params(backbone, head) == expected


def _edge_set(inward):
    """1-based set of (child, parent) edges."""
    return {(int(i) + 1, int(j) + 1) for i, j in inward}


def test_ntu_ctrgcn_graph_differs_from_mmaction_in_hand_edges_only():
    ours = build_graph('ntu_ctrgcn')
    mma = Graph(layout='nturgb+d', mode='spatial')
    assert ours.num_node == mma.num_node == 25
    ours_edges, mma_edges = _edge_set(ours.inward), _edge_set(mma.inward)
    assert len(ours_edges) == len(mma_edges) == 24
    hands = {22, 23, 24, 25}
    body = {e for e in mma_edges if not hands & set(e)}
    assert {e for e in ours_edges if not hands & set(e)} == body
    assert len(body) == 20
    # CTR-GCN's thumb / hand-tip chains
    assert ours_edges - body == {(22, 23), (23, 8), (24, 25), (25, 12)}
    assert mma_edges - body == {(22, 8), (23, 8), (24, 12), (25, 12)}
    assert ours_edges ^ mma_edges == {(22, 23), (24, 25), (22, 8), (24, 12)}


@pytest.mark.parametrize('layout,num_person', [('ntu_ctrgcn', 2),
                                               ('nw_ucla', 1)])
def test_ctrgcn_adjacency_follows_edges(layout, num_person):
    """The backbone's prior topologies are [I, norm(In), norm(Out)]."""
    model = CTRGCN(graph_cfg=dict(layout=layout), num_person=num_person)
    A = model.graph.A
    V = A.shape[-1]
    assert A.shape == (3, V, V)
    np.testing.assert_array_equal(A[0], np.eye(V))
    inward = {(int(c), int(p)) for c, p in model.graph.inward}
    # edge2mat puts edge (child, parent) at A[parent, child]
    assert {(int(c), int(p))
            for p, c in zip(*np.nonzero(A[1]))} == inward
    # and the outward edge (parent, child) at A[child, parent]
    assert {(int(c), int(p))
            for c, p in zip(*np.nonzero(A[2]))} == inward
    # every column of a non-empty direction is normalised to sum 1
    for a in A[1:]:
        col = a.sum(0)
        np.testing.assert_allclose(col[col > 0], 1.)
    # PA of every block starts as the graph
    for block in model.gcn:
        np.testing.assert_allclose(block.gcn.PA.detach().numpy(), A)
    if layout == 'nw_ucla':
        assert V == 20 and len(inward) == 19


def test_ctrgcn_wrong_input_raises():
    model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    with pytest.raises(ValueError, match='20 joints'):
        model(torch.randn(1, 1, 16, 25, 3))  # 25 joints on a 20-joint graph
    with pytest.raises(ValueError, match='1 person'):
        model(torch.randn(1, 2, 16, 20, 3))  # 2 persons on a 1-person model
    with pytest.raises(ValueError, match=r'\(N, M, T, V, C\)'):
        model(torch.randn(1, 1, 16, 20, 2))  # 2-D coordinates


def test_ctrgcn_gradients_reach_every_parameter():
    model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    model.train()
    out = model(torch.randn(1, 1, 16, 20, 3))
    out.sum().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []
    for name, p in model.named_parameters():
        assert torch.isfinite(p.grad).all(), name
    # the refinement scale and the learnable topology do learn
    assert model.gcn[3].gcn.alpha.grad.abs().item() > 0
    assert model.gcn[3].gcn.PA.grad.abs().sum().item() > 0


def _ctrgc_reference(module: CTRGC, x, A, alpha):
    """Straightforward per-subset CTR-GC (one conv1..conv4 per subset)."""
    S, R = module.num_subsets, module.rel_channels
    Co = module.out_channels
    w_rel = module.rel_conv.weight[:, :, 0, 0]
    b_rel = module.rel_conv.bias
    w_topo = module.topo_conv.weight[:, :, 0, 0]  # (S*Co, R): grouped
    b_topo = module.topo_conv.bias
    w_val = module.value_conv.weight[:, :, 0, 0]
    b_val = module.value_conv.bias

    def conv1x1(w, b, inp):
        return torch.einsum('oc,nctv->notv', w, inp) + b[None, :, None, None]

    y = 0.
    for s in range(S):
        phi = slice(s * R, (s + 1) * R)
        psi = slice(S * R + s * R, S * R + (s + 1) * R)
        out = slice(s * Co, (s + 1) * Co)
        x1 = conv1x1(w_rel[phi], b_rel[phi], x).mean(2)  # (N, R, V)
        x2 = conv1x1(w_rel[psi], b_rel[psi], x).mean(2)
        M = torch.tanh(x1[..., :, None] - x2[..., None, :])  # (N, R, V, V)
        Q = (torch.einsum('or,nruv->nouv', w_topo[out], M) +
             b_topo[out][None, :, None, None])
        Q = Q * alpha + A[s]
        x3 = conv1x1(w_val[out], b_val[out], x)  # (N, Co, T, V)
        y = y + torch.einsum('ncuv,nctv->nctu', Q, x3)
    return y


@pytest.mark.parametrize('in_channels,out_channels,expected_rel', [
    (3, 8, 8),  # 3-channel input: 8 relation channels
    (16, 12, 2),  # in_channels // 8
])
@pytest.mark.parametrize('cls', [CTRGC, FastCTRGC])
def test_ctrgc_matches_per_subset_formula(cls, in_channels, out_channels,
                                          expected_rel):
    S, N, T, V = 3, 2, 5, 7
    module = cls(in_channels, out_channels, S).double()
    assert module.rel_channels == expected_rel
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    x = torch.randn(N, in_channels, T, V, dtype=torch.float64)
    A = torch.rand(S, V, V, dtype=torch.float64)
    alpha = torch.tensor([0.7], dtype=torch.float64)
    out = module(x, A, alpha)
    expected = _ctrgc_reference(module, x, A, alpha)
    assert out.shape == (N, out_channels, T, V)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    # alpha really scales the refinement (not only A is used)
    other = module(x, A, alpha * 0)
    assert not torch.allclose(other, out, atol=1e-3)

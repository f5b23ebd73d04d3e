import pytest
import torch
from mmaction.models.utils import unit_gcn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmfrhead.models import StageTaps
from mmfrhead.models.stf.stf_stgcn import STFSTGCN, STFUnitGCN
from mmfrhead.skeleton import get_layout

pytestmark = pytest.mark.usefixtures('one_thread')

GRAPH = dict(layout=get_layout('nw_ucla').graph_dict(), mode='stgcn_spatial')


def graph():
    from mmaction.models.utils import Graph
    return torch.tensor(Graph(**GRAPH).A, dtype=torch.float32)


def test_without_instance_part_it_is_st_gcn_with_an_offset_graph():
    torch.manual_seed(0)
    A = graph()
    plain = unit_gcn(3, 8, A.clone(), adaptive='offset')
    stf = STFUnitGCN(3, 8, A.clone())
    stf.load_state_dict(plain.state_dict(), strict=False)
    with torch.no_grad():
        plain.PA.normal_()
        stf.PA.copy_(plain.PA)
    x = torch.randn(2, 3, 6, 20)
    assert torch.equal(stf.beta, torch.zeros(A.size(0)))
    torch.testing.assert_close(stf(x), plain(x))


def test_adjacency_tap_and_gradients_through_l_gk():
    torch.manual_seed(0)
    backbone = STFSTGCN(
        GRAPH, stf_stages=(8, 9), num_person=1, base_channels=8)
    unit = backbone.gcn[9].gcn
    assert isinstance(unit, STFUnitGCN)
    assert type(backbone.gcn[7].gcn) is unit_gcn
    with torch.no_grad():
        unit.beta.fill_(0.5)  # the instance part starts switched off
    taps = StageTaps(['gcn.8.gcn.adjacency', 'gcn.9.gcn.adjacency'])
    with taps.capture(backbone) as adjacencies:
        backbone(torch.randn(2, 1, 12, 20, 3))
    S = unit.num_subsets
    assert [tuple(a.shape) for a in adjacencies] == [(2, S, 20, 20)] * 2
    first = backbone.gcn[8].gcn
    torch.testing.assert_close(adjacencies[0][1],
                               (first.A + first.PA).transpose(1, 2))
    focus = torch.rand(2, 1, 3, 20)
    MODELS.build(dict(type='STFAdjacencyLoss'))(adjacencies,
                                                [focus, focus]).backward()
    for param in (unit.PA, unit.beta, unit.embed.weight, first.PA):
        assert param.grad is not None and param.grad.abs().sum() > 0


def test_stf_recognizer_on_st_gcn_trains():
    torch.manual_seed(0)
    stages = ('gcn.8', 'gcn.9')
    model = MODELS.build(
        dict(
            type='STFRecognizer',
            backbone=dict(
                type='STFSTGCN',
                graph_cfg=GRAPH,
                stf_stages=(8, 9),
                num_person=1,
                base_channels=8),
            cls_head=dict(type='GCNHead', num_classes=10, in_channels=32),
            focus_stages=stages,
            adjacency_stages=tuple(f'{s}.gcn.adjacency' for s in stages),
            stf_losses=dict(
                exploration=dict(type='STFExplorationLoss'),
                coherence=dict(type='STFCoherenceLoss'),
                divergence=dict(type='STFDivergenceLoss'),
                adjacency=dict(type='STFAdjacencyLoss')))).train()
    samples = [ActionDataSample().set_gt_label(i) for i in range(4)]
    losses = model.loss(torch.randn(4, 1, 1, 12, 20, 3), samples)
    assert {'loss_stf_e', 'loss_stf_c', 'loss_stf_d',
            'loss_stf_g'} <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert model.backbone.gcn[9].gcn.PA.grad.abs().sum() > 0


def test_bad_stages():
    with pytest.raises(ValueError, match='stf_stages'):
        STFSTGCN(GRAPH, stf_stages=(10, ), num_person=1)

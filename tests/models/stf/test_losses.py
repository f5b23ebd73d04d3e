import math

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS

from mmfrhead.models import StageTaps

pytestmark = pytest.mark.usefixtures('one_thread')


def build(type, **kwargs):
    return MODELS.build(dict(type=type, **kwargs))


def test_weight_and_start_epoch():
    loss = build('STFCoherenceLoss', loss_weight=0.5, start_epoch=3)
    assert not loss.active(2) and loss.active(3)
    assert not build('STFDivergenceLoss', loss_weight=0.).active(10)


def test_exploration_mask_by_hand():
    loss = build('STFExplorationLoss', threshold=0.5, sharpness=10.)
    x = torch.randn(1, 1, 4, 2, 3)  # (N, M, T, V, C)
    focus = torch.tensor([[[[0.5, 1.], [0., 0.2]]]])  # (1, 1, T_k=2, V=2)
    masked = loss.mask(x, focus)
    # Nearest resampling repeats each of the 2 focus frames twice.
    up = focus.repeat_interleave(2, dim=2)
    mask = torch.sigmoid(10. * (up - 0.5)).unsqueeze(-1)
    torch.testing.assert_close(masked, x - mask * x)
    torch.testing.assert_close(masked[0, 0, 0, 0], 0.5 * x[0, 0, 0, 0])


@pytest.mark.parametrize('fill', ['zero', 'mean'])
def test_exploration_hard_mask_leaves_unmasked_entries(fill):
    loss = build('STFExplorationLoss', hard=True, fill=fill)
    x = torch.randn(2, 1, 4, 3, 3)
    focus = torch.zeros(2, 1, 4, 3)
    focus[0, 0, 1, 2] = focus[1, 0, 3, 0] = 1.
    masked = loss.mask(x, focus)
    keep = (focus == 0).unsqueeze(-1).expand_as(x)
    assert torch.equal(masked[keep], x[keep])
    fill_value = (torch.zeros(3) if fill == 'zero' else x[0, 0].mean(
        (0, 1)))
    torch.testing.assert_close(masked[0, 0, 1, 2], fill_value)
    # No focus: the input unchanged; all in focus: the fill everywhere.
    assert torch.equal(loss.mask(x, torch.zeros_like(focus)), x)
    if fill == 'zero':
        assert loss.mask(x, torch.ones_like(focus)).abs().max() == 0


def test_exploration_linear_resampling():
    loss = build('STFExplorationLoss', interpolation='linear', hard=True,
                 threshold=0.4)
    focus = torch.tensor([0., 1.]).view(1, 1, 2, 1)
    masked = loss.mask(torch.ones(1, 1, 4, 1, 1), focus)
    # Linear (align_corners=False) from 2 to 4 frames: 0, .25, .75, 1.
    assert masked.flatten().tolist() == [1., 1., 0., 0.]


def test_exploration_mask_gradient_reaches_the_focus():
    focus = torch.full((1, 1, 2, 2), 0.6, requires_grad=True)
    x = torch.randn(1, 1, 2, 2, 3)
    build('STFExplorationLoss').mask(x, focus).sum().backward()
    assert focus.grad.abs().sum() > 0
    focus.grad = None
    detached = build('STFExplorationLoss', detach_mask=True).mask(x, focus)
    assert not detached.requires_grad


def test_exploration_loss_by_hand():
    scores = torch.tensor([[0., math.log(3.)], [math.log(3.), 0.]])
    classes = torch.tensor([1, 1])
    loss = build('STFExplorationLoss', loss_weight=2.)
    # softmax: (0.25, 0.75) and (0.75, 0.25) -> mean(0.75, 0.25) = 0.5.
    torch.testing.assert_close(loss(scores, classes), torch.tensor(1.))
    logit = build('STFExplorationLoss', score='logit')
    torch.testing.assert_close(
        logit(scores, classes), torch.tensor(math.log(3.) / 2))


def test_exploration_masked_pass_freezes_bn_statistics():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)).train()
    bn = model[1]
    for bn_stats, changes in (('frozen', False), ('update', True)):
        before = bn.running_mean.clone()
        with build('STFExplorationLoss', bn_stats=bn_stats).masked_pass(
                model):
            model(torch.randn(2, 3, 4, 5) + 3.)
        assert bn.momentum == 0.1
        assert (not torch.equal(bn.running_mean, before)) == changes


def test_coherence_by_hand():
    a = torch.tensor([1., 0., 0.5, 0.5]).view(1, 1, 2, 2)
    b = torch.tensor([0., 1., 0.5, 0.5]).view(1, 1, 2, 2)
    l1 = build('STFCoherenceLoss', loss_weight=2.)
    torch.testing.assert_close(l1(a, a), torch.tensor(0.))
    torch.testing.assert_close(l1(a, b), torch.tensor(2. * 0.5))
    cosine = build('STFCoherenceLoss', distance='cosine')
    # a.b = 0.5, |a|^2 = |b|^2 = 1.5 -> 1 - 1/3
    torch.testing.assert_close(cosine(a, b), torch.tensor(2. / 3.))
    # Different frame counts: the earlier stage is resampled to the later.
    torch.testing.assert_close(
        l1(a.repeat_interleave(2, dim=2), a), torch.tensor(0.))


def test_coherence_detach_last():
    a = torch.rand(1, 1, 2, 2, requires_grad=True)
    b = torch.rand(1, 1, 2, 2, requires_grad=True)
    build('STFCoherenceLoss', detach_last=True)(a, b).backward()
    assert a.grad is not None and b.grad is None


def test_divergence_by_hand():
    loss = build('STFDivergenceLoss', eps=0.)
    a = torch.tensor([1., 1., 0., 0.]).view(1, 1, 2, 2)
    b = torch.tensor([1., 0., 1., 0.]).view(1, 1, 2, 2)
    c = torch.tensor([0., 0., 1., 1.]).view(1, 1, 2, 2)
    torch.testing.assert_close(loss(a, a), torch.tensor(1.))
    torch.testing.assert_close(loss(a, c), torch.tensor(0.))
    torch.testing.assert_close(loss(a, b), torch.tensor(0.5))
    batch = loss(torch.cat([a, a]), torch.cat([b, c]))
    torch.testing.assert_close(batch, torch.tensor(0.25))


def adjacency_case():
    # Focus of one sample: joint importance (3, 1) / 4 over two frames.
    focus = torch.tensor([[3., 1.], [3., 1.]]).view(1, 1, 2, 2)
    # Two subsets whose mean magnitude is [[1, 0], [1, 1]].
    A = torch.tensor([[[2., 0.], [1., 1.]], [[0., 0.], [-1., 1.]]])
    return A.view(1, 2, 1, 2, 2), focus


def test_adjacency_degree_by_hand():
    A, focus = adjacency_case()
    s, d = torch.tensor([.75, .25]), torch.tensor([2., 1.]) / 3
    kl = build('STFAdjacencyLoss', eps=0.)
    torch.testing.assert_close(
        kl([A], [focus]), (s * (s / d).log()).sum())
    l1 = build('STFAdjacencyLoss', distance='l1', loss_weight=3.)
    torch.testing.assert_close(l1([A], [focus]), torch.tensor(3. / 6.))
    # Summed over modules.
    torch.testing.assert_close(
        l1([A, A], [focus, focus]), torch.tensor(2 * 3. / 6.))


def test_adjacency_outer_by_hand():
    A, focus = adjacency_case()
    loss = build('STFAdjacencyLoss', form='outer', eps=0.)
    # rows(s s^T) = [[.75, .25], [.75, .25]]; rows(|A|) = [[1, 0], [.5, .5]]
    torch.testing.assert_close(loss([A], [focus]), torch.tensor(0.25))


def test_adjacency_loss_reaches_the_adjacency_parameters():
    from mmfrhead.models import STFCTRGCN
    torch.manual_seed(0)
    backbone = STFCTRGCN(
        graph_cfg=dict(layout='nw_ucla', mode='spatial'),
        num_person=1,
        base_channels=8,
        num_stages=3,
        inflate_stages=(),
        down_stages=(),
        stf_stages=(1, 2))
    unit = backbone.gcn[2].gcn
    with torch.no_grad():
        unit.alpha.fill_(0.5)  # CTR-GCN starts the refinement at 0
    taps = StageTaps(['gcn.1.gcn.adjacency', 'gcn.2.gcn.adjacency'])
    with taps.capture(backbone) as adjacencies:
        backbone(torch.randn(2, 1, 6, 20, 3))
    focus = torch.rand(2, 1, 6, 20, requires_grad=True)
    loss = build('STFAdjacencyLoss')(adjacencies, [focus, focus])
    loss.backward()
    for param in (unit.PA, unit.alpha, unit.ctrgc.rel_conv.weight,
                  unit.ctrgc.topo_conv.weight, backbone.gcn[1].gcn.PA):
        assert param.grad is not None and param.grad.abs().sum() > 0
    assert focus.grad is None  # the focus is the target
    assert unit.ctrgc.value_conv.weight.grad is None


@pytest.mark.parametrize('type, option', [
    ('STFExplorationLoss', dict(fill='noise')),
    ('STFCoherenceLoss', dict(stages=(-1, ))),
    ('STFDivergenceLoss', dict(classes='top3')),
    ('STFAdjacencyLoss', dict(form='trace')),
])
def test_bad_options(type, option):
    with pytest.raises(ValueError):
        build(type, **option)

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import MessageHub

pytestmark = pytest.mark.usefixtures('one_thread')

STAGES = tuple(f'gcn.{k}' for k in range(4, 10))
LOSSES = dict(
    exploration=dict(type='STFExplorationLoss'),
    coherence=dict(type='STFCoherenceLoss'),
    divergence=dict(type='STFDivergenceLoss'),
    adjacency=dict(type='STFAdjacencyLoss'))
BACKBONE = dict(
    type='STFCTRGCN',
    graph_cfg=dict(layout='nw_ucla', mode='spatial'),
    num_person=1,
    base_channels=8)


def stf_model(type='STFRecognizer', stf_losses=LOSSES, **kwargs):
    torch.manual_seed(0)
    cfg = dict(
        type=type,
        backbone=BACKBONE,
        cls_head=dict(type='GCNHead', num_classes=10, in_channels=32),
        focus_stages=STAGES,
        adjacency_stages=tuple(f'{s}.gcn.adjacency' for s in STAGES),
        stf_losses=stf_losses)
    cfg.update(kwargs)
    if type == 'STFFRRecognizer':
        cfg.update(
            taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
            clip_shape=(1, 12, 20, 3),
            fr_head=dict(hidden_channels=32))
    return MODELS.build(cfg)


def batch(n=4):
    torch.manual_seed(1)
    inputs = torch.randn(n, 1, 1, 12, 20, 3)
    samples = [ActionDataSample().set_gt_label(i % 10) for i in range(n)]
    return inputs, samples


@pytest.fixture
def epoch():
    hub = MessageHub.get_current_instance()
    before = hub.get_info('epoch', 0)
    yield lambda e: hub.update_info('epoch', e)
    hub.update_info('epoch', before)


@pytest.mark.parametrize('impl', ['plain', 'fast'])
def test_predict_is_the_plain_recognizer(impl):
    stf = stf_model().eval()
    plain = MODELS.build(
        dict(
            type='RecognizerGCN',
            backbone=dict(
                type='CTRGCN',
                impl=impl,
                graph_cfg=dict(layout='nw_ucla', mode='spatial'),
                num_person=1,
                base_channels=8),
            cls_head=dict(type='GCNHead', num_classes=10, in_channels=32)))
    plain.load_state_dict(stf.state_dict())  # strict: the same keys
    plain.eval()
    inputs, samples = batch()
    with torch.no_grad():
        a = stf(inputs, [s.clone() for s in samples], mode='predict')
        b = plain(inputs, [s.clone() for s in samples], mode='predict')
    tol = 1e-6 if impl == 'plain' else 1e-3
    for x, y in zip(a, b):
        torch.testing.assert_close(x.pred_score, y.pred_score, rtol=tol,
                                   atol=tol)


@pytest.mark.parametrize('create_graph', [False, True])
def test_loss_keys_and_gradients(create_graph, epoch):
    epoch(0)
    model = stf_model(focus_cfg=dict(create_graph=create_graph)).train()
    losses = model.loss(*batch())
    assert {'loss_cls', 'loss_stf_e', 'loss_stf_c', 'loss_stf_d',
            'loss_stf_g'} <= set(losses)
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()
    assert model.backbone.gcn[9].gcn.PA.grad.abs().sum() > 0
    assert model.cls_head.fc.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('create_graph', [False, True])
def test_fast_layout_trains_as_the_plain_one(create_graph, epoch):
    """STFCTRGCN(impl='fast'), with its blocks before the first STF module
    and L_e's masked pass in the fast layout, gives the all-plain model's STF
    losses and gradients (float64)."""
    epoch(0)
    models = {}
    for impl in ('plain', 'fast'):
        model = stf_model(
            backbone=dict(BACKBONE, impl=impl),
            focus_cfg=dict(create_graph=create_graph))
        models[impl] = model.double().train()
    models['fast'].load_state_dict(models['plain'].state_dict())
    losses, grads, last_block = {}, {}, {}
    for impl, model in models.items():
        seen = last_block[impl] = []
        model.backbone.gcn[9].register_forward_pre_hook(
            lambda m, x: seen.append(type(m).__name__))
        inputs, samples = batch()
        out = model.loss(inputs.double(), samples)
        losses[impl] = {k: v for k, v in out.items() if k.startswith('loss')}
        sum(losses[impl].values()).backward()
        grads[impl] = {n: p.grad for n, p in model.named_parameters()}
    # The main pass, then L_e's masked pass.
    assert last_block == dict(
        plain=['STFCTRGCNBlock'] * 2,
        fast=['STFCTRGCNBlock', 'FastCTRGCNBlock'])
    for impl, early in (('plain', 'CTRGCNBlock'), ('fast', 'FastCTRGCNBlock')):
        assert [type(b).__name__ for b in models[impl].backbone.gcn
                ] == [early] * 4 + ['STFCTRGCNBlock'] * 6
    assert len(losses['fast']) == 5
    torch.testing.assert_close(losses['fast'], losses['plain'], rtol=1e-9,
                               atol=1e-12)
    torch.testing.assert_close(grads['fast'], grads['plain'], rtol=1e-7,
                               atol=1e-10)


def test_start_epoch_and_no_losses(epoch):
    model = stf_model(stf_losses=dict(
        coherence=dict(type='STFCoherenceLoss', start_epoch=2),
        divergence=dict(
            type='STFDivergenceLoss', classes='label_confuser'))).train()
    epoch(1)
    assert set(model.loss(*batch())) == {'loss_cls', 'top1_acc', 'top5_acc',
                                         'loss_stf_d'}
    epoch(2)
    assert 'loss_stf_c' in model.loss(*batch())
    plain = stf_model(stf_losses=dict()).train()
    assert not any('stf' in k for k in plain.loss(*batch()))


def test_exploration_pass_keeps_bn_statistics(epoch):
    epoch(0)
    with_e = stf_model(stf_losses=dict(
        exploration=dict(type='STFExplorationLoss'))).train()
    without = stf_model(stf_losses=dict()).train()
    with_e.loss(*batch())
    without.loss(*batch())
    for a, b in zip(with_e.buffers(), without.buffers()):
        torch.testing.assert_close(a, b)


def test_stf_and_fr_head_train_together(epoch):
    epoch(0)
    model = stf_model(type='STFFRRecognizer').train()
    optim = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.backbone.gcn[9].gcn.PA.detach().clone()
    losses = model.loss(*batch())
    assert {'loss_cls', 'loss_fr', 'loss_stf_e', 'loss_stf_c', 'loss_stf_d',
            'loss_stf_g'} <= set(losses)
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    optim.step()
    assert not torch.equal(model.backbone.gcn[9].gcn.PA, before)
    assert model.fr_head.spatial[0][0].weight.grad.abs().sum() > 0


def test_bad_configs():
    with pytest.raises(KeyError, match='unknown STF losses'):
        stf_model(stf_losses=dict(sharpness=dict(type='STFDivergenceLoss')))
    with pytest.raises(KeyError, match='no submodule'):
        stf_model(adjacency_stages=tuple(f'{s}.adjacency' for s in STAGES))

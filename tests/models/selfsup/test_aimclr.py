import pytest
import torch
import torch.nn.functional as F
from _aimclr_parts import tiny_aimclr


def views(batch=4, frames=8):
    return torch.randn(batch, 3, 1, frames, 20, 3)  # (B, 3, M, T, V, C)


def test_loss_logs_each_term_and_enqueues_the_keys():
    model = tiny_aimclr()
    losses = model(views(), mode='loss')
    assert set(losses) == {'loss_infonce', 'loss_d3m_e', 'loss_d3m_ed'}
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    assert model.queue.ptr.item() == 4
    sum(losses.values()).backward()
    assert model.backbone.gcn[0].gcn.conv.weight.grad is not None
    assert all(p.grad is None for p in model.key_encoder.parameters())


def test_momentum_update_before_the_key_forward():
    model = tiny_aimclr(momentum=0.9)
    model(views(), mode='loss')  # first step: the key encoder is a copy
    query = dict(torch.nn.Sequential(model.backbone,
                                     model.neck).named_parameters())
    key = {
        k: p.clone()
        for k, p in model.key_encoder.module.named_parameters()
    }
    for name, p in query.items():
        assert torch.equal(key[name], p)
    with torch.no_grad():
        for p in query.values():
            p.add_(1.)
    model(views(), mode='loss')
    for name, p in model.key_encoder.module.named_parameters():
        assert torch.allclose(p, 0.9 * key[name] + 0.1 * query[name])


def test_independent_key_init_is_not_a_copy():
    model = tiny_aimclr(key_init='independent')
    key = model.key_encoder.module[0].gcn[0].gcn.conv.weight
    query = model.backbone.gcn[0].gcn.conv.weight
    assert not torch.equal(key, query)
    before = key.clone()
    model(views(), mode='loss')
    assert torch.allclose(key, 0.999 * before + 0.001 * query)
    with pytest.raises(ValueError, match='key_init'):
        tiny_aimclr(key_init='shared')


def test_losses_are_infonce_and_d3m_of_the_three_branches():
    model = tiny_aimclr(eadm=dict(type='EnergyAttentionDrop',
                                  legacy_noop=True)).eval()
    x = views()
    queue = model.queue.queue.clone()
    losses = model(x, mode='loss')
    with torch.no_grad():
        q = F.normalize(model.neck(model.backbone(x[:, 1])), dim=1)
        q_e = F.normalize(model.neck(model.backbone(x[:, 0])), dim=1)
        k = F.normalize(model.key_encoder(x[:, 2]), dim=1)
    z = torch.cat([(q * k).sum(1, keepdim=True), q @ queue], 1) / 0.07
    z_e = torch.cat([(q_e * k).sum(1, keepdim=True), q_e @ queue], 1) / 0.07
    target = torch.zeros(4, dtype=torch.long)
    assert torch.allclose(losses['loss_infonce'], F.cross_entropy(z, target))
    d3m = -(F.softmax(z, 1) * F.log_softmax(z_e, 1)).sum(1).mean() / 2
    assert torch.allclose(losses['loss_d3m_e'], d3m, atol=1e-6)
    # the first release's EADM: both D3M terms are equal
    assert torch.allclose(losses['loss_d3m_ed'], losses['loss_d3m_e'])


def test_nnm_mask_has_the_key_and_one_to_three_mined_positives():
    model = tiny_aimclr()
    logits = [torch.randn(5, 9) for _ in range(3)]
    mask = model._mined_positives(*logits)
    assert torch.all(mask[:, 0] == 1)
    assert torch.all((mask.sum(1) >= 2) & (mask.sum(1) <= 4))
    for branch in logits:
        top = branch[:, 1:].argmax(1)
        assert torch.all(mask[torch.arange(5), 1 + top] == 1)


def test_nnm_changes_only_the_infonce_term():
    x = views()
    torch.manual_seed(1)
    plain = tiny_aimclr().eval()
    torch.manual_seed(1)
    mined = tiny_aimclr().eval()
    mined.nnm = True
    a, b = plain(x, mode='loss'), mined(x, mode='loss')
    assert torch.allclose(a['loss_d3m_e'], b['loss_d3m_e'])
    assert not torch.allclose(a['loss_infonce'], b['loss_infonce'])


def test_features_of_the_first_view_and_bad_inputs():
    model = tiny_aimclr().eval()
    x = views()
    feats = model(x[:, :1], mode='tensor')
    assert feats.shape == (4, 8)
    with pytest.raises(ValueError, match=r'\(B, 3, M, T, V, C\)'):
        model(x[:, :2], mode='loss')


def test_queue_and_key_encoder_are_saved_and_resumed():
    model = tiny_aimclr()
    model(views(), mode='loss')
    state = model.state_dict()
    assert {'queue.queue', 'queue.ptr', 'key_encoder.steps'} <= set(state)
    resumed = tiny_aimclr()
    resumed.load_state_dict(state)
    assert resumed.queue.ptr.item() == 4
    assert resumed.key_encoder.steps.item() == 1


def test_streams_are_computed_per_view_after_augmentation():
    from mmfrhead.models.data_preprocessors import skeleton_modality
    from mmfrhead.skeleton import get_layout
    model = tiny_aimclr(
        data_preprocessor=dict(
            type='SkeletonPreprocessor', layout='nw_ucla', feats=['b']))
    clips = [torch.randn(3, 1, 8, 20, 3) for _ in range(2)]  # 3 views each
    data = model.data_preprocessor(dict(inputs=clips, data_samples=None))
    parents = torch.tensor(get_layout('nw_ucla').parents)
    assert data['inputs'].shape == (2, 3, 1, 8, 20, 3)
    for view in range(3):
        expected = skeleton_modality(clips[1][view], parents, ['b'])
        assert torch.equal(data['inputs'][1, view], expected)


def test_the_encoder_is_config_ctrgcn_pretrains():
    model = tiny_aimclr(
        backbone=dict(
            type='CTRGCN',
            graph_cfg=dict(layout='nw_ucla', mode='spatial'),
            base_channels=8,
            num_person=1,
            impl='plain'),
        neck=dict(
            type='ProjectionMLP', in_channels=32, hid_channels=8,
            out_channels=4))
    losses = model(views(), mode='loss')
    sum(losses.values()).backward()
    assert all(torch.isfinite(v) for v in losses.values())

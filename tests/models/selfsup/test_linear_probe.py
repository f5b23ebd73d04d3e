import pytest
import torch
from _aimclr_parts import UCLA_GRAPH, tiny_aimclr
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """A tiny AimCLR's checkpoint (4-channel blocks, 8 out)."""
    path = tmp_path_factory.mktemp('aimclr') / 'aimclr.pth'
    torch.save(dict(state_dict=tiny_aimclr().state_dict()), path)
    return str(path)


def backbone(checkpoint=None, prefix='backbone.'):
    cfg = dict(
        type='AimCLRSTGCN',
        graph_cfg=UCLA_GRAPH,
        base_channels=4,
        out_channels=8)
    if checkpoint:
        cfg['init_cfg'] = dict(
            type='Pretrained', checkpoint=checkpoint, prefix=prefix)
    return cfg


def build(checkpoint=None, **kwargs):
    cfg = dict(
        type='LinearProbeGCN',
        backbone=backbone(checkpoint),
        cls_head=dict(type='GCNHead', num_classes=3, in_channels=8))
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def samples(names):
    return [
        ActionDataSample(metainfo=dict(frame_dir=name)).set_gt_label(i % 3)
        for i, name in enumerate(names)
    ]


def test_frozen_backbone_stays_in_eval_and_gets_no_gradient(checkpoint):
    model = build(checkpoint).train()
    assert not model.backbone.training and model.cls_head.training
    loss = model.loss(torch.randn(4, 1, 1, 8, 20, 3),
                      samples('abcd'))['loss_cls']
    loss.backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.cls_head.fc.weight.grad is not None


def test_features_are_computed_once_per_frame_dir(checkpoint):
    model = build(checkpoint)
    x = torch.randn(2, 1, 1, 8, 20, 3)
    first = model.pooled_features(x, samples('ab'))
    assert set(model.cache) == {'a', 'b'}
    # cached: other inputs under the same names give the cached features
    again = model.pooled_features(torch.randn_like(x), samples('ab'))
    assert torch.equal(first, again)
    with torch.no_grad():
        direct = model.backbone(x[:, 0]).mean(dim=(3, 4)).mean(1)
    assert torch.allclose(first[:, 0], direct)


def test_predictions_equal_the_uncached_model(checkpoint):
    cached = build(checkpoint)
    plain = build(checkpoint, cache_features=False)
    plain.load_state_dict(cached.state_dict())
    x = torch.randn(3, 1, 1, 8, 20, 3)
    a = cached.predict(x, samples('abc'))
    b = plain.predict(x, samples('abc'))
    for sa, sb in zip(a, b):
        assert torch.allclose(sa.pred_score, sb.pred_score, atol=1e-6)


def test_bad_settings_are_named(checkpoint):
    with pytest.raises(ValueError, match='cache_features needs frozen'):
        build(frozen=False)
    model = build(checkpoint)
    unnamed = [ActionDataSample().set_gt_label(0)]
    with pytest.raises(ValueError, match="meta_keys=\\('frame_dir'"):
        model.pooled_features(torch.randn(1, 1, 1, 8, 20, 3), unnamed)


def test_fine_tuning_trains_the_backbone():
    model = build(frozen=False, cache_features=False).train()
    assert model.backbone.training
    model.loss(torch.randn(4, 1, 1, 8, 20, 3),
               samples('abcd'))['loss_cls'].backward()
    assert model.backbone.gcn[0].gcn.conv.weight.grad is not None


def test_fine_tuning_in_eval_mode_as_aimclr():
    """backbone_eval: the backbone learns, on its batch-norm statistics
    and without dropout, so two forwards agree."""
    model = build(frozen=False, cache_features=False,
                  backbone_eval=True).train()
    assert not model.backbone.training and model.cls_head.training
    inputs = torch.randn(4, 1, 1, 8, 20, 3)
    first = model.pooled_features(inputs, samples('abcd'))
    assert torch.equal(first, model.pooled_features(inputs, samples('abcd')))
    model.loss(inputs, samples('abcd'))['loss_cls'].backward()
    assert model.backbone.gcn[0].gcn.conv.weight.grad is not None
    assert torch.equal(model.backbone.data_bn.running_mean,
                       torch.zeros_like(model.backbone.data_bn.running_mean))


def test_the_frozen_backbone_is_the_checkpoints(checkpoint):
    model = build(checkpoint)
    state = torch.load(checkpoint)['state_dict']
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, state[f'backbone.{key}'])


def test_a_checkpoint_without_encoder_weights_is_named(checkpoint):
    with pytest.raises(ValueError, match="needs model.backbone.init_cfg"):
        build()
    with pytest.raises(ValueError, match="under the prefix 'encoder.'"):
        build(backbone=backbone(checkpoint, prefix='encoder.'))
    wide = dict(backbone(checkpoint), base_channels=8)
    with pytest.raises(ValueError, match='mis-shaped, e.g. backbone.'):
        build(backbone=wide)

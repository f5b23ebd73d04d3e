import pytest
import torch
from mmaction.registry import MODELS

from mmfrhead.models import CTRGCN, StageTaps

torch.set_num_threads(2)

TAPS = ('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9')


@pytest.fixture(scope='module')
def ucla_backbone():
    model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    return model.eval()


def _hooked(module):
    return [name for name, m in module.named_modules() if m._forward_hooks]


def test_stage_taps_rejects_bad_names(ucla_backbone):
    with pytest.raises(ValueError):
        StageTaps('gcn.0')  # a string, not a list of names
    with pytest.raises(ValueError):
        StageTaps([])
    taps = StageTaps(['gcn.0', 'gcn.10', 'blocks.1'])
    with pytest.raises(KeyError) as info:
        taps.modules(ucla_backbone)
    message = str(info.value)
    assert 'gcn.10' in message and 'blocks.1' in message
    assert 'gcn.0' in message and 'data_bn' in message  # the valid names
    with pytest.raises(KeyError, match='gcn.10'):
        with taps.capture(ucla_backbone):
            pass
    assert _hooked(ucla_backbone) == []


def _run_blocks_manually(backbone, x):
    """CTRGCN.forward written out, keeping every block output."""
    N, M, T, V, C = x.shape
    y = x.permute(0, 1, 3, 4, 2).reshape(N, M * V * C, T)
    y = backbone.data_bn(y).view(N, M, V, C, T).permute(0, 1, 3, 4, 2)
    y = y.reshape(N * M, C, T, V)
    outs = []
    for block in backbone.gcn:
        y = block(y)
        outs.append(y)
    return outs


def test_capture_returns_block_outputs(ucla_backbone):
    x = torch.randn(2, 1, 16, 20, 3)
    taps = StageTaps(TAPS)
    with torch.no_grad():
        with taps.capture(ucla_backbone) as feats:
            assert feats == []  # filled when the block ends
            assert sorted(_hooked(ucla_backbone)) == sorted(TAPS)
            out = ucla_backbone(x)
        manual = _run_blocks_manually(ucla_backbone, x)
    assert len(feats) == 4
    for feat, index in zip(feats, (0, 4, 7, 9)):
        torch.testing.assert_close(feat, manual[index], rtol=0, atol=0)
    torch.testing.assert_close(feats[-1], out.reshape(feats[-1].shape))
    # hooks exist only inside the block
    assert _hooked(ucla_backbone) == []


def test_capture_keeps_the_order_of_stages(ucla_backbone):
    x = torch.randn(1, 1, 16, 20, 3)
    with torch.no_grad():
        with StageTaps(('gcn.9', 'gcn.0', '')).capture(ucla_backbone) as f:
            out = ucla_backbone(x)
    assert [tuple(t.shape) for t in f] == [
        (1, 256, 4, 20), (1, 64, 16, 20), (1, 1, 256, 4, 20)]
    assert torch.equal(f[2], out)  # '' taps the backbone output itself


def test_capture_removes_hooks_on_error(ucla_backbone):
    taps = StageTaps(TAPS)
    with pytest.raises(ZeroDivisionError):
        with taps.capture(ucla_backbone):
            1 / 0
    assert _hooked(ucla_backbone) == []
    # a block that never runs the backbone is reported
    with pytest.raises(RuntimeError, match='did not run'):
        with taps.capture(ucla_backbone):
            pass
    assert _hooked(ucla_backbone) == []


def test_probe_ctrgcn(ucla_backbone):
    ucla_backbone.train()
    before = {k: v.clone() for k, v in ucla_backbone.state_dict().items()}
    shapes = StageTaps(TAPS).probe(ucla_backbone, (1, 16, 20, 3))
    assert shapes == [(64, 16, 20), (128, 8, 20), (256, 4, 20), (256, 4, 20)]
    assert ucla_backbone.training  # mode restored
    # probing runs in eval mode: the batch-norm statistics are untouched
    after = ucla_backbone.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in before.items())
    assert _hooked(ucla_backbone) == []
    ucla_backbone.eval()


def test_probe_wrong_clip_shape(ucla_backbone):
    taps = StageTaps(TAPS)
    with pytest.raises(ValueError, match='clip_shape'):
        taps.probe(ucla_backbone, (1, 16, 25, 3))  # 25 joints, graph has 20
    with pytest.raises(ValueError, match='clip_shape'):
        taps.probe(ucla_backbone, (2, 16, 20, 3))  # 2 persons
    assert _hooked(ucla_backbone) == []


@pytest.mark.parametrize('cfg', [
    dict(
        type='STGCN',
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')),
    dict(
        type='AAGCN',
        graph_cfg=dict(layout='nturgb+d', mode='spatial'),
        num_person=1),  # its data_bn is per person: one keeps it cheap
])
def test_taps_on_mmaction_backbones(cfg):
    backbone = MODELS.build(cfg).eval()
    names = dict(backbone.named_modules())
    assert all(name in names for name in TAPS)
    assert 'gcn.10' not in names  # ten blocks
    taps = StageTaps(TAPS)
    x = torch.randn(1, 1, 8, 25, 3)  # (N, M, T, V, C)
    with torch.no_grad():
        with taps.capture(backbone) as feats:
            out = backbone(x)
    assert [tuple(f.shape) for f in feats] == [
        (1, 64, 8, 25), (1, 128, 4, 25), (1, 256, 2, 25), (1, 256, 2, 25)]
    torch.testing.assert_close(feats[-1], out.reshape(1, 256, 2, 25))
    assert _hooked(backbone) == []
    shapes = taps.probe(backbone, (1, 8, 25, 3))
    assert shapes == [(64, 8, 25), (128, 4, 25), (256, 2, 25), (256, 2, 25)]

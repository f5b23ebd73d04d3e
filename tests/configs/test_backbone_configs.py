"""FR Head on every supported backbone, by config only.

ST-GCN, STGCN++, 2s-AGCN and MS-AAGCN are MMAction2's own backbones (the NTU
configs inherit MMAction2's shipped configs); HD-GCN is mmfrhead's. Each
config builds; the tapped stage shapes are probed at build time; each config
trains one iteration on real data (NW-UCLA subset, NTU fixture) and FR Head
leaves ``predict`` unchanged. Models are narrowed (16 base channels) and
clips shortened (20 frames) through config overrides only.
"""
import copy
from pathlib import Path

import mmaction
import mmengine
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmfrhead.apis import strip_fr_head
from mmfrhead.skeleton import get_layout
from mmfrhead.utils import register_all_modules
from mmfrhead.utils.setup_env import REGISTERING_MODULES

register_all_modules()


# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')


CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
MMACTION_SKELETON = (
    Path(mmaction.__file__).parent / '.mim' / 'configs' / 'skeleton')
BACKBONES = ('stgcn', 'stgcnpp', 'agcn', 'msaagcn', 'hdgcn')
TAPS = ('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9')
FR_KEYS = ('fr_head', 'taps', 'clip_shape')
# The baseline each FR config adds FR Head to.
BASELINES = {
    'stgcn_frhead_ntu60_xsub_j.py':
    MMACTION_SKELETON / 'stgcn' /
    'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py',
    'stgcnpp_frhead_ntu60_xsub_j.py':
    MMACTION_SKELETON / 'stgcnpp' /
    'stgcnpp_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py',
    'agcn_frhead_ntu60_xsub_j.py':
    MMACTION_SKELETON / '2s-agcn' /
    '2s-agcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py',
}
for _b in BACKBONES:
    BASELINES[f'{_b}_frhead_ucla_j.py'] = CONFIG_DIR / f'{_b}_ucla_j.py'
for _b in ('msaagcn', 'hdgcn'):
    BASELINES[f'{_b}_frhead_ntu60_xsub_j.py'] = (
        CONFIG_DIR / f'{_b}_ntu60_xsub_j.py')
FR_CONFIGS = sorted(BASELINES)
CONFIGS = FR_CONFIGS + sorted(
    p.name for p in BASELINES.values() if p.parent == CONFIG_DIR)
# Backbone class, and what its blocks must be (block 2, gcn.1).
BACKBONE_TYPE = dict(
    stgcn=('STGCN', lambda b: type(b.tcn).__name__ == 'unit_tcn' and b.gcn.
           adaptive == 'importance' and not b.gcn.with_res),
    stgcnpp=('STGCN', lambda b: type(b.tcn).__name__ == 'mstcn' and b.gcn.
             adaptive == 'init' and b.gcn.with_res),
    agcn=('AAGCN', lambda b: b.gcn.adaptive and not b.gcn.attention),
    msaagcn=('AAGCN', lambda b: b.gcn.adaptive and b.gcn.attention),
    hdgcn=('HDGCN', lambda b: type(b.gcn).__name__ == 'HDGC'))


def _load(name):
    return Config.fromfile(CONFIG_DIR / name)


def _train_dataset(cfg):
    dataset = cfg.train_dataloader.dataset
    return dataset.get('dataset', dataset)  # unwrap a RepeatDataset


def _clip_len(pipeline):
    lens = [
        step['clip_len'] for step in pipeline if step['type'] in
        ('UniformSampleFrames', 'ResampleFrames', 'CropResizeFrames')
    ]
    assert len(lens) == 1
    return lens[0]


def _num_person(pipeline):
    (step, ) = [s for s in pipeline if s['type'] == 'FormatGCNInput']
    return step['num_person']


def _narrow(cfg, clip_len=20):
    """16 base channels and ``clip_len``-frame clips, by config."""
    cfg = copy.deepcopy(cfg)
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        dataset = loader.dataset.get('dataset', loader.dataset)
        for step in dataset.pipeline:
            if 'clip_len' in step:
                step.clip_len = clip_len
            if step.get('num_clips', 1) > 1:
                step.num_clips = 1
    if 'clip_shape' in cfg.model:
        M, _, V, C = cfg.model.clip_shape
        cfg.model.clip_shape = (M, clip_len, V, C)
    return cfg


def _unscoped(obj):
    """Drop the ``_scope_`` keys that mark an ``mmaction::`` base."""
    if isinstance(obj, dict):
        return {k: _unscoped(v) for k, v in obj.items() if k != '_scope_'}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unscoped(v) for v in obj)
    return obj


def _plain(cfg):
    """The model config without FR Head (what the baseline holds)."""
    model = _unscoped(cfg.model.to_dict())
    for key in FR_KEYS:
        model.pop(key, None)
    model['type'] = 'RecognizerGCN'
    return model


def test_nw_ucla_layout_is_written_once_and_matches_mmfrhead():
    cfg = Config.fromfile(CONFIG_DIR / '_base_/models/mmaction_gcn_ucla.py')
    layout = cfg.model.backbone.graph_cfg.layout
    expected = get_layout('nw_ucla').graph_dict()
    assert layout.num_node == expected['num_node']
    assert layout.center == expected['center']
    assert [tuple(e) for e in layout.inward] == list(expected['inward'])
    for name in CONFIGS:
        if 'ucla' in name:
            assert 'inward' not in (CONFIG_DIR / name).read_text()


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_and_probes_stage_shapes(name):
    cfg = _load(name)
    model = MODELS.build(cfg.model)
    backbone = name.split('_')[0]
    btype, block_ok = BACKBONE_TYPE[backbone]
    assert type(model.backbone).__name__ == btype
    assert len(model.backbone.gcn) == 10
    assert block_ok(model.backbone.gcn[1])
    num_classes = 10 if 'ucla' in name else 60
    assert model.cls_head.num_classes == num_classes
    if name not in FR_CONFIGS:
        assert cfg.model.type == 'RecognizerGCN'
        return
    assert cfg.custom_imports.imports == list(REGISTERING_MODULES)
    assert model.taps.stages == TAPS
    assert model.fr_head.num_classes == num_classes
    M, T, V, C = cfg.model.clip_shape
    # the pipeline yields the clips the FR head was built for
    pipeline = _train_dataset(cfg).pipeline
    assert (_clip_len(pipeline), _num_person(pipeline)) == (T, M)
    half, quarter = -(-T // 2), -(-T // 4)
    assert model.fr_head.stage_shapes == [(64, T, V), (128, half, V),
                                          (256, quarter, V),
                                          (256, quarter, V)]


@pytest.mark.parametrize('name', FR_CONFIGS)
def test_fr_config_only_adds_fr_head_to_its_baseline(name):
    cfg = _unscoped(_load(name).to_dict())
    base = _unscoped(Config.fromfile(BASELINES[name]).to_dict())
    assert cfg['model']['type'] == 'FRRecognizer'
    assert base['model']['type'] == 'RecognizerGCN'
    assert _plain(Config(cfg)) == base['model']
    for key in set(cfg) | set(base):
        if key not in ('model', 'custom_imports', 'frhead'):
            assert cfg.get(key) == base.get(key), key


@pytest.fixture(scope='module')
def ntu_ann(fixtures_dir):
    """A real NTU RGB+D sample (S001C001P001R001A001, PYSKL 3D layout)."""
    return fixtures_dir / 'ntu_raw' / 'S001C001P001R001A001_pyskl_3d.pkl'


def _batch(cfg, ann_file, indices, train=True):
    loader = cfg.train_dataloader if train else cfg.val_dataloader
    dataset = loader.dataset.get('dataset', loader.dataset)
    split = mmengine.load(ann_file)['split']
    if dataset.split not in split:  # the NTU fixture is in xsub_train
        dataset = dict(dataset, split='xsub_train')
    dataset = DATASETS.build(
        dict(dataset, ann_file=str(ann_file), test_mode=not train))
    return pseudo_collate([dataset[i % len(dataset)] for i in indices])


def _train_step(model, data, lr=0.1):
    model.train()
    losses = model(**data, mode='loss')
    loss = losses['loss_cls'] + losses['loss_fr']
    assert torch.isfinite(loss) and losses['loss_fr'].item() > 0
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return losses


def _check_grads(model):
    grads = [p.grad for p in model.backbone.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize('backbone', BACKBONES)
def test_one_training_iteration_on_real_ntu(backbone, ntu_ann):
    """MMAction2's NTU pipeline (or mmfrhead's for HD-GCN) on a real clip."""
    cfg = _narrow(_load(f'{backbone}_frhead_ntu60_xsub_j.py'))
    model = MODELS.build(cfg.model)
    model.init_weights()
    batch = _batch(cfg, ntu_ann, range(4))  # 4 random clips of the sample
    data = model.data_preprocessor(batch, training=True)
    assert data['inputs'].shape == (4, 1, 2, 20, 25, 3)
    _train_step(model, data)
    _check_grads(model)


def test_wrong_tap_name_fails_at_build():
    cfg = _narrow(_load('stgcn_frhead_ucla_j.py'))
    cfg.model.taps = ('gcn.0', 'gcn.4', 'gcn.7', 'gcn.10')
    with pytest.raises(KeyError, match=r"gcn\.10.*gcn\.9"):
        MODELS.build(cfg.model)


def test_wrong_frame_count_fails_at_build_and_at_first_step(ucla_subset):
    # 2s-AGCN's original 300 frames: the temporal stage is wider than C_h
    cfg = _narrow(_load('agcn_frhead_ucla_j.py'))
    cfg.model.clip_shape = (1, 300, 20, 3)
    with pytest.raises(ValueError, match='hidden_channels=256.*T=300'):
        MODELS.build(cfg.model)
    # a joint count that the graph does not have
    cfg.model.clip_shape = (1, 20, 25, 3)
    with pytest.raises(ValueError, match=r'\(1, 20, 25, 3\).*clip_shape'):
        MODELS.build(cfg.model)
    # a pipeline that disagrees with clip_shape: both shapes in the message
    cfg.model.clip_shape = (1, 52, 20, 3)
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(
        _batch(cfg, ucla_subset, [0, 1]), training=True)
    both = r'\(1, 20, 20, 3\).*\(1, 52, 20, 3\)'  # data, then clip_shape
    with pytest.raises(ValueError, match=both):
        model(**data, mode='loss')


@pytest.mark.parametrize('backbone', BACKBONES)
def test_training_iteration_on_real_ucla_and_predict_unchanged(
        backbone, ucla_subset):
    cfg = _narrow(_load(f'{backbone}_frhead_ucla_j.py'))
    fr_model = MODELS.build(cfg.model)
    fr_model.init_weights()
    # one training iteration on 4 real sequences of 4 classes; the weights,
    # BN statistics and prototypes move
    train = fr_model.data_preprocessor(
        _batch(cfg, ucla_subset, [0, 10, 20, 30]), training=True)
    assert train['inputs'].shape == (4, 1, 1, 20, 20, 3)
    _train_step(fr_model, train)
    _check_grads(fr_model)
    # the stripped weights load into the baseline config's RecognizerGCN,
    # which predicts exactly what the FR model predicts
    plain_cfg = _narrow(
        Config.fromfile(BASELINES[f'{backbone}_frhead_ucla_j.py']))
    assert _plain(cfg) == _unscoped(plain_cfg.model.to_dict())
    plain = MODELS.build(plain_cfg.model)
    stripped = strip_fr_head(fr_model.state_dict())
    assert stripped['meta']['fr_head_stripped'] > 0
    plain.load_state_dict(stripped['state_dict'], strict=True)
    fr_model.eval()
    plain.eval()
    test = fr_model.data_preprocessor(
        _batch(cfg, ucla_subset, [1, 5, 9], train=False), training=False)
    with torch.no_grad():
        ours = fr_model(**copy.deepcopy(test), mode='predict')
        theirs = plain(**test, mode='predict')
    assert len(ours) == 3
    for a, b in zip(ours, theirs):
        assert torch.equal(a.pred_score, b.pred_score)

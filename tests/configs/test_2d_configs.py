"""The 2D configs: COCO-17 keypoints as (x, y, score), on a real 2D sample.

FR Head over MMAction2's shipped 2D NTU-60 configs (ST-GCN, STGCN++,
2s-AGCN) and CTR-GCN (+ FR Head) over mmfrhead's bases. Each resolves and
builds on the ``'coco'`` graph; its pipeline turns the real UCF101 HRNet
poses into x, y normalised by the image size and the keypoint score; a
narrowed model trains on a batch of them; and two configs train through
``tools/train.py`` (MMEngine's Runner) on windows of the real sample.
"""
import json
import sys
from pathlib import Path

import mmengine
import numpy as np
import pytest
import torch
from _pose2d import load_sample
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from test_backbone_configs import (CONFIG_DIR, MMACTION_SKELETON, _plain,
                                   _unscoped)

from mmfrhead.models.utils import build_graph
from mmfrhead.utils import register_all_modules

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
from _tiny import load_tool  # noqa: E402  (helper of tests/tools)

register_all_modules()

# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')

# The FR configs over MMAction2's 2D configs, and the configs they add to.
MMACTION_2D = dict(stgcn='stgcn', stgcnpp='stgcnpp', agcn='2s-agcn')
BASELINES = {
    f'{name}_frhead_ntu60_xsub_2d_j.py': MMACTION_SKELETON / folder /
    f'{folder}_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d.py'
    for name, folder in MMACTION_2D.items()
}
BASELINES['ctrgcn_frhead_ntu60_xsub_2d_j.py'] = (
    CONFIG_DIR / 'ctrgcn_ntu60_xsub_2d_j.py')
FR_CONFIGS = sorted(BASELINES)
CONFIGS = FR_CONFIGS + ['ctrgcn_ntu60_xsub_2d_j.py']
GRAPH_MODES = dict(stgcn='stgcn_spatial')  # the others: 'spatial'


def _load(name):
    return Config.fromfile(CONFIG_DIR / name)


def _leaf(loader):
    dataset = loader.dataset
    return dataset.get('dataset', dataset)  # unwrap a RepeatDataset


@pytest.fixture(scope='module')
def sample(fixtures_dir):
    return load_sample(fixtures_dir)


@pytest.fixture(scope='module')
def windows(sample, tmp_path_factory):
    """Four training and two validation windows of the real sample (its
    label, 0), as a pose annotation file with splits."""
    spans = dict(
        train=[(0, 60), (35, 95), (70, 130), (103, 163)],
        val=[(0, 82), (81, 163)])
    annotations, split = [], {}
    for part, ranges in spans.items():
        split[part] = []
        for begin, end in ranges:
            name = f'{sample["frame_dir"]}_{begin}_{end}'
            split[part].append(name)
            annotations.append(
                dict(
                    sample,
                    frame_dir=name,
                    total_frames=end - begin,
                    keypoint=sample['keypoint'][:, begin:end],
                    keypoint_score=sample['keypoint_score'][:, begin:end]))
    out = tmp_path_factory.mktemp('ucf_2d') / 'ucf_windows_2d.pkl'
    mmengine.dump(dict(split=split, annotations=annotations), out)
    return out


@pytest.mark.parametrize('name', CONFIGS)
def test_config_resolves_and_builds_on_the_coco_graph(name):
    cfg = _load(name)
    model = MODELS.build(cfg.model)
    mode = GRAPH_MODES.get(name.split('_')[0], 'spatial')
    graph = build_graph('coco', mode)
    assert model.backbone.graph.num_node == 17
    np.testing.assert_array_equal(model.backbone.graph.A, graph.A)
    assert model.cls_head.num_classes == 60
    for loader in (cfg.train_dataloader, cfg.val_dataloader,
                   cfg.test_dataloader):
        steps = {s['type']: s for s in _leaf(loader).pipeline}
        assert 'PreNormalize2D' in steps
        assert steps['GenSkeFeat'] == dict(
            type='GenSkeFeat', dataset='coco', feats=['j'])
        assert steps['FormatGCNInput']['num_person'] == 2
        assert steps['UniformSampleFrames']['clip_len'] == 100
    if 'ctrgcn' in name:
        assert cfg.model.data_preprocessor.layout == 'coco'
        assert cfg.clip_shape == (2, 100, 17, 3)
    if name not in FR_CONFIGS:
        assert cfg.model.type == 'RecognizerGCN'
        return
    assert cfg.model.clip_shape == (2, 100, 17, 3)
    assert model.fr_head.stage_shapes == [(64, 100, 17), (128, 50, 17),
                                          (256, 25, 17), (256, 25, 17)]


@pytest.mark.parametrize('name', FR_CONFIGS)
def test_fr_config_only_adds_fr_head_to_its_baseline(name):
    cfg = _unscoped(_load(name).to_dict())
    base = _unscoped(Config.fromfile(BASELINES[name]).to_dict())
    assert base['model']['type'] == 'RecognizerGCN'
    assert _plain(Config(cfg)) == base['model']
    for key in set(cfg) | set(base):
        if key not in ('model', 'custom_imports', 'frhead'):
            assert cfg.get(key) == base.get(key), key


@pytest.mark.parametrize('name', CONFIGS)
def test_test_pipeline_gives_x_y_and_score(name, sample):
    """PreNormalize2D by the sample's img_shape, GenSkeFeat's score."""
    pipeline = _leaf(_load(name).test_dataloader).pipeline
    results = Compose(pipeline[:-1])(dict(
        sample, keypoint=sample['keypoint'].astype(np.float32)))
    clip = results['keypoint']  # (num_clips, M, T, V, C)
    assert clip.shape[1:] == (2, 100, 17, 3)
    inds = results['frame_inds']
    assert len(inds) == 100 * len(clip) and inds.max() < 163
    h, w = sample['img_shape']
    xy = sample['keypoint'].astype(np.float32)[:, inds[:100]]
    np.testing.assert_allclose(clip[0, ..., 0], (xy[..., 0] - w / 2) / (w / 2))
    np.testing.assert_allclose(clip[0, ..., 1], (xy[..., 1] - h / 2) / (h / 2))
    np.testing.assert_array_equal(
        clip[0, ..., 2], sample['keypoint_score'][:, inds[:100]])


def _narrow(cfg, clip_len=20):
    """16 base channels, ``clip_len``-frame clips, one test clip."""
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    for loader in (cfg.train_dataloader, cfg.test_dataloader):
        for step in _leaf(loader).pipeline:
            if step['type'] == 'UniformSampleFrames':
                step.clip_len = clip_len
                step.num_clips = 1
    if 'clip_shape' in cfg.model:
        cfg.model.clip_shape = (2, clip_len, 17, 3)
    return cfg


@pytest.mark.parametrize('name', FR_CONFIGS)
def test_training_step_and_prediction_on_the_real_sample(name, windows):
    cfg = _narrow(_load(name))
    model = MODELS.build(cfg.model)
    model.init_weights()
    datasets = [
        DATASETS.build(
            dict(_leaf(loader), ann_file=str(windows), split=split,
                 test_mode=split == 'val'))
        for loader, split in ((cfg.train_dataloader, 'train'),
                              (cfg.test_dataloader, 'val'))
    ]
    train = model.data_preprocessor(
        pseudo_collate([datasets[0][0], datasets[0][3]]), training=True)
    assert train['inputs'].shape == (2, 1, 2, 20, 17, 3)
    model.train()
    losses = model(**train, mode='loss')
    loss = losses['loss_cls'] + losses['loss_fr']
    assert torch.isfinite(loss) and losses['loss_fr'] > 0
    loss.backward()
    grads = [p.grad for p in model.backbone.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    model.eval()
    test = model.data_preprocessor(
        pseudo_collate([datasets[1][0]]), training=False)
    with torch.no_grad():
        (prediction, ) = model(**test, mode='predict')
    assert prediction.pred_score.shape == (60, )


@pytest.mark.parametrize('name', [
    'ctrgcn_frhead_ntu60_xsub_2d_j.py', 'stgcn_frhead_ntu60_xsub_2d_j.py'
])
def test_tools_train_runs_two_iterations(name, windows, tmp_path,
                                         monkeypatch):
    work_dir = tmp_path / 'work'
    options = [
        f'dataset_meta.ann_file={windows}', 'dataset_meta.train_split=train',
        'dataset_meta.val_split=val', 'dataset_meta.clip_len=20',
        'train_cfg.max_epochs=1', 'model.backbone.base_channels=16',
        'model.cls_head.in_channels=64', 'default_hooks.logger.interval=1'
    ] + [
        f'{loader}_dataloader.{key}' for loader in ('train', 'val', 'test')
        for key in ('batch_size=2', 'num_workers=0',
                    'persistent_workers=False')
    ]
    if name.startswith('stgcn'):
        # MMAction2's config repeats the training set 5 times and sets no
        # seed (MMEngine's Runner needs randomness.seed)
        options += ['train_dataloader.dataset.times=1', 'randomness.seed=1']
    monkeypatch.setattr(sys, 'argv', [
        'train.py',
        str(CONFIG_DIR / name), '--work-dir',
        str(work_dir), '--cfg-options', *options
    ])
    load_tool('tools/train.py').main()
    checkpoint = torch.load(
        work_dir / 'epoch_1.pth', map_location='cpu', weights_only=False)
    assert checkpoint['meta']['iter'] == 2  # 4 windows, batches of 2
    assert 'fr_head.spatial_losses.0.memory.prototypes' in checkpoint[
        'state_dict']
    scalars = [
        json.loads(line) for line in next(
            work_dir.glob('*/vis_data/scalars.json')).read_text().splitlines()
    ]
    steps = [s for s in scalars if 'loss_fr' in s]
    assert len(steps) == 2
    assert all(np.isfinite(s['loss_cls']) and s['loss_fr'] > 0 for s in steps)
    assert any('acc/top1' in s for s in scalars)

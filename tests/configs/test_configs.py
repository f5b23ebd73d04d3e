"""Every shipped config builds; each modality trains one step on real data.

NTU configs read the raw NTU fixture through the NTU converter; NW-UCLA
configs read real NW-UCLA sequences. The models are narrowed (16 base
channels) only through config overrides.
"""
from pathlib import Path

import mmengine
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmfrhead.datasets.ntu_skeleton_file import load_annotation
from mmfrhead.utils import register_all_modules

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
CONFIGS = sorted(p.name for p in CONFIG_DIR.glob('*.py'))
BENCHMARKS = ('ntu60_xsub', 'ntu60_xview', 'ntu120_xsub', 'ntu120_xset',
              'ucla')
MODALITIES = ('j', 'b', 'jm', 'bm')

register_all_modules()


def test_every_benchmark_and_modality_has_configs():
    for bench in BENCHMARKS:
        for modality in MODALITIES:
            for prefix in ('ctrgcn', 'ctrgcn_frhead'):
                assert f'{prefix}_{bench}_{modality}.py' in CONFIGS


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds(name):
    cfg = Config.fromfile(CONFIG_DIR / name)
    model = MODELS.build(cfg.model)
    assert model.cls_head.num_classes == cfg.model.cls_head.num_classes
    if cfg.model.type == 'FRRecognizer':
        assert len(model.fr_head.stage_shapes) == 4


FR_CONFIGS = [n for n in CONFIGS if '_frhead_' in n]


@pytest.mark.parametrize('name', FR_CONFIGS)
def test_fr_configs_share_the_fr_lines(name):
    # Every FR config is its baseline plus the FR overlay and a clip shape.
    overlay = Config.fromfile(CONFIG_DIR / '_base_' / 'models' / 'frhead.py')
    cfg = Config.fromfile(CONFIG_DIR / name)
    model = cfg.model.to_dict()
    assert model.items() >= overlay.frhead.to_dict().items()
    baseline = CONFIG_DIR / name.replace('_frhead', '')
    if baseline.exists():  # the others inherit MMAction2's configs
        baseline = Config.fromfile(baseline)
        assert model == dict(
            baseline.model.to_dict(),
            **overlay.frhead.to_dict(),
            clip_shape=model['clip_shape'])
        if 'clip_shape' in baseline:  # set by mmfrhead's dataset bases
            assert model['clip_shape'] == baseline.clip_shape
    dataset = cfg.train_dataloader.dataset
    pipeline = dataset.get('dataset', dataset).pipeline
    assert pipeline[-2]['type'] == 'FormatGCNInput'
    assert pipeline[-2]['num_person'] == model['clip_shape'][0]


@pytest.fixture(scope='module')
def ntu_ann(fixtures_dir, tmp_path_factory):
    """The raw NTU fixture converted, listed in every split."""
    annotation, _ = load_annotation(fixtures_dir / 'ntu_raw' /
                                    'S001C001P001R001A001.skeleton')
    name = annotation['frame_dir']
    splits = [
        f'{k}_{p}' for k in ('xsub', 'xview', 'xset') for p in ('train', 'val')
    ]
    out = tmp_path_factory.mktemp('ntu') / 'ntu_3d.pkl'
    mmengine.dump(
        dict(split={s: [name]
                    for s in splits}, annotations=[annotation]), out)
    return out


def train_dataset_cfg(cfg):
    dataset = cfg.train_dataloader.dataset
    return dataset.get('dataset', dataset)  # unwrap a RepeatDataset


@pytest.mark.parametrize('bench', ('ntu120_xsub', 'ucla'))
@pytest.mark.parametrize('modality', MODALITIES)
def test_one_training_step(bench, modality, ntu_ann, ucla_subset):
    cfg = Config.fromfile(CONFIG_DIR / f'ctrgcn_frhead_{bench}_{modality}.py')
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    model = MODELS.build(cfg.model)
    model.init_weights()
    ann_file = ucla_subset if bench == 'ucla' else ntu_ann
    dataset = DATASETS.build(
        dict(train_dataset_cfg(cfg), ann_file=str(ann_file)))
    batch = pseudo_collate([dataset[0], dataset[len(dataset) - 1]])
    data = model.data_preprocessor(batch, training=True)
    M, T, V, C = cfg.model.clip_shape
    assert data['inputs'].shape == (2, 1, M, T, V, C)
    losses = model(**data, mode='loss')
    loss = losses['loss_cls'] + losses['loss_fr']
    assert torch.isfinite(loss)
    loss.backward()
    grads = [p.grad for p in model.backbone.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)

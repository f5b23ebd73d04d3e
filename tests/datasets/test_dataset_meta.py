import pytest
from mmengine.config import Config

from mmfrhead.datasets.dataset_meta import (loader_datasets,
                                            resolve_dataset_meta)
from mmfrhead.skeleton import get_layout

UCLA_FR = 'configs/ctrgcn_frhead_ucla_j_short.py'


def test_without_dataset_meta_the_config_is_unchanged():
    cfg = Config.fromfile(UCLA_FR)
    before = cfg.to_dict()
    assert resolve_dataset_meta(cfg).to_dict() == before


def test_every_consumer_follows_dataset_meta():
    cfg = Config.fromfile(UCLA_FR)
    cfg.dataset_meta = dict(
        ann_file='mine.pkl',
        train_split='a',
        val_split='b',
        num_classes=27,
        layout='ntu_ctrgcn',
        clip_len=30,
        num_person=2)
    resolve_dataset_meta(cfg)
    splits = {}
    for loader in ('train', 'val', 'test'):
        for dataset in loader_datasets(cfg, loader):
            assert dataset.ann_file == 'mine.pkl'
            splits[loader] = dataset.split
            for transform in dataset.pipeline:
                if 'clip_len' in transform:
                    assert transform.clip_len == 30
                if transform.type == 'FormatGCNInput':
                    assert transform.num_person == 2
    assert splits == dict(train='a', val='b', test='b')
    model = cfg.model
    assert model.cls_head.num_classes == 27
    assert model.data_preprocessor.layout == 'ntu_ctrgcn'
    assert model.backbone.graph_cfg.layout == 'ntu_ctrgcn'
    assert model.backbone.num_person == 2
    assert model.clip_shape == (2, 30, 25, 3) == cfg.clip_shape


def test_the_test_set_no_longer_shares_the_val_dict():
    cfg = Config.fromfile(UCLA_FR)
    cfg.dataset_meta = dict(val_split='v', test_split='t')
    resolve_dataset_meta(cfg)
    assert cfg.val_dataloader.dataset.split == 'v'
    assert cfg.test_dataloader.dataset.split == 't'


def test_mmaction_backbones_get_the_graph_dict():
    cfg = Config.fromfile('configs/stgcn_ucla_j.py')
    cfg.dataset_meta = dict(layout='ntu_ctrgcn')
    resolve_dataset_meta(cfg)
    assert cfg.model.backbone.graph_cfg.layout == get_layout(
        'ntu_ctrgcn').graph_dict()


def test_unknown_keys_are_named():
    cfg = Config.fromfile(UCLA_FR)
    cfg.dataset_meta = dict(classes=3)
    with pytest.raises(KeyError, match='classes'):
        resolve_dataset_meta(cfg)


def test_a_resolved_ntu_config_builds_for_another_layout():
    from mmaction.registry import MODELS
    cfg = Config.fromfile('configs/ctrgcn_frhead_ntu60_xsub_j.py')
    cfg.dataset_meta = dict(layout='nw_ucla', num_person=1, num_classes=10)
    resolve_dataset_meta(cfg)
    model = MODELS.build(cfg.model)
    assert model.clip_shape == (1, 64, 20, 3)
    assert model.data_preprocessor.parents.numel() == 20
    assert model.cls_head.num_classes == 10

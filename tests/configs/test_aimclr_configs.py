"""The AimCLR configs build, inherit the shared bases and keep AimCLR's
settings where they claim to."""
from pathlib import Path

import pytest
from mmaction.registry import MODELS
from mmengine.config import Config

from mmfrhead.skeleton import get_layout
from mmfrhead.utils import register_all_modules
from mmfrhead.utils.setup_env import REGISTERING_MODULES

register_all_modules()

AIMCLR_DIR = Path(__file__).resolve().parents[2] / 'configs' / 'aimclr'
CONFIGS = sorted(p.name for p in AIMCLR_DIR.glob('*.py'))
# AimCLR's NTU flip order (feeder/tools.py)
AIMCLR_NTU_FLIP = [
    0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20,
    23, 24, 21, 22
]


def load(name):
    return Config.fromfile(AIMCLR_DIR / name)


@pytest.mark.parametrize('name', CONFIGS)
def test_config_builds_its_model(name):
    cfg = load(name)
    assert cfg.custom_imports.imports == list(REGISTERING_MODULES)
    cfg.model.backbone.pop('init_cfg', None)
    model = MODELS.build(cfg.model)
    # NW-UCLA fine-tunes with the supervised recipe, NTU as AimCLR
    tuned = 'RecognizerGCN' if 'ucla' in name else 'LinearProbeGCN'
    kinds = dict(
        pretrain='AimCLR', linear='LinearProbeGCN', finetune=tuned,
        semi1=tuned, semi10=tuned, frhead='FRRecognizer')
    assert type(model).__name__ == kinds[name.split('_')[1]]
    encoder = 'CTRGCN' if 'ctrgcn' in name else 'AimCLRSTGCN'
    assert type(model.backbone).__name__ == encoder


@pytest.mark.parametrize('name', [c for c in CONFIGS if 'pretrain' in c])
def test_pretraining_queue_fits_the_batch(name):
    cfg = load(name)
    assert cfg.model.queue_size % cfg.train_dataloader.batch_size == 0
    assert cfg.train_dataloader.drop_last
    assert cfg.val_dataloader is None and cfg.val_cfg is None


def test_ucla_queue_is_smaller_than_its_training_set():
    assert load('aimclr_pretrain_ucla_j.py').model.queue_size < 1020


def test_ntu_keeps_aimclrs_hyper_parameters():
    cfg = load('aimclr_pretrain_ntu60_xsub_j.py')
    assert (cfg.model.queue_size, cfg.model.momentum,
            cfg.model.temperature) == (32768, 0.999, 0.07)
    assert cfg.train_cfg.max_epochs == 300
    assert cfg.optim_wrapper.optimizer.lr == 0.1
    linear = load('aimclr_linear_ntu60_xsub_j.py')
    assert linear.optim_wrapper.optimizer.lr == 3.0
    assert linear.param_scheduler[0].milestones == [80]
    assert list(get_layout('nturgb+d').flip_order) == AIMCLR_NTU_FLIP


BENCHMARKS = ('ucla', 'ntu60_xsub', 'ntu60_xview', 'ntu120_xsub',
              'ntu120_xset')


def test_every_benchmark_has_every_protocol():
    for bench in BENCHMARKS:
        for kind in ('pretrain', 'linear'):
            for stream in ('j', 'b', 'jm'):
                assert f'aimclr_{kind}_{bench}_{stream}.py' in CONFIGS
        assert f'aimclr_finetune_{bench}_j.py' in CONFIGS
    for bench in ('ucla', 'ntu60_xsub', 'ntu60_xview'):
        for percent in (1, 10):
            assert f'aimclr_semi{percent}_{bench}_j.py' in CONFIGS


@pytest.mark.parametrize('bench', BENCHMARKS)
@pytest.mark.parametrize('stream', ['b', 'jm'])
def test_stream_configs_change_only_the_stream_and_checkpoint(bench, stream):
    for kind in ('pretrain', 'linear'):
        joint = load(f'aimclr_{kind}_{bench}_j.py')
        other = load(f'aimclr_{kind}_{bench}_{stream}.py')
        assert other.model.data_preprocessor.feats == [stream]
        other.model.data_preprocessor.feats = ['j']
        if kind == 'linear':
            checkpoint = other.model.backbone.init_cfg.checkpoint
            assert f'aimclr_pretrain_{bench}_{stream}/' in checkpoint
            other.model.backbone.init_cfg.checkpoint = (
                joint.model.backbone.init_cfg.checkpoint)
        assert other.model == joint.model
        assert other.train_dataloader == joint.train_dataloader


@pytest.mark.parametrize('bench', [b for b in BENCHMARKS if b != 'ucla'])
def test_ntu_fine_tuning_is_the_unfrozen_linear_evaluation(bench):
    """AimCLR's fine-tuning: the linear-evaluation config with everything
    trained, the backbone in eval mode, lr 0.1."""
    linear = load(f'aimclr_linear_{bench}_j.py')
    tuned = load(f'aimclr_finetune_{bench}_j.py')
    assert (tuned.model.frozen, tuned.model.backbone_eval,
            tuned.model.cache_features) == (False, True, False)
    assert tuned.optim_wrapper.optimizer.lr == 0.1
    tuned.model.update(frozen=True, cache_features=True)
    tuned.model.pop('backbone_eval')
    tuned.optim_wrapper.optimizer.lr = 3.0
    assert tuned.model == linear.model
    assert tuned.optim_wrapper == linear.optim_wrapper
    assert tuned.train_dataloader == linear.train_dataloader


@pytest.mark.parametrize('bench', ['ucla', 'ntu60_xsub', 'ntu60_xview'])
@pytest.mark.parametrize('percent', [1, 10])
def test_semi_supervised_wraps_only_the_fine_tuning_train_set(
        bench, percent):
    tuned = load(f'aimclr_finetune_{bench}_j.py')
    semi = load(f'aimclr_semi{percent}_{bench}_j.py')
    loader, tuned_loader = semi.train_dataloader, tuned.train_dataloader
    if bench == 'ucla':  # inside the RepeatDataset
        assert loader.dataset.times == tuned_loader.dataset.times == 5
        loader, tuned_loader = loader.dataset, tuned_loader.dataset
    subset = loader.dataset
    assert (subset.type, subset.fraction, subset.seed) == (
        'PerClassSubset', percent / 100, 0)
    assert subset.dataset == tuned_loader.dataset
    for key in set(tuned) | set(semi):
        if key not in ('train_dataloader', 'filename'):
            assert semi.get(key) == tuned.get(key), key
    semi.train_dataloader.dataset = tuned.train_dataloader.dataset
    assert semi.train_dataloader == tuned.train_dataloader


def test_fr_fine_tuning_starts_from_the_pretrained_encoder():
    cfg = load('aimclr_frhead_finetune_ucla_j.py')
    init = cfg.model.backbone.init_cfg
    assert (init.type, init.prefix) == ('Pretrained', 'backbone.')
    assert 'aimclr_pretrain_ucla_j/' in init.checkpoint
    assert cfg.model.taps == ('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9')


@pytest.mark.parametrize('bench, classes', [('ntu60_xview', 60),
                                            ('ntu120_xsub', 120),
                                            ('ntu120_xset', 120)])
def test_other_ntu_benchmarks_change_only_the_data(bench, classes):
    split = bench.split('_')[1]
    pretrain = load(f'aimclr_pretrain_{bench}_j.py')
    assert pretrain.train_dataloader.dataset.split == f'{split}_train'
    assert pretrain.model == load('aimclr_pretrain_ntu60_xsub_j.py').model
    linear = load(f'aimclr_linear_{bench}_j.py')
    assert linear.val_dataloader.dataset.split == f'{split}_val'
    assert linear.test_dataloader.dataset.split == f'{split}_val'
    assert linear.model.cls_head.num_classes == classes
    assert bench in linear.model.backbone.init_cfg.checkpoint
    for loader in (pretrain.train_dataloader, linear.val_dataloader):
        assert bench.split('_')[0] in loader.dataset.ann_file

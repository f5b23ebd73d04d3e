"""The MSR Action3D configs: what they resolve to, their small-data
schedule, and a short Runner run on real MSR Action3D sequences."""
import argparse
import json
from pathlib import Path

import mmengine
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS
from mmengine.runner import Runner

from mmfrhead.apis.cli import add_runner_args, apply_runner_args
from tests._data import per_class_subset

pytestmark = pytest.mark.usefixtures('one_thread')

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
CONFIGS = ('ctrgcn_msr_j.py', 'ctrgcn_frhead_msr_j.py')
SPLITS = dict(train='xsub_train', val='xsub_val', test='xsub_val')


def _resolve(name: str, *options: str) -> Config:
    """The config as ``tools/train.py`` resolves it."""
    parser = argparse.ArgumentParser()
    add_runner_args(parser)
    args = parser.parse_args(['--cfg-options', *options] if options else [])
    return apply_runner_args(Config.fromfile(CONFIG_DIR / name), args)


@pytest.mark.parametrize('name', CONFIGS)
def test_msr_configs_resolve_to_msr_action3d(name):
    cfg = _resolve(name)
    assert cfg.model.cls_head.num_classes == 20
    assert cfg.model.data_preprocessor.layout == 'nw_ucla'
    assert cfg.model.backbone.graph_cfg.layout == 'nw_ucla'
    assert cfg.model.backbone.num_person == 1
    for loader, split in SPLITS.items():
        dataset = cfg[f'{loader}_dataloader'].dataset
        dataset = dataset.get('dataset', dataset)  # inside RepeatDataset
        assert dataset.split == split
        assert dataset.ann_file.endswith('msr_action3d/msr_action3d_3d.pkl')
    if cfg.model.type == 'FRRecognizer':
        assert cfg.model.clip_shape == cfg.clip_shape == (1, 52, 20, 3)


def _build(scheduler: dict, wrapper: OptimWrapper, epoch_length: int):
    """Build a scheduler as MMEngine's Runner does."""
    scheduler = dict(scheduler)
    cls = PARAM_SCHEDULERS.get(scheduler.pop('type'))
    if scheduler.pop('convert_to_iter_based', False):
        return cls.build_iter_from_epoch(
            wrapper, epoch_length=epoch_length, **scheduler)
    return cls(wrapper, **scheduler)


@pytest.mark.parametrize('max_epochs', [None, 12])
def test_small_data_schedule_warms_up_then_decays_to_the_last_epoch(
        max_epochs):
    options = [f'train_cfg.max_epochs={max_epochs}'] if max_epochs else []
    cfg = _resolve('ctrgcn_msr_j.py', *options)
    epochs, epoch_length = cfg.train_cfg.max_epochs, 19  # 291 / 16
    schedule = Config.fromfile(CONFIG_DIR / '_base_' / 'schedules' /
                               'sgd_small_data.py')
    assert epochs == (max_epochs or schedule.train_cfg.max_epochs)
    lr = cfg.optim_wrapper.optimizer.lr
    wrapper = OptimWrapper(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr))
    schedulers = [
        _build(s, wrapper, epoch_length) for s in cfg.param_scheduler
    ]
    lrs = []
    for _ in range(epochs * epoch_length):
        lrs.append(wrapper.get_lr()['lr'][0])
        wrapper.step()  # (no gradients: changes nothing)
        for scheduler in schedulers:
            scheduler.step()
    # linear warm-up over the first epoch (at lr from its last iteration)
    warm_up = lrs[:epoch_length]
    assert warm_up[0] == pytest.approx(0.2 * lr)
    assert all(a < b for a, b in zip(warm_up[:-1], warm_up[1:-1]))
    assert warm_up[-1] == pytest.approx(lr) == max(lrs)
    decay = lrs[epoch_length:]
    assert decay[0] == pytest.approx(lr)
    assert all(a >= b for a, b in zip(decay, decay[1:]))
    # the cosine ends with the last iteration of the last epoch
    assert decay[-1] < 1e-3 * lr
    assert decay[-epoch_length] > 10 * decay[-1]


@pytest.fixture(scope='module')
def msr_few(tmp_path_factory, msr_pkl):
    """One training and one validation sequence of each of the first four
    MSR Action3D classes, under the real split names."""
    return per_class_subset(
        mmengine.load(msr_pkl),
        dict(xsub_train=('xsub_train', 1), xsub_val=('xsub_val', 1)),
        tmp_path_factory.mktemp('msr') / 'msr_few.pkl',
        labels=range(4))


@pytest.mark.parametrize('name', CONFIGS)
def test_msr_config_trains_and_validates(name, msr_few, tmp_path):
    loaders = [
        f'{loader}_dataloader.{key}' for loader in ('train', 'val', 'test')
        for key in ('batch_size=4', 'num_workers=0',
                    'persistent_workers=False')
    ]
    cfg = _resolve(name, f'dataset_meta.ann_file={msr_few}',
                   'dataset_meta.clip_len=16', 'train_cfg.max_epochs=2',
                   'model.backbone.base_channels=8',
                   'model.cls_head.in_channels=32',
                   'default_hooks.logger.interval=1',
                   f'work_dir={tmp_path}', *loaders)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2 * 1  # 4 sequences, batch 4
    scalars_file = next(tmp_path.glob('*/vis_data/scalars.json'))
    scalars = [
        json.loads(line) for line in scalars_file.read_text().splitlines()
    ]
    accuracy = [s['acc/top1'] for s in scalars if 'acc/top1' in s]
    assert len(accuracy) == 2 and all(0 <= a <= 1 for a in accuracy)
    losses = [s['loss'] for s in scalars if 'loss' in s]
    assert len(losses) == 2 and torch.isfinite(torch.tensor(losses)).all()
    if cfg.model.type == 'FRRecognizer':
        assert any('loss_fr' in s for s in scalars)

"""Train, validate and test on a new annotation file with the documented
``dataset_meta`` options only (real MSR Action3D sequences, a tiny model)."""
import sys

import pytest
from test_train import last_val_accuracy, run_tool

from tests._data import per_class_subset

CONFIG = 'configs/ctrgcn_frhead_ucla_j_short.py'


@pytest.fixture(scope='module')
def msr_subset(tmp_path_factory, msr_pkl):
    """Two training and one test sequence per class of MSR Action3D (20
    classes, odd / even subjects): 40 and 20 real sequences."""
    import mmengine
    return per_class_subset(
        mmengine.load(msr_pkl),
        dict(train=('xsub_train', 2), test=('xsub_val', 1)),
        tmp_path_factory.mktemp('msr') / 'msr.pkl')


def _options(ann_file, *extra):
    loaders = [
        f'{loader}_dataloader.{key}'
        for loader in ('train', 'val', 'test')
        for key in ('batch_size=8', 'num_workers=0',
                    'persistent_workers=False')
    ]
    return [
        '--cfg-options', f'dataset_meta.ann_file={ann_file}',
        'dataset_meta.train_split=train', 'dataset_meta.val_split=test',
        'dataset_meta.num_classes=20', 'dataset_meta.clip_len=20',
        'train_cfg.max_epochs=2', 'model.backbone.base_channels=16',
        'model.cls_head.in_channels=64', 'default_hooks.logger.interval=1',
        *loaders, *extra
    ]


def test_train_and_test_a_new_pkl_by_options(msr_subset, tmp_path):
    work_dir = tmp_path / 'msr'
    result = run_tool(sys.executable, 'tools/train.py', CONFIG,
                      '--work-dir', str(work_dir), *_options(msr_subset))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 0. <= last_val_accuracy(work_dir) <= 1.
    result = run_tool(sys.executable, 'tools/test.py', CONFIG,
                      str(work_dir / 'epoch_2.pth'), '--work-dir',
                      str(tmp_path / 'msr_test'), *_options(msr_subset))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'acc/top1' in result.stdout + result.stderr


def test_a_missing_split_lists_the_splits(msr_subset, tmp_path):
    result = run_tool(sys.executable, 'tools/train.py', CONFIG,
                      '--work-dir', str(tmp_path / 'bad'),
                      *_options(msr_subset, 'dataset_meta.train_split=xv'))
    assert result.returncode != 0
    assert "split 'xv' of train_dataloader is not in" in result.stderr
    assert "['test', 'train']; set dataset_meta.train_split" in result.stderr


def test_a_model_with_fewer_classes_stops_before_training(
        msr_subset, tmp_path):
    result = run_tool(sys.executable, 'tools/train.py', CONFIG,
                      '--work-dir', str(tmp_path / 'few'),
                      *_options(msr_subset, 'dataset_meta.num_classes=10'))
    assert result.returncode != 0
    assert 'model.cls_head.num_classes = 10; set dataset_meta.num_classes' \
        in result.stderr

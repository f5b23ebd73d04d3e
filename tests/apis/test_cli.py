import argparse
import os
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmfrhead.apis.cli import (add_runner_args, apply_runner_args,
                               dataset_classes, follow_max_epochs,
                               note_previous_run, warn_threads)

CONFIG = 'configs/ctrgcn_frhead_ucla_j_short.py'


def _parse(*argv):
    parser = argparse.ArgumentParser()
    add_runner_args(parser)
    return parser.parse_args(argv)


def test_defaults_name_the_work_dir_after_the_config():
    cfg = apply_runner_args(Config.fromfile(CONFIG), _parse())
    assert cfg.work_dir == './work_dirs/ctrgcn_frhead_ucla_j_short'
    assert cfg.launcher == 'none'
    assert 'model_wrapper_cfg' not in cfg  # no distributed set-up


def test_options_override_the_config(tmp_path):
    args = _parse('--work-dir', str(tmp_path), '--cfg-options',
                  'train_dataloader.batch_size=4',
                  'model.fr_head.loss_weight=0.2', '--local-rank', '0')
    cfg = apply_runner_args(Config.fromfile(CONFIG), args)
    assert cfg.work_dir == str(tmp_path)
    assert cfg.train_dataloader.batch_size == 4
    assert cfg.model.fr_head.loss_weight == 0.2


def test_dataset_meta_options_reach_every_loader():
    args = _parse('--cfg-options', 'dataset_meta.ann_file=mine.pkl',
                  'dataset_meta.val_split=v', 'dataset_meta.num_classes=5')
    cfg = apply_runner_args(Config.fromfile(CONFIG), args)
    assert cfg.train_dataloader.dataset.dataset.ann_file == 'mine.pkl'
    assert cfg.test_dataloader.dataset.ann_file == 'mine.pkl'
    assert cfg.test_dataloader.dataset.split == 'v'
    assert cfg.model.cls_head.num_classes == 5
    assert cfg.custom_hooks[-1].type == 'DatasetCheckHook'


def test_a_baked_in_variable_warns_with_the_key_to_set():
    args = _parse('--cfg-options', 'ann_file=mine.pkl')
    with pytest.warns(UserWarning, match='dataset_meta.ann_file'):
        apply_runner_args(Config.fromfile(CONFIG), args)


def test_the_schedule_follows_max_epochs():
    args = _parse('--cfg-options', 'train_cfg.max_epochs=7')
    cfg = apply_runner_args(Config.fromfile(CONFIG), args)
    assert [s.end for s in cfg.param_scheduler] == [1, 7]


def test_a_schedule_ending_elsewhere_warns_with_its_key():
    cfg = Config.fromfile(CONFIG)
    cfg.param_scheduler[1].end = 2
    with pytest.warns(UserWarning, match=r'param_scheduler\.1\.end = 2'):
        follow_max_epochs(cfg)


def test_a_scheduler_beginning_after_the_training_is_dropped():
    args = _parse('--cfg-options', 'train_cfg.max_epochs=1')
    with pytest.warns(UserWarning, match=r'param_scheduler\.1 \(Cosine'):
        cfg = apply_runner_args(Config.fromfile(CONFIG), args)
    assert [s.type for s in cfg.param_scheduler] == ['LinearLR']


def _machine(monkeypatch, cores, load, threads):
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: set(range(cores)))
    monkeypatch.setattr(os, 'getloadavg', lambda: (load, load, load))
    monkeypatch.setattr(torch, 'get_num_threads', lambda: threads)
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.delenv('LOCAL_WORLD_SIZE', raising=False)


def test_threads_beyond_the_free_cores_warn(monkeypatch):
    _machine(monkeypatch, cores=2, load=1.5, threads=2)
    cfg = Config(dict(train_dataloader=dict(num_workers=2)))
    with pytest.warns(UserWarning, match='OMP_NUM_THREADS=1'):
        warn_threads(cfg)


def test_one_thread_on_a_free_core_is_quiet(monkeypatch, recwarn):
    _machine(monkeypatch, cores=2, load=0.5, threads=1)
    warn_threads(Config(dict(train_dataloader=dict(num_workers=0))))
    assert not recwarn.list


def test_an_earlier_run_in_the_work_dir_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv('LOCAL_RANK', '0')
    with pytest.warns(UserWarning, match='no last_checkpoint'):
        note_previous_run(str(tmp_path), 'auto')
    (tmp_path / 'last_checkpoint').write_text('/old/epoch_3.pth')
    with pytest.warns(UserWarning, match='starts from scratch and over'):
        note_previous_run(str(tmp_path), None)
    with pytest.warns(UserWarning, match='from /old/epoch_3.pth'):
        note_previous_run(str(tmp_path), 'auto')


def test_a_few_line_config_describes_a_new_dataset(tmp_path):
    config = tmp_path / 'mine.py'
    config.write_text(
        "_base_ = ['{}']\n"
        "dataset_meta = dict(ann_file='mine.pkl', train_split='train',\n"
        "                    val_split='test', num_classes=20)\n".format(
            Path(CONFIG).resolve()))
    cfg = apply_runner_args(Config.fromfile(config), _parse())
    assert cfg.train_dataloader.dataset.dataset.split == 'train'
    assert cfg.val_dataloader.dataset.ann_file == 'mine.pkl'
    assert cfg.test_dataloader.dataset.split == 'test'
    assert cfg.model.cls_head.num_classes == 20


@pytest.mark.parametrize('config, classes', [
    ('ctrgcn_frhead_ucla_j_short.py', 'ucla'),
    ('ctrgcn_frhead_ntu60_xview_j.py', 'ntu60'),
    ('ctrgcn_ntu120_xsub_b.py', 'ntu120'),
    ('stgcn_frhead_ntu60_xsub_j.py', 'ntu60'),  # MMAction2's own config
])
def test_the_dump_gets_the_class_names_of_the_model(config, classes):
    assert dataset_classes(Config.fromfile(f'configs/{config}')) == classes


def test_a_model_of_another_class_count_gets_no_class_names():
    args = _parse('--cfg-options', 'dataset_meta.num_classes=20')
    cfg = apply_runner_args(Config.fromfile(CONFIG), args)
    assert dataset_classes(cfg) is None

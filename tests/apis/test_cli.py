import argparse

from mmengine.config import Config

from mmfrhead.apis.cli import add_runner_args, apply_runner_args

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

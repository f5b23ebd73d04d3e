"""Train a recognizer with MMEngine's Runner (same arguments as MMAction2).

Examples:
    python tools/train.py configs/ctrgcn_frhead_ucla_j_short.py
    bash tools/dist_train.sh configs/ctrgcn_frhead_ucla_j.py 2
"""
import argparse
import time

import torch
from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.runner import Runner

from mmfrhead.apis.cli import (add_runner_args, apply_runner_args,
                               check_config, explain_missing_split,
                               note_previous_run, training_summary,
                               warn_threads)
from mmfrhead.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the latest '
        'checkpoint in the work dir when no path is given')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: MMEngine\'s AmpOptimWrapper (float16, dynamic '
        'loss scaling) on a GPU, mmfrhead\'s BF16OptimWrapper (bfloat16) on '
        'a CPU')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the total batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='give each rank a different seed')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='make cuDNN deterministic')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg, args):
    """Fold the command-line arguments into the config."""
    apply_runner_args(cfg, args)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp and torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    elif args.amp:
        cfg.optim_wrapper.type = 'BF16OptimWrapper'
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    # Config.setdefault stores a copy of a new dict: fetch it back
    cfg.setdefault('randomness', {})
    randomness = cfg.randomness
    randomness.setdefault('seed', None)  # MMEngine requires the key
    if args.seed is not None:
        randomness['seed'] = args.seed
    randomness['diff_rank_seed'] = args.diff_rank_seed
    randomness['deterministic'] = args.deterministic
    return cfg


def main():
    start = time.monotonic()
    args = parse_args()
    check_config(args.config)
    # also configs without mmfrhead's custom_imports (MMAction2's own)
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    warn_threads(cfg)
    note_previous_run(cfg.work_dir, args.resume)
    runner = Runner.from_cfg(cfg)
    with explain_missing_split(cfg):
        runner.train()
    if is_main_process():
        runner.logger.info('\n' + training_summary(
            runner, args.config, args.cfg_options,
            time.monotonic() - start))


if __name__ == '__main__':
    main()

"""Test a checkpoint with MMEngine's Runner (same arguments as MMAction2).

Examples:
    python tools/test.py configs/ctrgcn_frhead_ucla_j.py work_dirs/x/best.pth
    python tools/test.py configs/ctrgcn_frhead_ucla_j.py best.pth \
        --dump work_dirs/fr_j.pkl --dump-features --classes ucla

``--dump`` writes the raw class scores, their softmax, the labels and the
sample names (see :mod:`mmfrhead.analysis.dump`) for
``tools/analysis/fuse.py`` and ``tools/analysis/analyze.py``.
"""
import argparse

from mmengine.config import Config
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmfrhead.apis import load_recognizer_checkpoint
from mmfrhead.apis.cli import (add_runner_args, apply_runner_args,
                               check_config, explain_missing_split)
from mmfrhead.datasets.class_names import DATASET_CLASSES
from mmfrhead.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Test a recognizer')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--dump',
        type=str,
        help='dump the raw scores, probabilities, labels and sample names '
        'to this pickle file for fusion and analysis')
    parser.add_argument(
        '--dump-features',
        action='store_true',
        help='also dump the classifier input of every sample, pooled over '
        'persons, frames and joints (for t-SNE)')
    parser.add_argument(
        '--classes',
        choices=sorted(DATASET_CLASSES),
        help='store the class names of this dataset in the dump')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg, args):
    """Fold the command-line arguments into the config."""
    apply_runner_args(cfg, args)
    if args.dump is not None:
        add_score_dump(cfg, args)
    elif args.dump_features or args.classes:
        raise ValueError('--dump-features and --classes need --dump')
    return cfg


def add_score_dump(cfg, args):
    """Add the ``DumpScores`` metric and what it needs to the config.

    The classifier averages raw scores over clips (``average_clips='score'``,
    so the dump holds logits; the top-1 accuracy of one clip is unchanged),
    the test pipeline keeps the sample names and, with ``--dump-features``,
    ``PooledFeatureHook`` adds the pooled features.
    """
    cfg.model.cls_head.average_clips = 'score'
    dataset = cfg.test_dataloader.dataset
    while 'pipeline' not in dataset:  # dataset wrappers
        dataset = dataset.dataset
    for transform in dataset.pipeline:
        if transform.type == 'PackActionInputs':
            meta_keys = tuple(transform.get('meta_keys', ()))
            if 'frame_dir' not in meta_keys:
                transform.meta_keys = meta_keys + ('frame_dir', )
    evaluator = cfg.test_evaluator
    evaluator = list(evaluator) if isinstance(evaluator,
                                              (list, tuple)) else [evaluator]
    classes = DATASET_CLASSES[args.classes] if args.classes else None
    evaluator.append(
        dict(type='DumpScores', out_file_path=args.dump, classes=classes))
    cfg.test_evaluator = evaluator
    if args.dump_features:
        hooks = list(cfg.get('custom_hooks', []))
        cfg.custom_hooks = hooks + [dict(type='PooledFeatureHook')]


def main():
    args = parse_args()
    check_config(args.config)
    # also configs without mmfrhead's custom_imports (MMAction2's own)
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    runner = Runner.from_cfg(cfg)
    # Not cfg.load_from: MMEngine loads it non-strictly, so a checkpoint of
    # another model would only warn and the test would score random weights.
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    load_recognizer_checkpoint(model, args.checkpoint)
    runner.logger.info(f'Loaded checkpoint {args.checkpoint}')
    with explain_missing_split(cfg):
        runner.test()


if __name__ == '__main__':
    main()

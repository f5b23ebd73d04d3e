"""Command-line arguments shared by ``tools/train.py`` and ``tools/test.py``.

Both take MMAction2's ``--work-dir``, ``--cfg-options``, ``--launcher`` and
``--local-rank`` and fold them into the config the same way.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction

from mmfrhead.compat import setup_cpu_distributed


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher`` and
    ``--local-rank`` to a tool's parser.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
    """
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def apply_runner_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold the arguments of :func:`add_runner_args` into ``cfg``.

    ``--cfg-options`` are merged first; the work dir defaults to
    ``./work_dirs/<config name>``; a CPU-only ``pytorch`` launch gets gloo
    (see :func:`mmfrhead.compat.setup_cpu_distributed`). ``LOCAL_RANK`` is
    set from ``--local-rank`` when the launcher did not set it.

    Args:
        cfg (Config): The config read from its file (``cfg.filename``
            names the default work dir), modified in place.
        args (argparse.Namespace): The parsed arguments.

    Returns:
        Config: ``cfg``.
    """
    os.environ.setdefault('LOCAL_RANK', str(getattr(args, 'local_rank', 0)))
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(cfg.filename))[0])
    setup_cpu_distributed(cfg, args.launcher)
    return cfg

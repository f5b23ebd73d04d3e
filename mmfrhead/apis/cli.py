"""Command-line arguments shared by ``tools/train.py`` and ``tools/test.py``.

Both take MMAction2's ``--work-dir``, ``--cfg-options``, ``--launcher`` and
``--local-rank`` and fold them into the config the same way, resolving
``dataset_meta`` (a dataset described once) and the schedule's end after
the options. The checks the tools share live here too: a missing config,
a missing split, the threads of a training run and an earlier run in its
work dir; and the summary ``tools/train.py`` prints at the end of a run.
"""
import argparse
import contextlib
import os
import os.path as osp
import shlex
import warnings
from typing import Optional

import mmengine
import torch
from mmengine.config import Config, DictAction
from mmengine.hooks import CheckpointHook
from mmengine.runner import Runner

from mmfrhead.compat import setup_cpu_distributed
from mmfrhead.datasets.class_names import DATASET_CLASSES
from mmfrhead.datasets.dataset_meta import (LOADERS, loader_datasets,
                                            resolve_dataset_meta)

# Top-level variables of the dataset bases, already written into the
# dataset dicts when the config is read (so overriding them does nothing),
# and what to set instead.
BAKED_IN = {
    'ann_file': 'dataset_meta.ann_file',
    'clip_len': 'dataset_meta.clip_len',
    'clip_shape': 'dataset_meta.clip_len, .layout or .num_person',
    'dataset_type': 'the type of the dataset dicts',
}
# The class names of tools/test.py --classes that fit a model, by the
# skeleton layout of its graph (the class count decides between them).
LAYOUT_CLASSES = {
    'nw_ucla': ('ucla', ),
    'ntu_ctrgcn': ('ntu60', 'ntu120'),
    'nturgb+d': ('ntu60', 'ntu120'),
}


def check_config(path: str) -> str:
    """Stop with one line when a tool's config file does not exist.

    Args:
        path (str): The config path given on the command line.

    Returns:
        str: ``path``.

    Raises:
        SystemExit: ``path`` is not a file.
    """
    if not osp.isfile(path):
        raise SystemExit(f'config file not found: {path}')
    return path


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

    ``--cfg-options`` are merged first, then ``dataset_meta`` is written
    into its consumers (:func:`mmfrhead.datasets.dataset_meta.
    resolve_dataset_meta`) and the schedule follows ``train_cfg.max_epochs``
    (:func:`follow_max_epochs`); ``DatasetCheckHook`` checks the data
    against the model before the first step; the work dir defaults to
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
    max_epochs = cfg.get('train_cfg', {}).get('max_epochs')
    if args.cfg_options is not None:
        for key in sorted(set(args.cfg_options) & set(BAKED_IN)):
            warnings.warn(f'--cfg-options {key}=... changes nothing: the '
                          f'config already copied {key} where it is used '
                          f'when it was read; set {BAKED_IN[key]} instead')
        cfg.merge_from_dict(args.cfg_options)
    resolve_dataset_meta(cfg)
    follow_max_epochs(cfg, max_epochs)
    hooks = list(cfg.get('custom_hooks') or [])
    if not any(h.get('type') == 'DatasetCheckHook' for h in hooks):
        cfg.custom_hooks = hooks + [dict(type='DatasetCheckHook')]
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(cfg.filename))[0])
    setup_cpu_distributed(cfg, args.launcher)
    return cfg


def follow_max_epochs(cfg: Config, max_epochs: Optional[int] = None) -> Config:
    """Make the epoch-based learning-rate schedule end at ``max_epochs``.

    Schedulers that ended at the config's own ``max_epochs`` end at the new
    ``train_cfg.max_epochs`` (e.g. one set by ``--cfg-options``); those
    that would begin at or after it are dropped with a warning
    (they would never act, e.g. the cosine decay after a one-epoch warm-up
    of a one-epoch run). Then it warns, naming the key, when the last
    epoch-based scheduler with an ``end`` does not end at
    ``train_cfg.max_epochs`` (a config file that sets both): a schedule
    that stops earlier trains the remaining epochs at its final learning
    rate, one that stops later never finishes its decay.

    Args:
        cfg (Config): The config, modified in place.
        max_epochs (int, optional): ``train_cfg.max_epochs`` of the config
            as read from its file. Defaults to None: no scheduler follows.

    Returns:
        Config: ``cfg``.
    """
    new = cfg.get('train_cfg', {}).get('max_epochs')
    single = isinstance(cfg.get('param_scheduler'), dict)
    schedulers = [cfg.param_scheduler] if single else list(
        cfg.get('param_scheduler') or [])
    by_epoch = [s.get('by_epoch', True) for s in schedulers]
    if new is None or not any(by_epoch):
        return cfg
    kept = []
    for i, scheduler in enumerate(schedulers):
        key = 'param_scheduler' if single else f'param_scheduler.{i}'
        if by_epoch[i] and scheduler.get('begin', 0) >= new:
            warnings.warn(f'{key} ({scheduler.type}) begins at epoch '
                          f'{scheduler.get("begin", 0)}, not before '
                          f'train_cfg.max_epochs = {new}: dropped')
            continue
        if by_epoch[i] and max_epochs is not None and scheduler.get(
                'end') == max_epochs:
            scheduler.end = new
        kept.append((key, scheduler, by_epoch[i]))
    if len(kept) < len(schedulers):
        cfg.param_scheduler = [s for _, s, _ in kept]
    ends = [(key, s) for key, s, epoch in kept
            if epoch and s.get('end') is not None]
    if ends and ends[-1][1].end != new:
        key, last = ends[-1]
        warnings.warn(
            f'{key}.end = {last.end} but train_cfg.max_epochs = {new}: the '
            'learning-rate schedule does not end with the training; set '
            f'{key}.end (and its milestones) to match')
    return cfg


@contextlib.contextmanager
def explain_missing_split(cfg: Config):
    """Turn the ``KeyError`` of a split missing from its annotation file
    into a message that names the key to set and the splits there are.

    MMAction2's ``PoseDataset`` reads its split when the runner builds it,
    before any hook runs; the annotation file is read a second time only
    when that fails.

    Args:
        cfg (Config): The config the runner was built from.

    Raises:
        SystemExit: A dataset's split is not in its annotation file.
    """
    try:
        yield
    except KeyError as error:
        missing = error.args[0] if error.args else None
        for loader in LOADERS:
            for dataset in loader_datasets(cfg, loader):
                if dataset.get('split') != missing:
                    continue
                splits = sorted(mmengine.load(dataset.ann_file)['split'])
                if missing not in splits:
                    raise SystemExit(
                        f'split {missing!r} of {loader}_dataloader is not in '
                        f'{dataset.ann_file}, which has {splits}; set '
                        f'dataset_meta.{loader}_split (or '
                        f'{loader}_dataloader.dataset...split)') from None
        raise


def warn_threads(cfg: Config) -> None:
    """Warn when training asks for more threads than there are cores free.

    The threads asked for are the intra-op threads of every training
    process of this machine (``torch.get_num_threads()`` x
    ``LOCAL_WORLD_SIZE``) plus their data workers (one thread each). The
    cores free are those this process may use (``os.sched_getaffinity``)
    less the load average of the last minute. On a busy CPU more threads
    than cores make every step wait for the slowest thread. Only local
    rank 0 warns.

    Args:
        cfg (Config): The training config (``train_dataloader.num_workers``).
    """
    if os.environ.get('LOCAL_RANK', '0') != '0':
        return
    processes = int(os.environ.get('LOCAL_WORLD_SIZE', 1))
    threads = torch.get_num_threads()
    workers = (cfg.get('train_dataloader') or {}).get('num_workers', 0)
    asked = (threads + workers) * processes
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    free = max(cores - load, 1.)
    if asked > free:
        warnings.warn(
            f'{asked} threads asked for ({threads} intra-op threads + '
            f'{workers} data workers, x {processes} processes) but about '
            f'{free:.1f} of {cores} cores are free (load average '
            f'{load:.1f}): a step will wait for threads that get no core. '
            'Set OMP_NUM_THREADS=1 (and fewer train_dataloader.num_workers) '
            'on a shared or small CPU.')


def _last_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint MMEngine's ``last_checkpoint`` file in ``work_dir``
    names, or None without one (MMEngine's ``find_latest_checkpoint`` also
    logs a resume message then)."""
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        return None
    with open(marker) as f:
        return f.read().strip()


def note_previous_run(work_dir: str, resume: Optional[str]) -> None:
    """Say what a training run does with an earlier run in its work dir.

    MMEngine writes every run's checkpoints and ``last_checkpoint`` into
    the work dir: a run started from scratch there overwrites the earlier
    run's checkpoints, and ``--resume`` without a path continues whatever
    run ``last_checkpoint`` names (or starts from scratch when there is
    none). Warns in the first two cases and the last; only local rank 0.

    Args:
        work_dir (str): The work dir of the run.
        resume (str, optional): ``--resume`` of ``tools/train.py``:
            ``'auto'``, a checkpoint path or None.
    """
    if os.environ.get('LOCAL_RANK', '0') != '0':
        return
    last = _last_checkpoint(work_dir)
    if resume is None and last is not None:
        warnings.warn(
            f'{work_dir} holds an earlier run (last_checkpoint: {last}); '
            'this run starts from scratch and overwrites its checkpoints '
            'there: pass --resume to continue it, or --work-dir for a new '
            'folder')
    elif resume == 'auto' and last is None:
        warnings.warn(f'--resume: no last_checkpoint in {work_dir}; '
                      'training starts from scratch')
    elif resume == 'auto':
        warnings.warn(f'--resume: continuing the run of {work_dir} from '
                      f'{last} (its config must be this one)')


def dataset_classes(cfg: Config) -> Optional[str]:
    """The name of the class names (``tools/test.py --classes``) that fit
    the model of ``cfg``: same skeleton layout and class count.

    Args:
        cfg (Config): A recognizer config (``model.data_preprocessor.layout``
            or ``model.backbone.graph_cfg.layout``, and
            ``model.cls_head.num_classes``).

    Returns:
        str, optional: A key of :data:`mmfrhead.datasets.class_names.
        DATASET_CLASSES`, or None when none fits (e.g. a dataset of your
        own).
    """
    model = cfg.get('model') or {}
    layout = (model.get('data_preprocessor') or {}).get('layout') or (
        (model.get('backbone') or {}).get('graph_cfg') or {}).get('layout')
    num_classes = (model.get('cls_head') or {}).get('num_classes')
    if not isinstance(layout, str):
        return None
    for name in LAYOUT_CLASSES.get(layout, ()):
        if len(DATASET_CLASSES[name]) == num_classes:
            return name
    return None


def _shown(path: str) -> str:
    """``path`` relative to the current dir when it lies inside it."""
    relative = osp.relpath(path)
    return path if relative.startswith('..') else relative


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f'{minutes} min {seconds} s' if minutes else f'{seconds} s'


def training_summary(runner: Runner,
                     config: str,
                     cfg_options: Optional[dict] = None,
                     seconds: Optional[float] = None) -> str:
    """What a finished training run reached, where it wrote it, and the
    commands that evaluate its checkpoint, dump its scores and analyse them.

    The validation metric is the one ``CheckpointHook(save_best=...)`` keeps
    (``acc/top1`` for MMAction2's ``AccMetric``), shown in percent after the
    last validation (MMEngine validates after the last epoch whatever the
    ``val_interval``) and at its best. The commands name the best
    checkpoint (the last one without validation) and repeat
    ``cfg_options``; the dump gets the class names that fit the model
    (:func:`dataset_classes`).

    Args:
        runner (Runner): The runner after ``runner.train()``.
        config (str): The config path given to ``tools/train.py``.
        cfg_options (dict, optional): The ``--cfg-options`` of the run.
            Defaults to None.
        seconds (float, optional): Wall time of the run. Defaults to None.

    Returns:
        str: The summary, several lines.
    """
    hub = runner.message_hub
    took = f', {_duration(seconds)}' if seconds is not None else ''
    lines = [f'Training finished: epoch {runner.epoch}, iteration '
             f'{runner.iter}{took}.']
    hooks = [h for h in runner.hooks if isinstance(h, CheckpointHook)]
    keys = getattr(hooks[0], 'key_indicators', []) if hooks else []
    best_score, best_ckpt = hub.get_info('best_score'), hub.get_info(
        'best_ckpt')
    if keys and f'val/{keys[0]}' in hub.log_scalars:
        last = hub.get_scalar(f'val/{keys[0]}').current()
        best = (f', best {100 * best_score:.2f} %'
                if best_score is not None else '')
        lines.append(f'Validation {keys[0]}: {100 * last:.2f} % after the '
                     f'last epoch{best}.')
    else:
        lines.append('No validation in this run.')
    last_ckpt = _last_checkpoint(runner.work_dir)
    if best_ckpt:
        lines.append(f'Best checkpoint: {_shown(best_ckpt)}')
    if last_ckpt:
        lines.append(f'Last checkpoint: {_shown(last_ckpt)}')
    log_dir = _shown(runner.log_dir)
    lines.append(f'Logs: {log_dir}/{runner.timestamp}.log, '
                 f'{log_dir}/vis_data/scalars.json')
    ckpt = best_ckpt or last_ckpt
    if ckpt is None:
        return '\n'.join(lines)
    options = [f'{key}={value}' for key, value in (cfg_options or {}).items()]
    options = ['--cfg-options', *options] if options else []
    test = ['python', 'tools/test.py', config, _shown(ckpt), *options]
    dump = osp.join(_shown(runner.work_dir), 'scores.pkl')
    classes = dataset_classes(runner.cfg)
    dump_args = ['--dump', dump, '--dump-features']
    dump_args += ['--classes', classes] if classes else []
    analyse = [
        'python', 'tools/analysis/analyze.py', '--dump', dump,
        '--no-figures', '--out-dir',
        osp.join(_shown(runner.work_dir), 'report')
    ]
    lines += [
        'Evaluate it:', '  ' + shlex.join(test), 'Dump its scores:',
        '  ' + shlex.join(test + dump_args),
        'Analyse them (drop --no-figures for the confusion matrix and '
        't-SNE maps, which need pip install -e ".[optional]"):',
        '  ' + shlex.join(analyse)
    ]
    return '\n'.join(lines)

"""Tiny real models and their score dumps, shared by the tests of a session.

A CTR-GCN + FR Head model and a plain CTR-GCN baseline are trained for one
epoch on the 40 real training sequences of ``ucla_subset`` (the shrunk
shipped configs of ``test_train.py``), then ``tools/test.py --dump`` scores
the 20 validation sequences. Everything is made once per session.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from mmengine.runner import Runner
from test_train import small_config  # tests/tools is on sys.path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGS = dict(
    fr='ctrgcn_frhead_ucla_j_short.py', base='ctrgcn_ucla_j_short.py')
_RUNS = {}


def run_tool(*args, timeout=300):
    """Run a tool of the repository with the current Python."""
    return subprocess.run(
        (sys.executable, ) + tuple(map(str, args)),
        cwd=REPO_ROOT,
        env=dict(os.environ, PYTHONUNBUFFERED='1'),
        capture_output=True,
        text=True,
        timeout=timeout)


def load_tool(path: str):
    """Import a tool script as a module, to call its functions in-process."""
    spec = importlib.util.spec_from_file_location(
        Path(path).stem + '_tool', REPO_ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_models(ann_file: Path, tmp_path_factory) -> dict:
    """Train the two tiny models once; return their configs and weights.

    Returns:
        dict: For ``'fr'`` and ``'base'``: ``config`` (path of the shrunk
        config) and ``checkpoint`` (``epoch_1.pth``).
    """
    if ann_file not in _RUNS:
        root = tmp_path_factory.mktemp('tiny')
        runs = {}
        for name, config in CONFIGS.items():
            cfg = small_config(config, ann_file, root / name, max_epochs=1)
            Runner.from_cfg(cfg).train()
            runs[name] = dict(
                config=cfg.filename,
                checkpoint=str(root / name / 'epoch_1.pth'))
        _RUNS[ann_file] = runs
    return _RUNS[ann_file]


def tiny_dumps(ann_file: Path, tmp_path_factory) -> dict:
    """Score the validation split of both tiny models with ``--dump``.

    The FR model's dump also holds pooled features and class names.

    Returns:
        dict: For ``'fr'`` and ``'base'``: ``dump`` (path) and ``log``
        (the stdout and stderr of tools/test.py).
    """
    runs = tiny_models(ann_file, tmp_path_factory)
    for name, run in runs.items():
        if 'dump' in run:
            continue
        dump = Path(run['checkpoint']).parent / f'{name}_val.pkl'
        extra = ['--dump-features', '--classes', 'ucla'] if name == 'fr' \
            else []
        result = run_tool('tools/test.py', run['config'], run['checkpoint'],
                          '--dump', dump, *extra)
        assert result.returncode == 0, result.stderr[-3000:]
        run.update(dump=str(dump), log=result.stdout + result.stderr)
    return runs

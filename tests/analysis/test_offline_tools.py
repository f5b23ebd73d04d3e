"""Offline analysis imports neither torch nor MMAction2, and needs no extras.

Each tool runs in a fresh interpreter, as from the command line; modules
named in ``blocked`` are made unimportable there (``sys.modules[name] =
None``), as on an install without the ``optional`` extra.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mmfrhead.analysis import make_dump, save_dump

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ('torch', 'mmaction', 'mmengine', 'mmcv', 'matplotlib', 'sklearn')
RUN = """
import runpy, sys
for name in {blocked!r}:
    sys.modules[name] = None
sys.argv = {argv!r}
try:
    runpy.run_path(sys.argv[0], run_name='__main__')
finally:
    print('imported:', [m for m in {heavy!r} if sys.modules.get(m)])
"""


def _run(tool, *args, blocked=()):
    code = RUN.format(
        blocked=tuple(blocked), argv=[tool, *map(str, args)], heavy=HEAVY)
    return subprocess.run([sys.executable, '-c', code],
                          cwd=REPO_ROOT,
                          capture_output=True,
                          text=True,
                          timeout=120)


@pytest.mark.parametrize(
    'tool', ['tools/analysis/fuse.py', 'tools/analysis/analyze.py'])
def test_help_imports_neither_torch_nor_mmaction(tool):
    result = _run(tool, '--help', blocked=('sklearn', 'matplotlib'))
    assert result.returncode == 0, result.stderr
    assert 'usage:' in result.stdout
    assert 'imported: []' in result.stdout


def test_the_package_imports_nothing_heavy():
    code = ('import sys, mmfrhead.analysis, mmfrhead.datasets.class_names; '
            f'print([m for m in {HEAVY!r} if m in sys.modules])')
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True,
                            text=True,
                            timeout=120)
    assert result.stdout.strip() == '[]', result.stderr


@pytest.fixture
def dumps(tmp_path):
    """Two 4-class dumps of the same 40 samples."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 10)
    names = [f's{i}' for i in range(40)]
    paths = []
    for name in ('base', 'fr'):
        logits = rng.normal(size=(40, 4)) + 2 * np.eye(4)[labels]
        paths.append(tmp_path / f'{name}.pkl')
        save_dump(make_dump(names, labels, logits, classes='abcd'), paths[-1])
    return paths


def test_fuse_without_torch(dumps):
    result = _run('tools/analysis/fuse.py', *dumps, '--weights', '0.6', '0.4')
    assert result.returncode == 0, result.stderr
    assert 'raw scores, weights 0.6 0.4' in result.stdout
    assert 'imported: []' in result.stdout


def test_analyze_tables_without_the_extras(dumps, tmp_path):
    out_dir = tmp_path / 'report'
    result = _run(
        'tools/analysis/analyze.py',
        '--dump',
        dumps[1],
        '--baseline',
        dumps[0],
        '--no-figures',
        '--out-dir',
        out_dir,
        blocked=('sklearn', 'matplotlib'))
    assert result.returncode == 0, result.stderr
    assert 'imported: []' in result.stdout
    report = (out_dir / 'report.md').read_text()
    assert '## Difficulty tiers' in report and '## Per-class' in report
    assert 'confusion' not in report and 't-SNE' not in report
    assert not list(out_dir.glob('*.png'))


@pytest.mark.parametrize('missing,package', [('matplotlib', 'matplotlib'),
                                             ('sklearn', 'scikit-learn')])
def test_analyze_figures_name_the_extra(dumps, tmp_path, missing, package):
    result = _run(
        'tools/analysis/analyze.py',
        '--dump',
        *dumps,
        '--out-dir',
        tmp_path / 'report',
        blocked=(missing, ))
    assert result.returncode == 1
    assert (
        f'error: the figures need {package}, which is not installed: '
        'pip install -e ".[optional]", or pass --no-figures') in result.stderr

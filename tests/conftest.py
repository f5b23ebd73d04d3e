"""Shared test fixtures.

Real data lives outside the repository, in ``../shared/data`` (research-only
licences forbid committing it). ``MMFRHEAD_DATA`` overrides the location.
A test that needs the data skips when it is missing on a developer's machine
and fails when ``CI`` is set, so CI can never pass without running it.
"""
import os
from pathlib import Path

import pytest
import torch

from mmfrhead.utils import register_all_modules
from tests._data import per_class_subset

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = Path(
    os.environ.get('MMFRHEAD_DATA', REPO_ROOT.parent / 'shared' / 'data'))

# The stack fixes and every registered module, for all tests.
register_all_modules()


def _require(path: Path) -> Path:
    if not path.exists():
        message = f'real test data not found: {path} (set MMFRHEAD_DATA)'
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def one_thread():
    """Run a test with one intra-op thread (modules opt in with
    ``pytestmark = pytest.mark.usefixtures('one_thread')``).

    Tiny test models: a second thread only adds synchronisation, which costs
    milliseconds per operation on a loaded, shared machine.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def data_root() -> Path:
    """Root of the shared real datasets (``../shared/data``)."""
    return _require(DATA_ROOT)


@pytest.fixture(scope='session')
def ucla_json_dir(data_root) -> Path:
    """Folder of the raw NW-UCLA ``all_sqe`` JSON files."""
    return _require(data_root / 'nw_ucla' / 'all_sqe')


@pytest.fixture(scope='session')
def fixtures_dir(data_root) -> Path:
    """Folder of the small raw-format fixtures (NTU ``.skeleton`` ...)."""
    return _require(data_root / 'fixtures')


@pytest.fixture(scope='session')
def ucla_subset(tmp_path_factory, ucla_json_dir) -> Path:
    """A small real NW-UCLA annotation file made by the converter.

    Four training (views 1, 2) and two test (view 3) sequences per class:
    40 and 20 real sequences in the ``xview_train`` / ``xview_val`` splits.
    """
    import mmengine

    from mmfrhead.datasets.nw_ucla_json_file import convert_ucla
    out = tmp_path_factory.mktemp('ucla') / 'nw_ucla_3d.pkl'
    convert_ucla(ucla_json_dir, out)
    return per_class_subset(
        mmengine.load(out),
        dict(xview_train=('xview_train', 4), xview_val=('xview_val', 2)),
        out)


@pytest.fixture(scope='session')
def msr_pkl(data_root) -> Path:
    """The shared MSR Action3D annotation file (20 classes, cross-subject
    splits ``xsub_train`` / ``xsub_val``)."""
    return _require(data_root / 'msr_action3d' / 'msr_action3d_3d.pkl')

"""Shared test fixtures.

Real data lives outside the repository, in ``../shared/data`` (research-only
licences forbid committing it). ``MMFRHEAD_DATA`` overrides the location.
A test that needs the data skips when it is missing on a developer's machine
and fails when ``CI`` is set, so CI can never pass without running it.
"""
import os
from pathlib import Path

import pytest

import mmfrhead  # noqa: F401  (applies the stack fixes, registers modules)

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_ROOT = Path(
    os.environ.get('MMFRHEAD_DATA', REPO_ROOT.parent / 'shared' / 'data'))


def _require(path: Path) -> Path:
    if not path.exists():
        message = f'real test data not found: {path} (set MMFRHEAD_DATA)'
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)
    return path


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

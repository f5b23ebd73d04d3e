"""Registration: ``register_all_modules`` and ``custom_imports`` in configs.

Each case runs in a fresh interpreter, where nothing is registered yet.
"""
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from mmfrhead.utils.setup_env import REGISTERING_MODULES

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECK = """
from mmaction.registry import HOOKS, METRICS, MODELS, TRANSFORMS
print([registry.get(name) is not None for registry, name in (
    (MODELS, 'FRRecognizer'), (MODELS, 'CTRGCN'), (MODELS, 'RecognizerGCN'),
    (TRANSFORMS, 'CentreOnJoint'), (METRICS, 'DumpScores'),
    (HOOKS, 'PooledFeatureHook'))])
"""


def _fresh(code):
    result = subprocess.run([sys.executable, '-c', code + CHECK],
                            cwd=REPO_ROOT,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_importing_the_package_registers_nothing():
    code = ('import sys, mmfrhead\n'
            "print([m for m in ('torch', 'mmaction') if m in sys.modules])\n")
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True,
                            text=True,
                            timeout=120)
    assert result.stdout.strip() == '[]', result.stderr


def test_register_all_modules():
    assert _fresh('from mmfrhead.utils import register_all_modules\n'
                  'register_all_modules()\n') == str([True] * 6)


@pytest.mark.parametrize('config', [
    'configs/ctrgcn_frhead_ucla_j_short.py',
    'configs/stgcn_frhead_ntu60_xsub_j.py'
])
def test_custom_imports_of_a_config(config):
    assert _fresh('from mmengine.config import Config\n'
                  f'Config.fromfile({config!r})\n') == str([True] * 6)


def test_every_config_imports_the_registering_modules():
    names = sorted(p.name for p in (REPO_ROOT / 'configs').glob('*.py'))
    for name in names:
        cfg = Config.fromfile(REPO_ROOT / 'configs' / name)
        assert cfg.custom_imports.imports == list(REGISTERING_MODULES), name

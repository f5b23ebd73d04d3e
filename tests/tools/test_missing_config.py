"""Every tool that takes a config says in one line that it is missing."""
import subprocess
import sys

import pytest
from test_train import REPO_ROOT

TOOLS = [
    [sys.executable, 'tools/train.py', 'missing.py'],
    [sys.executable, 'tools/test.py', 'missing.py', 'x.pth'],
    [sys.executable, 'tools/infer.py', 'missing.py', 'x.pth', 'x.npy'],
    [
        sys.executable, 'tools/convert_checkpoint.py', 'x.pt', 'y.pth',
        '--config', 'missing.py'
    ],
    ['bash', 'tools/dist_train.sh', 'missing.py', '2'],
    ['bash', 'tools/dist_test.sh', 'missing.py', 'x.pth', '2'],
]


@pytest.mark.parametrize('command', TOOLS, ids=lambda c: c[1])
def test_a_missing_config_is_one_line(command):
    result = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == 'config file not found: missing.py\n'

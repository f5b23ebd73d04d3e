"""``benchmarks/precision_step_time.py`` runs as documented and prints its
table: both wrappers train the same model, and bfloat16's first loss stays
near float32's."""
import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_prints_both_precisions():
    result = subprocess.run(
        (sys.executable, 'benchmarks/precision_step_time.py', '--threads',
         '1', '--repeats', '1', '--warmup', '0', '--shapes', 'ucla'),
        cwd=REPO_ROOT,
        env=dict(os.environ, OMP_NUM_THREADS='1'),
        capture_output=True,
        text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    row = re.search(r'^\| NW-UCLA \| (.+) \|$', result.stdout, re.M)
    assert row, result.stdout
    cells = [c.strip() for c in row.group(1).split('|')]
    assert len(cells) == 4
    assert float(cells[-1]) < 1e-2  # relative difference of the losses

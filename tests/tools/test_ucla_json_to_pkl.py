"""Tests of ``tools/data/ucla_json_to_pkl.py``."""
import importlib.util
import pickle
import shutil
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / 'tools' / 'data' / \
    'ucla_json_to_pkl.py'


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('ucla_json_to_pkl', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults(tool):
    args = tool.parse_args([])
    assert args.src == '../shared/data/nw_ucla/all_sqe'
    assert args.out == 'data/nw_ucla/nw_ucla_3d.pkl'


def test_converts_and_reports(tool, ucla_json_dir, tmp_path, capsys):
    for name in ('a01_s01_e00_v01', 'a01_s01_e00_v02', 'a01_s01_e00_v03'):
        shutil.copy(ucla_json_dir / f'{name}.json', tmp_path)
    out = tmp_path / 'new' / 'ucla.pkl'
    tool.main(['--src', str(tmp_path), '--out', str(out)])
    printed = capsys.readouterr().out
    assert '3 sequences' in printed and ' s' in printed
    assert 'xview_train: 2' in printed and 'xview_val: 1' in printed
    with open(out, 'rb') as f:
        assert len(pickle.load(f)['annotations']) == 3


def test_bad_input_exits_with_message(tool, tmp_path):
    (tmp_path / 'a01_s01_e00_v01.json').write_text('{"skeletons": [')
    with pytest.raises(SystemExit, match='a01_s01_e00_v01.json'):
        tool.main(['--src', str(tmp_path), '--out', str(tmp_path / 'o.pkl')])

"""Tests of ``tools/data/ntu_skeleton_to_pkl.py``."""
import importlib.util
import pickle
import runpy
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from mmfrhead.datasets import ntu_skeleton_file

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / 'tools' / 'data' / 'ntu_skeleton_to_pkl.py'
NAME = 'S001C001P001R001A001'


def load_tool():
    spec = importlib.util.spec_from_file_location('ntu_skeleton_to_pkl',
                                                  SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


@pytest.fixture(scope='module')
def raw_file(fixtures_dir):
    return fixtures_dir / 'ntu_raw' / f'{NAME}.skeleton'


@pytest.fixture(scope='module')
def expected(fixtures_dir):
    with open(fixtures_dir / 'ntu_raw' / f'{NAME}_pyskl_3d.pkl', 'rb') as f:
        return pickle.load(f)['annotations'][0]


def make_folder(folder, raw_file, names):
    folder.mkdir()
    for name in names:
        shutil.copy(raw_file, folder / f'{name}.skeleton')
    return folder


def load_pkl(path):
    with open(path, 'rb') as file:
        return pickle.load(file)


def test_cli_converts_good_file_and_reports_corrupt_one(
        tmp_path, raw_file, expected, monkeypatch, capsys):
    src = make_folder(tmp_path / 'raw', raw_file, [NAME])
    bad = 'S001C002P001R001A002'
    lines = raw_file.read_text().splitlines()
    lines[10] = lines[10].replace('.', 'x', 1)
    (src / f'{bad}.skeleton').write_text('\n'.join(lines) + '\n')
    out = tmp_path / 'out' / 'ntu60.pkl'
    # Run the file as ``python SCRIPT ...`` does, in this process (fast).
    monkeypatch.setattr(
        sys, 'argv',
        [str(SCRIPT), '--src',
         str(src), '--out',
         str(out), '--workers', '2'])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(SCRIPT), run_name='__main__')
    assert exit_info.value.code == 0
    stdout = capsys.readouterr().out
    assert 'converted 1 samples' in stdout
    assert f'malformed {bad}:' in stdout
    assert 'line 11: non-numeric token' in stdout
    report = (tmp_path / 'out' / 'ntu60.pkl.errors.txt').read_text()
    assert report.startswith(f'errors\t{bad}\t')
    data = load_pkl(out)
    assert data['split'] == dict(
        xsub_train=[NAME], xsub_val=[], xview_train=[], xview_val=[NAME])
    [annotation] = data['annotations']
    assert set(annotation) == {
        'frame_dir', 'label', 'total_frames', 'keypoint'
    }
    assert (annotation['frame_dir'], annotation['label'],
            annotation['total_frames']) == (NAME, 0, 103)
    np.testing.assert_allclose(
        annotation['keypoint'], expected['keypoint'], rtol=0, atol=1e-6)
    assert not (tmp_path / 'out' / 'ntu60.pkl.parts').exists()


def test_exit_code_when_nothing_converted(tmp_path):
    src = tmp_path / 'raw'
    src.mkdir()
    (src / f'{NAME}.skeleton').write_text('2\n0\n0\n')  # missing skeleton
    out = tmp_path / 'empty.pkl'
    assert tool.main(['--src',
                      str(src), '--out',
                      str(out), '--workers', '1']) == 1
    assert load_pkl(out)['annotations'] == []
    assert (
        tmp_path /
        'empty.pkl.errors.txt').read_text().startswith(f'missing\t{NAME}\t')


def test_benchmark_filter_and_ignore_list(tmp_path, raw_file):
    names = [
        NAME, 'S001C002P002R001A061', 'S018C001P045R001A001',
        'S002C003P003R002A010'
    ]
    src = make_folder(tmp_path / 'raw', raw_file, names)
    ignore = tmp_path / 'ignore.txt'
    ignore.write_text('# official list\nS002C003P003R002A010.skeleton\n\n')
    out = str(tmp_path / 'ntu.pkl')
    for benchmark, converted in (('ntu60', [NAME]), ('ntu120',
                                                     sorted(names[:3]))):
        summary = tool.convert_folder(
            str(src),
            out,
            benchmark=benchmark,
            body_selection='energy',
            ignore_list=str(ignore),
            progress=False)
        assert summary['ignored'] == 1
        data = load_pkl(out)
        assert [a['frame_dir'] for a in data['annotations']] == converted
    assert data['split']['xset_train'] == ['S018C001P045R001A001']
    assert data['split']['xsub_train'] == sorted(names[:3])
    assert [a['label'] for a in data['annotations']] == [0, 60, 0]


def test_resume_skips_finished_shards(tmp_path, raw_file, monkeypatch):
    names = [f'S001C001P{p:03d}R001A001' for p in range(1, 6)]
    src = make_folder(tmp_path / 'raw', raw_file, names)
    out = str(tmp_path / 'ntu.pkl')
    real_load = ntu_skeleton_file.load_annotation

    def run(limit, resume):
        """Convert with shards of 2; interrupt after ``limit`` files."""
        converted = []

        def counting_load(path, body_selection):
            if len(converted) == limit:
                raise KeyboardInterrupt
            converted.append(path.stem)
            return real_load(path, body_selection)

        monkeypatch.setattr(ntu_skeleton_file, 'load_annotation',
                            counting_load)
        try:
            tool.convert_folder(
                str(src), out, shard_size=2, resume=resume, progress=False)
        except KeyboardInterrupt:
            pass
        return converted

    assert run(limit=3, resume=False) == names[:3]
    parts = sorted(p.name for p in (tmp_path / 'ntu.pkl.parts').iterdir())
    assert parts == ['manifest.json', 'shard_00000.pkl']
    assert run(limit=None, resume=True) == names[2:]
    assert [a['frame_dir'] for a in load_pkl(out)['annotations']] == names
    assert run(limit=None, resume=True) == names  # nothing left to resume


def test_the_official_missing_list_is_skipped_by_default(tmp_path, raw_file):
    missing = 'S001C002P005R002A008'  # first of the official NTU-60 list
    src = make_folder(tmp_path / 'raw', raw_file, [NAME, missing])
    out = tmp_path / 'ntu.pkl'
    argv = ['--src', str(src), '--out', str(out), '--workers', '1']
    assert tool.main(argv) == 0
    assert [a['frame_dir'] for a in load_pkl(out)['annotations']] == [NAME]
    assert tool.main(argv + ['--ignore-list', 'none']) == 0
    assert len(load_pkl(out)['annotations']) == 2

"""``tools/infer.py`` with a tiny model trained on real NW-UCLA data."""
import re
import sys

import numpy as np
import pytest
from _tiny import load_tool, run_tool, tiny_models

from mmfrhead.datasets.class_names import UCLA_CLASSES


@pytest.fixture(scope='module')
def model(ucla_subset, tmp_path_factory):
    return tiny_models(ucla_subset, tmp_path_factory)['fr']


def test_infer_prints_five_named_classes(model, ucla_json_dir):
    json_file = ucla_json_dir / 'a01_s01_e00_v03.json'
    result = run_tool('tools/infer.py', model['config'], model['checkpoint'],
                      json_file)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'a01_s01_e00_v03 ({json_file}): 1 person(s), 27 frames, 20 ' \
        'joints' in result.stdout
    assert f'ground truth: {UCLA_CLASSES[0]} (label 0)' in result.stdout
    rows = re.findall(r'^\s+(\d)\. (.+?)\s+([\d.]+) %  \(label (\d+)\)$',
                      result.stdout, re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    assert all(UCLA_CLASSES[int(r[3])] == r[1] for r in rows)
    probs = [float(r[2]) for r in rows]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 100.01


def _run_main(monkeypatch, *argv):
    monkeypatch.setattr(sys, 'argv', ['infer.py', *map(str, argv)])
    load_tool('tools/infer.py').main()


def test_infer_pkl_entry_with_ground_truth(model, ucla_subset, capsys,
                                           monkeypatch):
    _run_main(monkeypatch, model['config'], model['checkpoint'], ucla_subset,
              '--name', 'a12_s01_e00_v03', '--top-k', '3')
    stdout = capsys.readouterr().out
    assert 'ground truth: carry' in stdout
    assert len(re.findall(r'^\s+\d\. ', stdout, re.M)) == 3


def test_infer_errors_name_the_file(model, fixtures_dir, tmp_path,
                                    monkeypatch):
    skeleton = fixtures_dir / 'ntu_raw' / 'S001C001P001R001A001.skeleton'
    with pytest.raises(
            SystemExit,
            match=f'{skeleton}: wrong joint count: '
            'the sequence has 25 joints, the model .* expects 20'):
        _run_main(monkeypatch, model['config'], model['checkpoint'], skeleton)
    empty = tmp_path / 'empty.npy'
    np.save(empty, np.zeros((1, 0, 20, 3), np.float32))
    with pytest.raises(SystemExit, match=f'{empty}: empty sequence'):
        _run_main(monkeypatch, model['config'], model['checkpoint'], empty)

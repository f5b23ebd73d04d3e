"""``tools/infer.py`` with a tiny model trained on real NW-UCLA data, and a
tiny 2D model on the real UCF101 HRNet poses (a pose pickle entry and
MMPose's prediction JSON made from it)."""
import re
import sys

import mmengine
import numpy as np
import pytest
from _pose2d import mmpose_frames, tiny_2d_model, ucf_sample_file, write_json
from _tiny import load_tool, run_tool, tiny_models

from mmfrhead.apis import load_skeleton
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


@pytest.fixture(scope='module')
def model_2d(tmp_path_factory):
    return tiny_2d_model(tmp_path_factory)


ROW = re.compile(r'^\s+\d\. .+ %  \(label \d+\)$', re.M)


def test_infer_2d_pkl_entry(model_2d, fixtures_dir):
    ucf = ucf_sample_file(fixtures_dir)
    result = run_tool('tools/infer.py', model_2d['config'],
                      model_2d['checkpoint'], ucf)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'v_ApplyEyeMakeup_g01_c01 ({ucf}): 2 person(s), 163 frames, 17 ' \
        'joints, 2 coordinates and a score' in result.stdout
    assert len(ROW.findall(result.stdout)) == 5
    assert 'img_shape' not in result.stderr  # the entry has its own


def test_infer_mmpose_json_as_the_pkl_entry(model_2d, fixtures_dir, tmp_path,
                                            capsys, monkeypatch):
    """MMPose's two forms of the same real poses, persons listed in any
    order, score as the pose pickle entry they come from."""
    ucf = ucf_sample_file(fixtures_dir)
    args = (model_2d['config'], model_2d['checkpoint'])
    _run_main(monkeypatch, *args, ucf)
    expected = ROW.findall(capsys.readouterr().out)
    sample = load_skeleton(ucf)
    inferencer = write_json(mmpose_frames(sample), tmp_path / 'video.json')
    topdown = write_json(
        dict(
            meta_info=dict(num_keypoints=17),
            instance_info=mmpose_frames(sample, reverse=True)),
        tmp_path / 'results_video.json')
    for path in (inferencer, topdown):
        _run_main(monkeypatch, *args, path, '--img-shape', 256, 340)
        stdout = capsys.readouterr().out
        assert f'{path.stem} ({path}): 2 person(s), 163 frames, 17 joints, ' \
            '2 coordinates and a score' in stdout
        assert ROW.findall(stdout) == expected
    with pytest.warns(UserWarning, match='no img_shape'):
        _run_main(monkeypatch, *args, inferencer)


def test_infer_mmpose_json_errors_name_file_and_frame(model_2d, fixtures_dir,
                                                      tmp_path, monkeypatch):
    args = (model_2d['config'], model_2d['checkpoint'])
    sample = load_skeleton(ucf_sample_file(fixtures_dir))
    frames = mmpose_frames(sample)
    for frame in frames:
        for instance in frame['instances']:
            del instance['keypoints'][-1], instance['keypoint_scores'][-1]
    path = write_json(frames, tmp_path / 'poses_16.json')
    with pytest.raises(
            SystemExit,
            match=f'^error: {path}: frame 0, instance 0: 16 keypoints, '
            'expected 17$'):
        _run_main(monkeypatch, *args, path)
    frames = mmpose_frames(sample)
    del frames[9]['instances'][0]['keypoints']
    path = write_json(frames, tmp_path / 'no_keypoints.json')
    with pytest.raises(
            SystemExit,
            match=f"^error: {path}: frame 9, instance 0: no 'keypoints' "
            r"\(it has \['keypoint_scores'\]\)$"):
        _run_main(monkeypatch, *args, path, '--img-shape', 256, 340)


def test_infer_names_classes_from_the_pkl_or_a_file(model, ucla_subset,
                                                    tmp_path, capsys,
                                                    monkeypatch):
    """Class names as ``arrays_to_pkl.py`` records them, or ``--classes``
    given a file, in place of the guess by class count."""
    content = mmengine.load(ucla_subset)
    names = [f'my action {c}' for c in range(10)]
    own = tmp_path / 'own.pkl'
    mmengine.dump(dict(content, classes=names), own)
    _run_main(monkeypatch, model['config'], model['checkpoint'], own,
              '--name', 'a12_s01_e00_v03', '--top-k', '10')
    stdout = capsys.readouterr().out
    assert 'class names: those the .pkl records' in stdout
    assert 'ground truth: my action 9 (label 9)' in stdout
    rows = re.findall(r'^\s+\d+\. (.+?)\s+[\d.]+ %  \(label (\d+)\)$',
                      stdout, re.M)
    assert sorted(rows) == sorted((n, str(c)) for c, n in enumerate(names))

    listed = tmp_path / 'classes.txt'
    listed.write_text('\n'.join(reversed(names)) + '\n')
    _run_main(monkeypatch, model['config'], model['checkpoint'], own,
              '--name', 'a12_s01_e00_v03', '--classes', listed)
    assert 'ground truth: my action 0 (label 9)' in capsys.readouterr().out

    listed.write_text('one\ntwo\n')
    with pytest.raises(SystemExit, match='has 2 class names, the model 10'):
        _run_main(monkeypatch, model['config'], model['checkpoint'], own,
                  '--name', 'a12_s01_e00_v03', '--classes', listed)
    with pytest.raises(SystemExit, match='not one of .* readable file'):
        _run_main(monkeypatch, model['config'], model['checkpoint'], own,
                  '--name', 'a12_s01_e00_v03', '--classes', 'ntu61')


def test_infer_says_guessed_class_names(model, ucla_subset, capsys,
                                        monkeypatch):
    _run_main(monkeypatch, model['config'], model['checkpoint'], ucla_subset,
              '--name', 'a12_s01_e00_v03')
    assert 'class names: ucla, the dataset with as many classes as the ' \
        'model' in capsys.readouterr().out

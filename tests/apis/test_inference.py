"""The inference API on real sequences: 3D with a tiny trained NW-UCLA model,
2D (the real UCF101 HRNet poses, as a pose pickle entry and as MMPose's
prediction JSON) with a tiny 2D model at its initial weights."""
import sys
import warnings
from pathlib import Path

import mmengine
import numpy as np
import pytest
import torch

from mmfrhead.analysis import load_dump
from mmfrhead.apis import (infer_skeleton, init_recognizer, load_skeleton,
                           top_k_classes)
from mmfrhead.apis.inference import model_skeleton
from mmfrhead.datasets.nw_ucla_json_file import load_ucla_json

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
from _pose2d import (mmpose_frames, tiny_2d_model,  # noqa: E402
                     ucf_sample_file, write_json)
from _tiny import tiny_dumps  # noqa: E402  (helper of tests/tools)


@pytest.fixture(scope='module')
def run(ucla_subset, tmp_path_factory):
    return tiny_dumps(ucla_subset, tmp_path_factory)['fr']


@pytest.fixture(scope='module')
def model(run):
    return init_recognizer(run['config'], run['checkpoint'])


def test_raw_json_scores_as_in_testing(model, run, ucla_json_dir):
    """A raw JSON file gets the probabilities tools/test.py dumped for it."""
    dump = load_dump(run['dump'])
    for row in (0, 7, 19):
        name = dump['names'][row]
        sequence = load_skeleton(ucla_json_dir / f'{name}.json')
        assert sequence['frame_dir'] == name
        assert sequence['label'] == dump['labels'][row]  # the file's label
        result = infer_skeleton(model, sequence)
        np.testing.assert_allclose(
            result.pred_score.numpy(), dump['probs'][row], atol=1e-5)


def test_npy_and_pkl_inputs(model, ucla_subset, ucla_json_dir, tmp_path):
    keypoint = load_ucla_json(ucla_json_dir / 'a12_s01_e00_v03.json')
    np.save(tmp_path / 'one.npy', keypoint)  # (T, V, C): one person
    np.save(tmp_path / 'many.npy', keypoint[None])  # (M, T, V, C)
    one = load_skeleton(tmp_path / 'one.npy')
    assert one['keypoint'].shape == (1, ) + keypoint.shape
    assert one['frame_dir'] == 'one'
    scores = [
        infer_skeleton(model, load_skeleton(tmp_path / f)).pred_score
        for f in ('one.npy', 'many.npy')
    ]
    entries = mmengine.load(ucla_subset)['annotations']
    index = next(i for i, a in enumerate(entries)
                 if a['frame_dir'] == 'a12_s01_e00_v03')
    by_name = load_skeleton(ucla_subset, name='a12_s01_e00_v03')
    assert by_name['label'] == 9
    scores.append(infer_skeleton(model, by_name).pred_score)
    scores.append(
        infer_skeleton(model, load_skeleton(ucla_subset,
                                            index=index)).pred_score)
    scores.append(infer_skeleton(model, keypoint).pred_score)
    for score in scores[1:]:
        assert torch.equal(score, scores[0])
    assert float(scores[0].sum()) == pytest.approx(1.)


def test_top_k_classes():
    scores = torch.tensor([0.1, 0.5, 0.05, 0.3, 0.05])
    top = top_k_classes(scores, 3, list('abcde'))
    assert [(c, name) for c, name, _ in top] == [(1, 'b'), (3, 'd'), (0, 'a')]
    assert [p for _, _, p in top] == pytest.approx([0.5, 0.3, 0.1])
    labels = [c for c, _, _ in top_k_classes(scores.numpy(), 5)]
    assert labels == [1, 3, 0, 2, 4]  # ties: the smaller index first


def test_ntu_skeleton_loads_and_is_refused_by_a_ucla_model(
        model, fixtures_dir):
    path = fixtures_dir / 'ntu_raw' / 'S001C001P001R001A001.skeleton'
    sequence = load_skeleton(path)
    assert sequence['keypoint'].shape == (1, 103, 25, 3)
    assert sequence['frame_dir'] == 'S001C001P001R001A001'
    assert sequence['label'] == 0
    with pytest.raises(
            ValueError,
            match='S001C001P001R001A001: wrong joint '
            'count: the sequence has 25 joints, the model '
            r'\(CTRGCN\) expects 20'):
        infer_skeleton(model, sequence)


def test_bad_inputs_raise_clear_errors(model, ucla_subset, tmp_path):
    with pytest.raises(ValueError, match='x.npy: empty sequence'):
        infer_skeleton(model, np.zeros((1, 0, 20, 3)), name='x.npy')
    with pytest.raises(ValueError, match='sequence: keypoint has shape'):
        infer_skeleton(model, np.zeros((20, 3)))
    with pytest.raises(ValueError, match='NaN or infinite'):
        infer_skeleton(model, np.full((5, 20, 3), np.nan))
    empty_json = tmp_path / 'a01_s01_e00_v01.json'
    empty_json.write_text('{"file_name": "x", "skeletons": [], "label": 1}')
    with pytest.raises(ValueError, match=f'{empty_json}: empty sequence'):
        load_skeleton(empty_json)
    with pytest.raises(ValueError, match='holds 60 sequences'):
        load_skeleton(ucla_subset)
    with pytest.raises(ValueError, match="no sequence named 'nope'"):
        load_skeleton(ucla_subset, name='nope')
    with pytest.raises(ValueError, match='index 60 out of range'):
        load_skeleton(ucla_subset, index=60)
    with pytest.raises(ValueError, match="unsupported file type '.txt'"):
        load_skeleton(tmp_path / 'x.txt')
    empty_skeleton = tmp_path / 'S001C001P001R001A001.skeleton'
    empty_skeleton.write_text('2\n0\n0\n')
    with pytest.raises(ValueError, match='empty sequence: .*no body'):
        load_skeleton(empty_skeleton)


@pytest.fixture(scope='module')
def model_2d(tmp_path_factory):
    """The tiny 2D CTR-GCN + FR Head model (COCO-17, x, y, score)."""
    tiny = tiny_2d_model(tmp_path_factory)
    return init_recognizer(tiny['config'], tiny['checkpoint'])


@pytest.fixture(scope='module')
def ucf(fixtures_dir):
    return ucf_sample_file(fixtures_dir)


def test_2d_config_with_dataset_meta_is_resolved(model_2d):
    assert model_skeleton(model_2d) == dict(num_person=2, num_joints=17)
    assert model_2d.clip_shape == (2, 20, 17, 3)  # dataset_meta.clip_len
    (sampler, ) = [
        step for step in model_2d.cfg.test_dataloader.dataset.pipeline
        if step['type'] == 'UniformSampleFrames'
    ]
    assert sampler['clip_len'] == 20


def test_2d_pkl_entry_and_mmpose_json_score_alike(model_2d, ucf, tmp_path):
    entry = load_skeleton(ucf)
    assert entry['keypoint'].shape == (2, 163, 17, 2)
    assert entry['keypoint_score'].shape == (2, 163, 17)
    assert entry['img_shape'] == (256, 340)
    expected = infer_skeleton(model_2d, entry).pred_score
    assert float(expected.sum()) == pytest.approx(1.)
    path = write_json(mmpose_frames(entry), tmp_path / 'video.json')
    poses = load_skeleton(path, **model_skeleton(model_2d))
    assert poses['frame_dir'] == 'video' and 'label' not in poses
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # the pose file brings img_shape
        result = infer_skeleton(model_2d, dict(poses, img_shape=(256, 340)))
    assert torch.equal(result.pred_score, expected)
    # the scores are the third channel the model sees
    unscored = dict(entry, keypoint_score=np.zeros((2, 163, 17)))
    assert not torch.equal(
        infer_skeleton(model_2d, unscored).pred_score, expected)
    with pytest.warns(UserWarning,
                      match=r'video: no img_shape .*default \(1080, 1920\)'):
        default = infer_skeleton(model_2d, poses)
    assert not torch.equal(default.pred_score, expected)


def test_2d_inputs_that_do_not_fit_the_model(model_2d, model, ucf, tmp_path):
    entry = load_skeleton(ucf)
    with pytest.raises(
            ValueError,
            match=r'^ucf: the sequence has 2 channels per joint \(x, y\) and '
            r'no keypoint_score, the model \(CTRGCN\) expects 3$'):
        infer_skeleton(model_2d, entry['keypoint'], name='ucf')
    per_person = entry['keypoint_score'][..., 0]  # (M, T)
    with pytest.raises(
            ValueError,
            match=r'keypoint_score has shape \(2, 163\), expected '
            r'\(M, T, V\)=\(2, 163, 17\)'):
        infer_skeleton(model_2d, dict(entry, keypoint_score=per_person))
    with pytest.raises(
            ValueError,
            match='v_ApplyEyeMakeup_g01_c01: wrong joint count: the sequence '
            r'has 17 joints, the model \(CTRGCN\) expects 20'):
        infer_skeleton(model, entry)  # the NW-UCLA model
    frames = mmpose_frames(entry)
    for instance in frames[0]['instances']:
        instance['keypoints'].append([0., 0.])
        instance['keypoint_scores'].append(0.)
    path = write_json(frames, tmp_path / 'openpose.json')
    with pytest.raises(
            ValueError,
            match=f'^{path}: frame 0, instance 0: 18 keypoints, expected 17$'):
        load_skeleton(path, **model_skeleton(model_2d))

"""MMPose prediction files read as 2D skeleton sequences, on the real UCF101
pose sample written in MMPose's forms."""
import numpy as np
import pytest
from _pose2d import load_sample, mmpose_frames, write_json

from mmfrhead.datasets.mmpose_json_file import (load_pose_json,
                                                poses_to_sequence)


@pytest.fixture(scope='module')
def sample(fixtures_dir):
    return load_sample(fixtures_dir)


def _assert_sequence(sequence, keypoint, score):
    assert sequence['keypoint'].dtype == np.float32
    assert sequence['keypoint_score'].dtype == np.float32
    np.testing.assert_array_equal(sequence['keypoint'], keypoint)
    np.testing.assert_array_equal(sequence['keypoint_score'], score)


def test_both_mmpose_forms_give_the_annotation(sample, tmp_path):
    frames = mmpose_frames(sample)
    assert sum(len(f['instances']) == 2 for f in frames) == 14
    inferencer = write_json(frames, tmp_path / 'v_ApplyEyeMakeup.json')
    topdown = write_json(
        dict(meta_info=dict(num_keypoints=17), instance_info=frames),
        tmp_path / 'topdown.json')
    # the first person scores higher wherever both are present, so the
    # score order is the annotation's order and absent persons are zeros
    for path in (inferencer, topdown):
        sequence = load_pose_json(path)
        assert sequence['frame_dir'] == path.stem
        assert sequence['total_frames'] == 163
        _assert_sequence(sequence, sample['keypoint'],
                         sample['keypoint_score'])


def test_persons_are_ordered_by_score_and_limited(sample):
    keypoint, score = sample['keypoint'], sample['keypoint_score']
    reverse = mmpose_frames(sample, reverse=True)
    _assert_sequence(poses_to_sequence(reverse), keypoint, score)
    _assert_sequence(
        poses_to_sequence(reverse, num_person=1), keypoint[:1], score[:1])
    # a bbox_score on every instance ranks the persons instead
    both = [t for t, f in enumerate(reverse) if len(f['instances']) == 2]
    for frame in reverse:
        for rank, instance in enumerate(frame['instances']):
            instance['bbox_score'] = 0.9 - 0.1 * rank  # as listed
    swapped = poses_to_sequence(reverse)
    np.testing.assert_array_equal(swapped['keypoint'][0, both],
                                  keypoint[1, both])
    np.testing.assert_array_equal(swapped['keypoint'][1, both],
                                  keypoint[0, both])


def test_frames_without_persons_are_zero(sample):
    frames = mmpose_frames(sample)
    for frame in frames[:5]:
        frame['instances'] = []
    sequence = poses_to_sequence(frames)
    assert not sequence['keypoint'][:, :5].any()
    np.testing.assert_array_equal(sequence['keypoint'][:, 5:],
                                  sample['keypoint'][:, 5:])


def test_malformed_files_name_the_frame_and_the_fault(sample, tmp_path):
    path = tmp_path / 'poses.json'

    def error(frames, **kwargs):
        write_json(frames, path)
        with pytest.raises(ValueError) as info:
            load_pose_json(path, **kwargs)
        return str(info.value)

    frames = mmpose_frames(sample)
    del frames[3]['instances'][0]['keypoint_scores']
    assert error(frames) == (
        f"{path}: frame 3, instance 0: no 'keypoint_scores' (it has "
        "['keypoints'])")
    frames = mmpose_frames(sample)
    frames[5]['instances'][0]['keypoints'].pop()
    assert error(frames) == (
        f"{path}: frame 5, instance 0: 'keypoint_scores' has shape (17,), "
        "expected (16,) as 'keypoints'")
    frames[5]['instances'][0]['keypoint_scores'].pop()
    assert error(frames) == (f'{path}: frame 5, instance 0: 16 keypoints, '
                             'expected 17 as frame 0, instance 0')
    # a layout's joint count, e.g. the 18 OpenPose keypoints, from frame 0
    assert error(mmpose_frames(sample), num_joints=18) == (
        f'{path}: frame 0, instance 0: 17 keypoints, expected 18')
    frames = mmpose_frames(sample)
    frames[7]['instances'][0]['keypoints'] = [[1, 2, 3]] * 17
    assert error(frames).endswith(
        "frame 7, instance 0: 'keypoints' has shape (17, 3), expected (K, 2)")
    frames[7] = {'instance': []}
    assert 'frame 7 has no \'instances\' list' in error(frames)
    frames = mmpose_frames(sample)
    frames[2]['instances'][0]['keypoints'][4][0] = float('nan')
    assert error(frames).endswith('frame 2, instance 0: NaN or infinite '
                                  'values')
    assert error({'instances': []}).startswith(
        f'{path}: not an MMPose prediction file')
    assert error([]) == f'{path}: empty sequence (0 frames)'
    assert error([dict(frame_id=0, instances=[])] * 3) == (
        f'{path}: no person in any of its 3 frames')
    path.write_text('[{"frame_id": 0,')
    with pytest.raises(ValueError, match=f'{path}: not valid JSON'):
        load_pose_json(path)

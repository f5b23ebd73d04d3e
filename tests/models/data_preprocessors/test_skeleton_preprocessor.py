import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import JointToBone
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmfrhead.models import SkeletonPreprocessor

torch.set_num_threads(2)

# Bone pairs (joint, parent), 1-based, as CTR-GCN / FR Head write them
# (feeders/bone_pairs.py ``ntu_pairs`` and the NW-UCLA feeder's pairs).
NTU_PAIRS = ((1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
             (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13),
             (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19),
             (22, 23), (21, 21), (23, 8), (24, 25), (25, 12))
UCLA_PAIRS = ((1, 2), (2, 3), (3, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7),
              (9, 3), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13),
              (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19))
LAYOUTS = {
    'nw_ucla': (UCLA_PAIRS, 20, 3),  # pairs, joints, root (1-based)
    'ntu_ctrgcn': (NTU_PAIRS, 25, 21),
}


def _data(B=2, M=1, T=6, V=20, C=3):
    joints = torch.randn(B, 1, M, T, V, C)
    data = dict(
        inputs=[j for j in joints],
        data_samples=[ActionDataSample().set_gt_label(0) for _ in range(B)])
    return joints, data


def _bones(joints, pairs):
    """Bone of joint v = x[v] - x[parent(v)], one joint at a time."""
    bones = torch.zeros_like(joints)
    for v, p in pairs:
        bones[..., v - 1, :] = joints[..., v - 1, :] - joints[..., p - 1, :]
    return bones


def _motion(x):
    """x[t + 1] - x[t], one frame at a time; the last frame stays zero."""
    out = torch.zeros_like(x)
    for t in range(x.shape[-3] - 1):
        out[..., t, :, :] = x[..., t + 1, :, :] - x[..., t, :, :]
    return out


@pytest.mark.parametrize('layout', ['nw_ucla', 'ntu_ctrgcn'])
def test_bone_stream(layout):
    pairs, V, root = LAYOUTS[layout]
    M = 2 if layout == 'ntu_ctrgcn' else 1
    pre = SkeletonPreprocessor(layout=layout, feats=['b'])
    joints, data = _data(M=M, V=V)
    out = pre(data)['inputs']
    assert out.shape == joints.shape
    assert not out[..., root - 1, :].any()  # the root has a zero bone
    torch.testing.assert_close(out, _bones(joints, pairs))
    # e.g. the left hand-tip chain of NTU: bone 22 = joint 22 - joint 23
    if layout == 'ntu_ctrgcn':
        torch.testing.assert_close(out[..., 21, :],
                                   joints[..., 21, :] - joints[..., 22, :])


def test_joint_stream_is_identity():
    pre = SkeletonPreprocessor(layout='nw_ucla')
    joints, data = _data()
    out = pre(data)
    assert torch.equal(out['inputs'], joints)
    assert len(out['data_samples']) == 2


def test_joint_motion_stream():
    pre = SkeletonPreprocessor(layout='nw_ucla', feats=['jm'])
    joints, data = _data()
    out = pre(data)['inputs']
    assert not out[..., -1, :, :].any()  # last frame zero
    torch.testing.assert_close(out[..., 2, :, :],
                               joints[..., 3, :, :] - joints[..., 2, :, :])
    torch.testing.assert_close(out, _motion(joints))


def test_bone_motion_stream():
    pre = SkeletonPreprocessor(layout='ntu_ctrgcn', feats=['bm'])
    joints, data = _data(M=2, V=25)
    out = pre(data)['inputs']
    torch.testing.assert_close(out, _motion(_bones(joints, NTU_PAIRS)))
    assert not out[..., -1, :, :].any()


def test_streams_concatenated_on_channels():
    pre = MODELS.build(
        dict(
            type='SkeletonPreprocessor',
            layout='nw_ucla',
            feats=['j', 'b', 'jm', 'bm']))
    joints, data = _data()
    out = pre(data)['inputs']
    assert out.shape == joints.shape[:-1] + (12, )
    bones = _bones(joints, UCLA_PAIRS)
    expected = [joints, bones, _motion(joints), _motion(bones)]
    for i, stream in enumerate(expected):
        torch.testing.assert_close(out[..., 3 * i:3 * i + 3], stream)
    # the order follows ``feats``
    pre = SkeletonPreprocessor(layout='nw_ucla', feats=['b', 'j'])
    out = pre(data)['inputs']
    torch.testing.assert_close(out[..., :3], bones)
    torch.testing.assert_close(out[..., 3:], joints)


def test_nturgb_layout_has_ctrgcn_bones():
    joints, data = _data(M=2, V=25)
    a = SkeletonPreprocessor(layout='nturgb+d', feats=['b'])(data)['inputs']
    torch.testing.assert_close(a, _bones(joints, NTU_PAIRS))


@pytest.mark.parametrize('layout,V', [('coco', 17), ('openpose', 18)])
def test_2d_layouts_have_mmaction_bones(layout, V):
    joints, data = _data(V=V, C=2)
    out = SkeletonPreprocessor(layout=layout, feats=['b'])(data)['inputs']
    for sample, bones in zip(joints[:, 0], out[:, 0]):  # (M, T, V, 2)
        expected = JointToBone(dataset=layout)(
            dict(keypoint=sample.numpy()))['keypoint']
        np.testing.assert_array_equal(bones.numpy(), expected)


def test_wrong_joint_count():
    pre = SkeletonPreprocessor(layout='nw_ucla', feats=['b'])
    _, data = _data(V=25)
    with pytest.raises(ValueError, match='25 joints'):
        pre(data)


def test_unknown_feat_or_layout():
    with pytest.raises(ValueError, match='feats'):
        SkeletonPreprocessor(layout='nw_ucla', feats=['j', 'velocity'])
    with pytest.raises(ValueError, match='feats'):
        SkeletonPreprocessor(layout='nw_ucla', feats=[])
    with pytest.raises(ValueError, match="unknown skeleton layout 'kinect'"):
        SkeletonPreprocessor(layout='kinect')

"""Tests of the skeleton transforms, on real NTU RGB+D and NW-UCLA samples."""
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import TRANSFORMS
from scipy.spatial.transform import Rotation

from mmfrhead.datasets.nw_ucla_json_file import load_ucla_json
from mmfrhead.datasets.transforms import (CentreOnJoint, CropResizeFrames,
                                          MinMaxNormalize, RandomBoneScale,
                                          RandomRotation3D,
                                          RandomViewTransform, ResampleFrames)
from mmfrhead.datasets.transforms.pose_transforms import resize_time
from mmfrhead.skeleton import get_layout


@pytest.fixture(scope='module')
def ntu(fixtures_dir):
    """Real NTU sample, (1, 103, 25, 3), one person, no padding."""
    path = fixtures_dir / 'ntu_raw' / 'S001C001P001R001A001_pyskl_3d.pkl'
    with open(path, 'rb') as f:
        return pickle.load(f)['annotations'][0]['keypoint']


@pytest.fixture(scope='module')
def ntu_padded(ntu):
    """The NTU sample padded like NTU data: 2 leading and 40 trailing zero
    frames, a zero second person."""
    padded = np.zeros((2, 145, 25, 3), np.float32)
    padded[0, 2:105] = ntu[0]
    return padded


@pytest.fixture(scope='module')
def ucla(ucla_json_dir):
    return load_ucla_json(ucla_json_dir / 'a01_s01_e00_v01.json')[None]


@pytest.fixture(scope='module')
def ucla_one_frame(ucla_json_dir):
    return load_ucla_json(ucla_json_dir / 'a02_s09_e04_v02.json')[None]


def run(transform, keypoint, **results):
    return transform(dict(keypoint=keypoint.copy(), **results))


def distances(keypoint):
    """Distances between all joints of every (person, frame)."""
    return np.linalg.norm(
        keypoint[..., :, None, :] - keypoint[..., None, :, :], axis=-1)


def bone_vectors(keypoint, layout):
    parents = np.array(get_layout(layout).parents)
    return keypoint - keypoint[..., parents, :], np.arange(len(parents))


def test_registered_and_repr():
    for name, args, text in [
        ('CentreOnJoint', {}, 'joint=1'),
        ('RandomViewTransform', {}, 'scale_range=(0.5, 1.5)'),
        ('MinMaxNormalize', {}, '()'),
        ('ResampleFrames', dict(test_mode=True), 'test_mode=True'),
        ('CropResizeFrames', dict(p_interval=[0.95]), 'p_interval=(0.95,)'),
        ('RandomRotation3D', {}, 'theta=0.3'),
        ('RandomBoneScale', {}, "layout='ntu_ctrgcn', scale=0.2"),
    ]:
        transform = TRANSFORMS.build(dict(type=name, **args))
        assert repr(transform).startswith(name) and text in repr(transform)


def test_centre_on_joint(ntu, ntu_padded, ucla):
    out = run(CentreOnJoint(), ntu)['keypoint']
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[0, 0, 1], 0)
    np.testing.assert_allclose(out - ntu,
                               np.broadcast_to(-ntu[0, 0, 1], ntu.shape))
    # Padding: the origin is taken in the first non-zero frame (2) and the
    # padded frames and person stay zero.
    out = run(CentreOnJoint(), ntu_padded)['keypoint']
    np.testing.assert_array_equal(out[0, 2, 1], 0)
    np.testing.assert_allclose(out[0, 2:105], ntu[0] - ntu[0, 0, 1])
    assert not out[0, :2].any() and not out[0, 105:].any()
    assert not out[1].any()
    out = run(CentreOnJoint(joint=0), ucla)['keypoint']
    np.testing.assert_array_equal(out[0, 0, 0], 0)
    empty = np.zeros((1, 4, 20, 3), np.float32)
    assert not run(CentreOnJoint(), empty)['keypoint'].any()


def test_random_view_transform(ucla, ntu_padded):
    keypoint = run(CentreOnJoint(), ucla)['keypoint']
    for seed in range(3):
        np.random.seed(seed)
        ax, ay = np.random.randint(-60, 61, size=2)
        scale = np.random.uniform(0.5, 1.5)
        np.random.seed(seed)
        out = run(RandomViewTransform(), keypoint)['keypoint']
        # x about x first, then about y (extrinsic 'xy'), then scaled.
        rot = Rotation.from_euler('xy', [ax, ay], degrees=True).as_matrix()
        assert out.dtype == np.float32
        np.testing.assert_allclose(
            out, scale * keypoint @ rot.T, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(
            distances(out), scale * distances(keypoint), rtol=1e-4, atol=1e-6)
    np.random.seed(0)
    out = run(RandomViewTransform(angle=0, scale_range=(2, 2)), keypoint)
    np.testing.assert_allclose(out['keypoint'], 2 * keypoint)
    out = run(RandomViewTransform(), ntu_padded)['keypoint']
    assert not out[1].any() and not out[0, 105:].any()


def test_min_max_normalize(ucla, ucla_one_frame):
    for keypoint in (ucla, ucla_one_frame):
        out = run(MinMaxNormalize(), keypoint)['keypoint']
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.min(axis=(0, 1, 2)), -1, atol=1e-6)
        np.testing.assert_allclose(out.max(axis=(0, 1, 2)), 1, atol=1e-6)
        # An affine map per axis: relative positions are kept.
        low, high = keypoint.min((0, 1, 2)), keypoint.max((0, 1, 2))
        np.testing.assert_allclose(
            (out + 1) / 2 * (high - low) + low, keypoint, atol=1e-5)
    flat = ucla.copy()
    flat[..., 2] = 3.0
    out = run(MinMaxNormalize(), flat)['keypoint']
    assert np.isfinite(out).all() and not out[..., 2].any()
    np.testing.assert_allclose(out[..., 0].min(), -1)


def test_resample_frames(ucla, ucla_one_frame):
    num_frames = ucla.shape[1]
    results = run(ResampleFrames(test_mode=True), ucla, total_frames=9)
    inds = np.linspace(0, num_frames - 1, 52).astype(int)
    np.testing.assert_array_equal(results['keypoint'], ucla[:, inds])
    assert results['total_frames'] == results['clip_len'] == 52
    assert results['num_clips'] == 1
    # Training: the chosen frames are original frames in time order.
    np.random.seed(0)
    out = run(ResampleFrames(clip_len=30), ucla)['keypoint']
    assert out.shape == (1, 30, 20, 3)
    picked = [
        np.flatnonzero((ucla[0] == frame).all(axis=(1, 2)))[0]
        for frame in out[0]
    ]
    assert picked == sorted(picked) and len(set(picked)) > 10
    for test_mode in (False, True):
        out = run(ResampleFrames(test_mode=test_mode), ucla_one_frame)
        np.testing.assert_array_equal(out['keypoint'],
                                      np.repeat(ucla_one_frame, 52, axis=1))
    out = run(ResampleFrames(clip_len=150), ucla_one_frame)['keypoint']
    assert out.shape == (1, 150, 20, 3)


@pytest.mark.parametrize('num_frames,length', [(103, 64), (40, 64), (64, 64),
                                               (1, 64), (7, 3), (300, 100)])
def test_resize_time_matches_torch(num_frames, length):
    data = np.random.default_rng(num_frames).standard_normal(
        (2, num_frames, 25, 3)).astype(np.float32)
    ours = resize_time(data, length)
    # CTR-GCN: (C * V * M, T) image resized with bilinear interpolation.
    image = data.transpose(3, 2, 0, 1).reshape(-1, num_frames)
    image = torch.from_numpy(np.ascontiguousarray(image))
    theirs = F.interpolate(
        image[None, None],
        size=(image.shape[0], length),
        mode='bilinear',
        align_corners=False)[0, 0]
    theirs = theirs.numpy().reshape(3, 25, 2, length).transpose(2, 3, 1, 0)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_crop_resize_frames(ntu, ntu_padded, ucla_one_frame):
    # Test mode: centred crop of 95 % of the 105 valid frames (2 leading
    # zero frames count as valid), 40 trailing padded frames ignored.
    results = run(CropResizeFrames(p_interval=(0.95, )), ntu_padded)
    crop = int(105 * 0.95)
    start = (105 - crop) // 2
    expected = resize_time(ntu_padded[:, start:start + crop], 64)
    np.testing.assert_allclose(results['keypoint'], expected)
    assert results['keypoint'].shape == (2, 64, 25, 3)
    assert results['total_frames'] == results['clip_len'] == 64
    assert results['num_clips'] == 1
    # Full window, train mode: the whole valid part resized.
    np.random.seed(0)
    out = run(CropResizeFrames(clip_len=50, p_interval=(1, 1)), ntu)
    np.testing.assert_allclose(out['keypoint'], resize_time(ntu, 50))
    # Train mode: a window of at least clip_len frames of the valid part.
    np.random.seed(0)
    out = run(CropResizeFrames(clip_len=64), ntu_padded)['keypoint']
    assert out.shape == (2, 64, 25, 3) and not out[1].any()
    assert np.abs(out[0]).sum(axis=(1, 2)).min() > 0
    for p_interval in ((0.95, ), (0.5, 1)):
        out = run(CropResizeFrames(p_interval=p_interval), ucla_one_frame)
        np.testing.assert_array_equal(out['keypoint'],
                                      np.repeat(ucla_one_frame, 64, axis=1))
    with pytest.raises(ValueError, match='p_interval'):
        CropResizeFrames(p_interval=(0.1, 0.5, 0.9))


def test_random_rotation_3d(ntu, ntu_padded):
    for seed in range(3):
        np.random.seed(seed)
        angles = np.random.uniform(-0.3, 0.3, size=3)
        np.random.seed(seed)
        out = run(RandomRotation3D(), ntu)['keypoint']
        rot = Rotation.from_euler('xyz', angles).as_matrix()  # Rz Ry Rx
        np.testing.assert_allclose(out, ntu @ rot.T, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(
            distances(out), distances(ntu), rtol=1e-4, atol=1e-6)
    out = run(RandomRotation3D(), ntu_padded)['keypoint']
    assert not out[1].any() and not out[0, :2].any()


@pytest.mark.parametrize('layout', ['ntu_ctrgcn', 'nw_ucla'])
def test_random_bone_scale(layout, ntu, ntu_padded, ucla):
    keypoint = ntu if layout == 'ntu_ctrgcn' else ucla
    np.random.seed(1)
    out = run(RandomBoneScale(layout=layout), keypoint)['keypoint']
    assert out.dtype == np.float32
    old, joints = bone_vectors(keypoint, layout)
    new, _ = bone_vectors(out, layout)
    old_len = np.linalg.norm(old, axis=-1)
    new_len = np.linalg.norm(new, axis=-1)
    is_bone = old_len[0, 0] > 0
    ratio = new_len[..., is_bone] / old_len[..., is_bone]
    # One factor per bone for the whole sample, within +-20 %.
    np.testing.assert_allclose(
        ratio, np.broadcast_to(ratio[:1, :1], ratio.shape), rtol=1e-3)
    factor = dict(zip(joints[is_bone], ratio[0, 0]))
    assert all(0.8 - 1e-4 <= f <= 1.2 + 1e-4 for f in factor.values())
    assert np.ptp(list(factor.values())) > 0.02
    for left, right in get_layout(layout).mirror:
        assert factor[left] == pytest.approx(factor[right], rel=1e-4)
    # Bone directions and the root position are kept.
    cos = (old * new).sum(-1) / np.maximum(old_len * new_len, 1e-12)
    cos = cos[..., is_bone]
    np.testing.assert_allclose(cos, 1, atol=1e-4)
    root = get_layout(layout).root
    np.testing.assert_array_equal(out[..., root, :], keypoint[..., root, :])
    if layout == 'ntu_ctrgcn':
        out = run(RandomBoneScale(), ntu_padded)['keypoint']
        assert not out[1].any() and not out[0, 105:].any()
        with pytest.raises(ValueError, match='V=20'):
            run(RandomBoneScale(), ucla)


ALL_TRANSFORMS = [
    CentreOnJoint(),
    RandomViewTransform(),
    MinMaxNormalize(),
    ResampleFrames(),
    CropResizeFrames(),
    CropResizeFrames(p_interval=(0.95, )),
    RandomRotation3D(),
    RandomBoneScale(layout='nw_ucla'),
]


@pytest.mark.parametrize('transform', ALL_TRANSFORMS, ids=repr)
def test_one_frame_sequence(transform, ucla_one_frame):
    out = run(transform, ucla_one_frame)['keypoint']
    assert out.dtype == np.float32 and out.ndim == 4
    assert np.isfinite(out).all() and out.shape[0] == 1

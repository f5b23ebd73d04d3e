import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from mmfrhead.skeleton import LAYOUTS, SkeletonLayout, get_layout
from mmfrhead.utils import register_all_modules

register_all_modules()


def sample(frames=12, joints=20, persons=1, seed=0):
    rng = np.random.default_rng(seed)
    keypoint = rng.normal(size=(persons, frames, joints, 3))
    return dict(keypoint=keypoint.astype(np.float32))


def build(**cfg):
    return TRANSFORMS.build(cfg)


def test_temporal_crop_is_a_window_of_the_mirror_padded_sequence():
    np.random.seed(0)
    results = sample(frames=12)
    padded = np.pad(results['keypoint'], ((0, 0), (2, 2), (0, 0), (0, 0)),
                    mode='reflect')
    assert np.array_equal(padded[:, 1], results['keypoint'][:, 1])  # mirror
    out = build(type='SkeletonTemporalCrop')(dict(results))['keypoint']
    assert out.shape == (1, 12, 20, 3) and out.dtype == np.float32
    starts = [s for s in range(5) if np.allclose(out, padded[:, s:s + 12])]
    assert len(starts) == 1


def test_shear_is_a_linear_map_with_unit_diagonal():
    np.random.seed(1)
    results = sample()
    out = build(type='SkeletonShear', amplitude=0.5)(dict(results))
    matrix, *_ = np.linalg.lstsq(
        results['keypoint'].reshape(-1, 3),
        out['keypoint'].reshape(-1, 3),
        rcond=None)
    shear = matrix.T
    assert np.allclose(np.diag(shear), 1, atol=1e-5)
    assert np.all(np.abs(shear[~np.eye(3, dtype=bool)]) <= 0.5)


def test_flip_swaps_the_mirror_pairs_only():
    results = sample()
    flip = build(type='SkeletonMirrorFlip', layout='nw_ucla', p=1.)
    out = flip(dict(results))['keypoint']
    left, right = get_layout('nw_ucla').mirror[0]
    assert np.array_equal(out[:, :, left], results['keypoint'][:, :, right])
    centre = get_layout('nw_ucla').center
    assert np.array_equal(out[:, :, centre],
                          results['keypoint'][:, :, centre])
    never = build(type='SkeletonMirrorFlip', layout='nw_ucla', p=0.)
    assert np.array_equal(never(dict(results))['keypoint'],
                          results['keypoint'])


def test_flip_of_a_layout_without_mirror_pairs_is_named(monkeypatch):
    layout = SkeletonLayout(
        name='chain3', joint_names=('a', 'b', 'c'), parents=(0, 0, 1),
        center=0)
    monkeypatch.setitem(LAYOUTS, 'chain3', layout)
    with pytest.raises(ValueError, match="layout 'chain3' has no mirror"):
        build(type='SkeletonMirrorFlip', layout='chain3')


def test_rotation_keeps_lengths_and_turns_by_at_most_31_degrees():
    np.random.seed(2)
    results = sample()
    out = build(type='RandomAxisRotation')(dict(results))['keypoint']
    before = results['keypoint'].reshape(-1, 3)
    after = out.reshape(-1, 3)
    assert np.allclose(np.linalg.norm(before, axis=1),
                       np.linalg.norm(after, axis=1), atol=1e-5)
    rot, *_ = np.linalg.lstsq(before, after, rcond=None)
    angle = np.degrees(np.arccos((np.trace(rot) - 1) / 2))
    assert 0 < angle <= 31.1


def test_noise_has_the_configured_spread():
    results = sample(frames=200)
    out = build(type='SkeletonGaussianNoise', std=0.01, p=1.)(dict(results))
    diff = out['keypoint'] - results['keypoint']
    assert abs(diff.std() - 0.01) < 1e-3


def test_blur_is_not_normalised_by_default_as_aimclrs():
    blur = build(type='TemporalGaussianBlur', p=1., sigma_range=(2., 2.))
    weights = blur.weights(2.)
    assert abs(weights.sum() - 5.01) < 0.01  # AimCLR's kernel at sigma 2
    results = dict(keypoint=np.ones((1, 30, 2, 3), np.float32))
    out = blur(dict(results))['keypoint']
    assert np.allclose(out[:, 15], weights.sum())  # scaled ~5x mid-sequence
    assert out[0, 0, 0, 0] < out[0, 15, 0, 0]  # darkened ends
    plain = build(type='TemporalGaussianBlur', p=1., sigma_range=(2., 2.),
                  normalize=True)
    assert np.allclose(plain(dict(results))['keypoint'][:, 7:-7], 1)


def test_blur_matches_a_torch_conv_along_time():
    blur = build(type='TemporalGaussianBlur', p=1., sigma_range=(1., 1.))
    results = sample(frames=20)
    out = blur(dict(results))['keypoint']
    x = torch.from_numpy(results['keypoint']).permute(0, 2, 3, 1)
    w = torch.from_numpy(blur.weights(1.)).float().view(1, 1, -1)
    ref = torch.nn.functional.conv1d(x.reshape(-1, 1, 20), w, padding=7)
    ref = ref.view(1, 20, 3, 20).permute(0, 3, 1, 2).numpy()
    assert np.allclose(out, ref, atol=1e-5)


def test_axis_mask_zeroes_one_axis():
    out = build(type='RandomAxisMask', p=1.)(sample())['keypoint']
    zero_axes = [c for c in range(3) if np.all(out[..., c] == 0)]
    assert len(zero_axes) == 1


def test_time_flip_reverses_frames():
    results = sample()
    out = build(type='TimeFlip', p=1.)(dict(results))['keypoint']
    assert np.array_equal(out, results['keypoint'][:, ::-1])


def test_multi_view_pipeline_gives_three_views():
    normal = [dict(type='SkeletonTemporalCrop'), dict(type='SkeletonShear')]
    extreme = normal + [
        dict(type='SkeletonMirrorFlip', layout='nw_ucla'),
        dict(type='RandomAxisRotation'),
        dict(type='SkeletonGaussianNoise'),
        dict(type='TemporalGaussianBlur'),
        dict(type='RandomAxisMask')
    ]
    pipeline = Compose([
        dict(type='MultiViewSkeleton', views=[extreme, normal, normal]),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs')
    ])
    results = sample(frames=12)
    results.update(label=0, start_index=0, modality='Pose', total_frames=12)
    packed = pipeline(results)
    assert packed['inputs'].shape == (3, 1, 12, 20, 3)
    views = packed['inputs']
    assert not torch.equal(views[1], views[2])


def test_views_of_different_lengths_are_named():
    multi = build(
        type='MultiViewSkeleton',
        views=[[], [dict(type='ResampleFrames', clip_len=6)]])
    with pytest.raises(ValueError, match='keep the clip length'):
        multi(sample())

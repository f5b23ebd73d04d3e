"""AimCLR's augmentations and its three-view pipeline.

Each transform works on ``results['keypoint']`` ``(M, T, V, C)`` (the first
three coordinates are x, y, z) and defaults to AimCLR's parameters and
probability. AimCLR's normal view is :class:`SkeletonTemporalCrop` then
:class:`SkeletonShear`; its extreme view adds, in this order,
:class:`SkeletonMirrorFlip`, :class:`RandomAxisRotation`,
:class:`SkeletonGaussianNoise`, :class:`TemporalGaussianBlur` and
:class:`RandomAxisMask` (the first release also had :class:`TimeFlip`,
after the rotation). :class:`MultiViewSkeleton` runs one pipeline per view.
Random draws use ``np.random``, which MMEngine seeds in every worker.
"""
import copy
from typing import Dict, List, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose

from mmfrhead.skeleton import get_layout
from .pose_transforms import _rotation


def _apply(results: Dict, keypoint: np.ndarray) -> Dict:
    results['keypoint'] = keypoint.astype(np.float32)
    return results


@TRANSFORMS.register_module()
class SkeletonTemporalCrop(BaseTransform):
    """AimCLR's temporal crop: a random shift of at most ``T // ratio``.

    Pads ``T // padding_ratio`` mirrored frames at both ends (numpy's
    ``'reflect'``) and takes a random window of the original length.

    Args:
        padding_ratio (int): AimCLR's ``temperal_padding_ratio``.
            Defaults to 6.
    """

    def __init__(self, padding_ratio: int = 6) -> None:
        self.padding_ratio = padding_ratio

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']  # (M, T, V, C)
        num_frames = keypoint.shape[1]
        pad = num_frames // self.padding_ratio
        padded = np.pad(keypoint, ((0, 0), (pad, pad), (0, 0), (0, 0)),
                        mode='reflect')
        start = np.random.randint(0, 2 * pad + 1)
        return _apply(results, padded[:, start:start + num_frames])


@TRANSFORMS.register_module()
class SkeletonShear(BaseTransform):
    """AimCLR's shear: ``x' = R x`` with ``R = I`` plus six draws
    ``U(-amplitude, amplitude)`` off the diagonal.

    Args:
        amplitude (float): AimCLR's ``shear_amplitude``. Defaults to 0.5.
    """

    def __init__(self, amplitude: float = 0.5) -> None:
        self.amplitude = amplitude

    def transform(self, results: Dict) -> Dict:
        shear = np.eye(3)
        off = ~np.eye(3, dtype=bool)
        shear[off] = np.random.uniform(-self.amplitude, self.amplitude, 6)
        keypoint = results['keypoint']
        return _apply(results, keypoint @ shear.T)


@TRANSFORMS.register_module()
class SkeletonMirrorFlip(BaseTransform):
    """AimCLR's spatial flip: swap the layout's left/right joints.

    Only the joint indices are permuted (by the layout's ``flip_order``);
    no coordinate is negated, as in AimCLR (so it is not a mirror image).

    Args:
        layout (str): Skeleton layout name (:func:`get_layout`); it must
            have mirror pairs.
        p (float): Probability. Defaults to 0.5.
    """

    def __init__(self, layout: str, p: float = 0.5) -> None:
        skeleton = get_layout(layout)
        if not skeleton.mirror:
            raise ValueError(
                f'SkeletonMirrorFlip: layout {layout!r} has no mirror pairs '
                '(SkeletonLayout.mirror) to flip with')
        self.layout = layout
        self.flip_order = list(skeleton.flip_order)
        self.p = p

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        if keypoint.shape[2] != len(self.flip_order):
            raise ValueError(
                f'SkeletonMirrorFlip: layout {self.layout!r} has '
                f'{len(self.flip_order)} joints but the keypoint has '
                f'V={keypoint.shape[2]}')
        if np.random.rand() < self.p:
            results['keypoint'] = keypoint[:, :, self.flip_order]
        return results


@TRANSFORMS.register_module()
class RandomAxisRotation(BaseTransform):
    """AimCLR's rotation: one main axis by up to ``main_angle`` degrees.

    The main axis is drawn uniformly among x, y, z and gets an angle
    ``U(0, main_angle)``, the two others ``U(0, other_angle)`` (positive
    angles only, as AimCLR); the right-handed rotations about x, then y,
    then z are applied to every point.

    Args:
        main_angle (float): Degrees. Defaults to 30.
        other_angle (float): Degrees. Defaults to 1.
    """

    def __init__(self, main_angle: float = 30., other_angle: float = 1.):
        self.main_angle = main_angle
        self.other_angle = other_angle

    def transform(self, results: Dict) -> Dict:
        angles = np.random.uniform(0, self.other_angle, 3)
        angles[np.random.randint(3)] = np.random.uniform(0, self.main_angle)
        rot = np.eye(3)
        for axis, angle in enumerate(np.deg2rad(angles)):
            rot = _rotation(axis, angle) @ rot
        return _apply(results, results['keypoint'] @ rot.T)


@TRANSFORMS.register_module()
class SkeletonGaussianNoise(BaseTransform):
    """AimCLR's noise: ``N(0, std)`` added to every coordinate.

    Args:
        std (float): Standard deviation. Defaults to 0.01.
        p (float): Probability. Defaults to 0.5.
    """

    def __init__(self, std: float = 0.01, p: float = 0.5) -> None:
        self.std = std
        self.p = p

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() < self.p:
            keypoint = results['keypoint']
            noise = np.random.normal(0, self.std, keypoint.shape)
            _apply(results, keypoint + noise)
        return results


@TRANSFORMS.register_module()
class TemporalGaussianBlur(BaseTransform):
    """AimCLR's temporal Gaussian blur, zero-padded.

    Weights ``w_k = exp(-k^2 / (2 sigma^2))``, ``|k| <= kernel_size // 2``,
    ``sigma ~ U(sigma_range)``, over time. AimCLR does not normalise them:
    they sum to 1 at sigma 0.1 but to ~5 at sigma 2, so its blur also scales
    the sequence by up to 5x (and darkens the ends through the zero
    padding). ``normalize=False`` reproduces that; ``True`` is the usual
    blur (weights summing to 1).

    Args:
        kernel_size (int): Odd kernel length. Defaults to 15.
        sigma_range (Sequence[float]): Range of sigma, in frames.
            Defaults to ``(0.1, 2.0)``.
        normalize (bool): Normalise the weights. Defaults to False.
        p (float): Probability. Defaults to 0.5.
    """

    def __init__(self,
                 kernel_size: int = 15,
                 sigma_range: Sequence[float] = (0.1, 2.0),
                 normalize: bool = False,
                 p: float = 0.5) -> None:
        if kernel_size % 2 != 1:
            raise ValueError(f'kernel_size must be odd, got {kernel_size}')
        self.kernel_size = kernel_size
        self.sigma_range = tuple(sigma_range)
        self.normalize = normalize
        self.p = p

    def weights(self, sigma: float) -> np.ndarray:
        """The ``(kernel_size, )`` weights for ``sigma``."""
        half = self.kernel_size // 2
        w = np.exp(-np.arange(-half, half + 1)**2 / (2 * sigma**2))
        return w / w.sum() if self.normalize else w

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() >= self.p:
            return results
        weights = self.weights(np.random.uniform(*self.sigma_range))
        keypoint = results['keypoint']  # (M, T, V, C)
        num_frames, half = keypoint.shape[1], self.kernel_size // 2
        padded = np.pad(keypoint, ((0, 0), (half, half), (0, 0), (0, 0)))
        blurred = sum(w * padded[:, i:i + num_frames]
                      for i, w in enumerate(weights))
        return _apply(results, blurred)


@TRANSFORMS.register_module()
class RandomAxisMask(BaseTransform):
    """AimCLR's axis mask: zero one coordinate axis (x, y or z).

    Args:
        p (float): Probability. Defaults to 0.5.
    """

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() < self.p:
            keypoint = results['keypoint'].copy()
            keypoint[..., np.random.randint(3)] = 0
            results['keypoint'] = keypoint
        return results


@TRANSFORMS.register_module()
class TimeFlip(BaseTransform):
    """Reverse time (AimCLR's first release, after the rotation).

    Args:
        p (float): Probability. Defaults to 0.5.
    """

    def __init__(self, p: float = 0.5) -> None:
        self.p = p

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() < self.p:
            results['keypoint'] = results['keypoint'][:, ::-1].copy()
        return results


@TRANSFORMS.register_module()
class MultiViewSkeleton(BaseTransform):
    """Several augmented views of one sample, as ``num_clips`` clips.

    Runs each pipeline on a copy of the sample and joins the views along
    time with ``num_clips`` set to their number, so MMAction2's
    ``FormatGCNInput`` then gives ``(views, M, T, V, C)``. AimCLR's views:
    ``[extreme, normal, normal]`` (extreme view, query, key). Every view
    must keep the number of frames.

    Args:
        views (list[list[dict]]): One transform pipeline per view.
    """

    def __init__(self, views: List[List[dict]]) -> None:
        self.views = [
            Compose([TRANSFORMS.build(t) for t in pipeline])
            for pipeline in views
        ]

    def transform(self, results: Dict) -> Dict:
        clips = [view(copy.deepcopy(results))['keypoint']
                 for view in self.views]
        lengths = {clip.shape[1] for clip in clips}
        if len(lengths) != 1:
            raise ValueError(
                f'MultiViewSkeleton: the views have {sorted(lengths)} '
                'frames; every view pipeline must keep the clip length')
        results['keypoint'] = np.concatenate(clips, axis=1)
        results['num_clips'] = len(clips)
        return results

"""Skeleton transforms of the CTR-GCN and FR-Head data recipes.

All transforms work on ``results['keypoint']`` in MMAction2's layout
``(M, T, V, C)`` (persons, frames, joints, coordinates), float32. A frame in
which a person has only zero coordinates is padding (NTU pads missing second
persons and short sequences with zeros); the transforms keep padding zero.
Random draws use ``np.random``, which MMEngine seeds in every worker.
"""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from mmfrhead.skeleton import get_layout


def _check_joints(transform: BaseTransform, num_joints: int,
                  keypoint: np.ndarray) -> None:
    if keypoint.shape[2] != num_joints:
        raise ValueError(
            f'{type(transform).__name__}: layout {transform.layout!r} has '
            f'{num_joints} joints but the keypoint has V={keypoint.shape[2]} '
            f'(shape {keypoint.shape})')


def _present(keypoint: np.ndarray) -> np.ndarray:
    """``(M, T)`` mask of the (person, frame) pairs that are not padding."""
    return np.any(keypoint != 0, axis=(2, 3))


def _rotation(axis: int, angle: float) -> np.ndarray:
    """Right-handed rotation by ``angle`` rad about ``axis`` (0 x, 1 y, 2 z),
    for column vectors (``x' = R @ x``)."""
    cos, sin = np.cos(angle), np.sin(angle)
    i, j = (axis + 1) % 3, (axis + 2) % 3
    rot = np.eye(3)
    rot[i, i] = rot[j, j] = cos
    rot[i, j], rot[j, i] = -sin, sin
    return rot


def _set_clip(results: Dict, keypoint: np.ndarray) -> Dict:
    """Store a resampled single clip and its frame count."""
    results['keypoint'] = keypoint
    results['total_frames'] = results['clip_len'] = keypoint.shape[1]
    results['num_clips'] = 1
    return results


def resize_time(keypoint: np.ndarray, length: int) -> np.ndarray:
    """Resize ``(M, T, V, C)`` to ``length`` frames by linear interpolation.

    The sample positions are those of ``torch.nn.functional.interpolate``
    (``'linear'``/``'bilinear'``, ``align_corners=False``): output frame
    ``i`` reads input position ``(i + 0.5) * T / length - 0.5``, clamped to
    ``[0, T - 1]``. A single frame is repeated.

    Args:
        keypoint (np.ndarray): Array of shape ``(M, T, V, C)``, ``T >= 1``.
        length (int): Number of output frames.

    Returns:
        np.ndarray: Array of shape ``(M, length, V, C)``, same dtype.
    """
    num_frames = keypoint.shape[1]
    pos = (np.arange(length) + 0.5) * (num_frames / length) - 0.5
    pos = np.clip(pos, 0, num_frames - 1)
    low = np.floor(pos).astype(np.int64)
    high = np.minimum(low + 1, num_frames - 1)
    weight = (pos - low).astype(keypoint.dtype)[:, None, None]
    return keypoint[:, low] * (1 - weight) + keypoint[:, high] * weight


@TRANSFORMS.register_module()
class CentreOnJoint(BaseTransform):
    """Translate the skeleton so that one joint of person 0 is the origin.

    The origin is joint ``joint`` of person 0 in the first frame where
    person 0 is not padding. It is subtracted from every (person, frame)
    that is not padding; padding stays zero. A sample in which person 0 is
    all zero is returned unchanged. Use ``joint=1`` for both NTU (spine mid)
    and NW-UCLA (spine), as CTR-GCN does.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint

    Args:
        joint (int): 0-based index of the centre joint. Defaults to 1.
    """

    def __init__(self, joint: int = 1) -> None:
        self.joint = joint

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`CentreOnJoint`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint']
        present = _present(keypoint)
        if present[0].any():
            origin = keypoint[0, present[0].argmax(), self.joint]
            mask = present[..., None, None]
            results['keypoint'] = (keypoint - origin) * mask
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(joint={self.joint})'


@TRANSFORMS.register_module()
class RandomViewTransform(BaseTransform):
    """Random rotation about the x and y axes plus a random scaling.

    CTR-GCN's NW-UCLA training augmentation. Integer angles ``ax`` and
    ``ay`` are drawn uniformly from ``[-angle, angle]`` degrees (both ends
    included) and a scale ``s`` from ``U(scale_range)``. Every point, of all
    frames and persons, is rotated right-handedly about x by ``ax``, then
    about y by ``ay``, then scaled: ``x' = s * Ry(ay) @ Rx(ax) @ x``
    (padding stays zero). Apply it after :class:`CentreOnJoint`, so that the
    rotation is about the centre joint.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint

    Args:
        angle (float): Largest rotation in degrees, truncated to an integer.
            Defaults to 60.
        scale_range (Sequence[float]): Range of the scale factor.
            Defaults to ``(0.5, 1.5)``.
    """

    def __init__(self,
                 angle: float = 60.,
                 scale_range: Sequence[float] = (0.5, 1.5)) -> None:
        self.angle = angle
        self.scale_range = tuple(scale_range)

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`RandomViewTransform`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        limit = int(self.angle)
        ax, ay = np.deg2rad(np.random.randint(-limit, limit + 1, size=2))
        scale = np.random.uniform(*self.scale_range)
        matrix = scale * _rotation(1, ay) @ _rotation(0, ax)
        keypoint = results['keypoint']
        results['keypoint'] = keypoint @ matrix.T.astype(keypoint.dtype)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(angle={self.angle}, '
                f'scale_range={self.scale_range})')


@TRANSFORMS.register_module()
class MinMaxNormalize(BaseTransform):
    """Map each coordinate axis of the sample to ``[-1, 1]``.

    For every axis ``c``, with ``min``/``max`` taken over all persons,
    frames and joints (zero padding included; NW-UCLA has none):
    ``x' = (x - min) / (max - min) * 2 - 1``. An axis whose values are all
    equal becomes 0. CTR-GCN applies it to NW-UCLA in training and testing.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint
    """

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`MinMaxNormalize`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint']
        low = keypoint.min(axis=(0, 1, 2))
        span = keypoint.max(axis=(0, 1, 2)) - low
        scale = np.divide(2, span, out=np.zeros_like(span), where=span > 0)
        results['keypoint'] = ((keypoint - low) * scale - 1) * (span > 0)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'


@TRANSFORMS.register_module()
class ResampleFrames(BaseTransform):
    """Sample a fixed number of frames, CTR-GCN's NW-UCLA sampling.

    Training: ``clip_len`` indices are drawn without replacement from the
    frame indices repeated 100 times, then sorted, so short sequences repeat
    frames and long ones are subsampled randomly (the indices are repeated
    more than 100 times when ``clip_len > 100 * T``). Testing: the indices
    ``np.linspace(0, T - 1, clip_len)`` truncated to integers. Sequences of
    one frame give ``clip_len`` copies of it.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint
        - total_frames

    Added Keys:

        - clip_len
        - num_clips

    Args:
        clip_len (int): Number of frames of the output. Defaults to 52.
        test_mode (bool): Use the deterministic test sampling.
            Defaults to False.
    """

    def __init__(self, clip_len: int = 52, test_mode: bool = False) -> None:
        self.clip_len = clip_len
        self.test_mode = test_mode

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`ResampleFrames`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint']
        num_frames = keypoint.shape[1]
        if self.test_mode:
            inds = np.linspace(0, num_frames - 1, self.clip_len).astype(int)
        else:
            repeats = max(100, -(-self.clip_len // num_frames))
            pool = np.tile(np.arange(num_frames), repeats)
            inds = np.sort(
                np.random.choice(pool, self.clip_len, replace=False))
        return _set_clip(results, keypoint[:, inds])

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'test_mode={self.test_mode})')


@TRANSFORMS.register_module()
class CropResizeFrames(BaseTransform):
    """Crop a temporal window of the valid frames and resize it.

    CTR-GCN's NTU ``valid_crop_resize``. The valid frames are the frames up
    to the last one in which any person is not padding (all ``T`` frames
    when the sample is all zero). With ``valid`` valid frames:

    - one ratio ``(p, )`` (testing): a centred window of
      ``max(int(valid * p), 1)`` frames starting at ``(valid - crop) // 2``;
    - two ratios ``(low, high)`` (training): ``p ~ U(low, high)``, a window
      of ``min(max(int(valid * p), clip_len), valid)`` frames (CTR-GCN
      hard-codes 64 as the minimum, here ``clip_len``) at an offset drawn
      uniformly from ``[0, valid - crop]``.

    The window is resized to ``clip_len`` frames by linear interpolation
    along time, at the sample positions of ``torch.nn.functional.interpolate``
    with ``align_corners=False`` (see :func:`resize_time`).

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint
        - total_frames

    Added Keys:

        - clip_len
        - num_clips

    Args:
        clip_len (int): Number of frames of the output. Defaults to 64.
        p_interval (Sequence[float]): One crop ratio (testing) or the range
            of the random ratio (training). Defaults to ``(0.5, 1.0)``.
    """

    def __init__(self,
                 clip_len: int = 64,
                 p_interval: Sequence[float] = (0.5, 1.0)) -> None:
        if len(p_interval) not in (1, 2):
            raise ValueError(f'p_interval needs 1 or 2 ratios, got '
                             f'{p_interval!r}')
        self.clip_len = clip_len
        self.p_interval = tuple(p_interval)

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`CropResizeFrames`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint']
        frames = np.flatnonzero(_present(keypoint).any(axis=0))
        valid = frames[-1] + 1 if frames.size else keypoint.shape[1]
        if len(self.p_interval) == 1:
            crop = max(int(valid * self.p_interval[0]), 1)
            start = (valid - crop) // 2
        else:
            ratio = np.random.uniform(*self.p_interval)
            crop = min(max(int(valid * ratio), self.clip_len), valid)
            start = np.random.randint(0, valid - crop + 1)
        window = keypoint[:, start:start + crop]
        return _set_clip(results, resize_time(window, self.clip_len))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'p_interval={self.p_interval})')


@TRANSFORMS.register_module()
class RandomRotation3D(BaseTransform):
    """Rotate the whole sample by random angles about x, y and z.

    CTR-GCN's ``random_rot``: one angle per axis drawn from
    ``U(-theta, theta)`` radians (x, y, z in that order), the same for all
    frames and persons; ``x' = Rz @ Ry @ Rx @ x`` with right-handed
    rotations (CTR-GCN's matrices rotate the other way, which gives the same
    distribution since the angles are symmetric). Padding stays zero.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint

    Args:
        theta (float): Largest angle in radians. Defaults to 0.3.
    """

    def __init__(self, theta: float = 0.3) -> None:
        self.theta = theta

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`RandomRotation3D`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        ax, ay, az = np.random.uniform(-self.theta, self.theta, size=3)
        matrix = _rotation(2, az) @ _rotation(1, ay) @ _rotation(0, ax)
        keypoint = results['keypoint']
        results['keypoint'] = keypoint @ matrix.T.astype(keypoint.dtype)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(theta={self.theta})'


@TRANSFORMS.register_module()
class RandomBoneScale(BaseTransform):
    """Scale every bone length by a random factor, keeping bone directions.

    FR-Head's NTU ``random_scale`` augmentation. Each bone (joint minus its
    parent in the skeleton layout) is multiplied by a factor drawn from
    ``U(1 - scale, 1 + scale)``; the bones of the two joints of a mirror
    pair of the layout share one draw. The skeleton is re-assembled
    from the root, which keeps its position: a joint is its parent's new
    position plus its scaled bone, i.e. the root plus the scaled bones on
    its path to the root (precomputed once as a ``(V, V)`` path matrix, so
    all frames are processed in one product). Padding stays zero.

    Required Keys:

        - keypoint

    Modified Keys:

        - keypoint

    Args:
        layout (str): Name of the skeleton layout (see
            :func:`mmfrhead.skeleton.get_layout`): ``'ntu_ctrgcn'`` or
            ``'nturgb+d'`` (the same bones), ``'nw_ucla'``, ...
            Defaults to ``'ntu_ctrgcn'``.
        scale (float): Largest relative change of a bone length.
            Defaults to 0.2.
    """

    def __init__(self, layout: str = 'ntu_ctrgcn', scale: float = 0.2) -> None:
        skeleton = get_layout(layout)
        self.layout = layout
        self.scale = scale
        self._parents = np.array(skeleton.parents, dtype=np.int64)
        self._root = skeleton.root
        num_joints = skeleton.num_joints
        # paths[v, u] = 1 when bone u lies on the path from joint v to the root
        self._paths = np.zeros((num_joints, num_joints), dtype=np.float32)
        for joint in range(num_joints):
            node = joint
            while node != self._root:
                self._paths[joint, node] = 1
                node = self._parents[node]
        self._factor_of = np.arange(num_joints)
        for left, right in skeleton.mirror:
            self._factor_of[right] = left

    def transform(self, results: Dict) -> Dict:
        """The transform function of :class:`RandomBoneScale`.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        keypoint = results['keypoint']
        _check_joints(self, len(self._parents), keypoint)
        factors = np.random.uniform(1 - self.scale, 1 + self.scale,
                                    len(self._parents))[self._factor_of]
        factors = factors.astype(keypoint.dtype)[:, None]
        bones = (keypoint - keypoint[..., self._parents, :]) * factors
        root = keypoint[..., self._root:self._root + 1, :]
        joints = root + self._paths @ bones
        results['keypoint'] = joints * _present(keypoint)[..., None, None]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(layout={self.layout!r}, '
                f'scale={self.scale})')

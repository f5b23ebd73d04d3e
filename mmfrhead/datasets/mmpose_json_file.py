"""MMPose prediction files: per-frame 2D poses as a skeleton sequence.

MMPose writes the poses it estimates on a video as JSON, in one of two
forms:

- ``MMPoseInferencer`` (``demo/inferencer_demo.py --pred-out-dir``): a list
  over frames, ``[{'frame_id': 0, 'instances': [...]}, ...]``;
- ``demo/topdown_demo_with_mmdet.py --save-predictions``:
  ``{'meta_info': {...}, 'instance_info': [<the same frames>]}``.

Each instance (one detected person) has ``keypoints`` (``K x 2``, pixels)
and ``keypoint_scores`` (``K``), usually also ``bbox`` and ``bbox_score``.
:func:`poses_to_sequence` turns the frames into MMAction2's 2D skeleton
annotation, ``keypoint (M, T, V, 2)`` and ``keypoint_score (M, T, V)``, the
way MMAction2's skeleton demo does (``mmaction.apis.inference_skeleton``):
person ``m`` of frame ``t`` is the ``m``-th instance of that frame, with
no tracking across frames; a frame with fewer persons is zero there. The
instances of a frame are ordered by score first (``bbox_score`` when every
instance of the frame has one, as the detector ranks them, else the mean
keypoint score) and only the first ``num_person`` are kept. Errors name
the file, the frame (its 0-based position in the file) and the instance.
"""
import json
from pathlib import Path
from typing import Dict, List, Optional, Union

import numpy as np

PathType = Union[str, Path]
FORMS = ("a list of frames {'frame_id', 'instances': [...]} or "
         "{'meta_info', 'instance_info': [<frames>]}")


def load_pose_json(path: PathType,
                   num_person: Optional[int] = None,
                   num_joints: Optional[int] = None) -> Dict:
    """Read an MMPose prediction file as one skeleton sequence.

    Args:
        path (str | Path): The ``.json`` file.
        num_person (int, optional): Persons kept per frame, the best
            scored first. Defaults to None: all.
        num_joints (int, optional): Keypoints every instance must have,
            e.g. 17 for the ``'coco'`` layout. Defaults to None: as many as
            the first instance.

    Returns:
        dict: ``frame_dir`` (the file stem) and what
        :func:`poses_to_sequence` returns.

    Raises:
        ValueError: The file is not JSON or not in one of the two forms, or
            an instance is malformed; the message names the file, the frame
            and the instance.
    """
    path = Path(path)
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not valid JSON ({err})') from None
    sequence = poses_to_sequence(content, str(path), num_person, num_joints)
    return dict(frame_dir=path.stem, **sequence)


def poses_to_sequence(predictions: Union[List, Dict],
                      name: str = 'poses',
                      num_person: Optional[int] = None,
                      num_joints: Optional[int] = None) -> Dict:
    """Build the 2D skeleton annotation of MMPose's per-frame predictions.

    Args:
        predictions (list | dict): The content of a prediction file (see
            the module), or the same structure in memory.
        name (str): Name of the predictions in error messages (the file).
            Defaults to ``'poses'``.
        num_person (int, optional): Persons kept per frame, the best
            scored first. Defaults to None: all.
        num_joints (int, optional): Keypoints every instance must have.
            Defaults to None: as many as the first instance.

    Returns:
        dict: float32 ``keypoint`` ``(M, T, V, 2)``, float32
        ``keypoint_score`` ``(M, T, V)`` and ``total_frames`` ``T``, where
        ``M`` is the most persons of a frame (at most ``num_person``).

    Raises:
        ValueError: A malformed file or instance (the message names the
            frame and the instance), no frame, or no person in any frame.
    """
    if isinstance(predictions, dict) and 'instance_info' in predictions:
        predictions = predictions['instance_info']
    if not isinstance(predictions, list):
        raise ValueError(f'{name}: not an MMPose prediction file: expected '
                         f'{FORMS}')
    if not predictions:
        raise ValueError(f'{name}: empty sequence (0 frames)')
    frames = []  # per frame: [(points (V, 2), scores (V, ), box score)]
    expected = None if num_joints is None else (num_joints, '')
    for t, frame in enumerate(predictions):
        if not isinstance(frame, dict) or not isinstance(
                frame.get('instances'), list):
            raise ValueError(f"{name}: frame {t} has no 'instances' list "
                             f'(expected {FORMS})')
        persons = []
        for i, instance in enumerate(frame['instances']):
            persons.append(
                _read_instance(instance, f'{name}: frame {t}, instance {i}',
                               expected))
            if expected is None:
                expected = (len(persons[-1][0]),
                            f' as frame {t}, instance {i}')
        frames.append(_best_first(persons, num_person))
    num_frames, most = len(frames), max(map(len, frames))
    if most == 0:
        raise ValueError(f'{name}: no person in any of its {num_frames} '
                         'frames')
    num_joints = expected[0]
    keypoint = np.zeros((most, num_frames, num_joints, 2), np.float32)
    keypoint_score = np.zeros((most, num_frames, num_joints), np.float32)
    for t, persons in enumerate(frames):
        for m, (points, scores, _) in enumerate(persons):
            keypoint[m, t], keypoint_score[m, t] = points, scores
    return dict(
        keypoint=keypoint,
        keypoint_score=keypoint_score,
        total_frames=num_frames)


def _read_instance(instance, where: str,
                   expected: Optional[tuple]) -> tuple:
    """``(keypoints (K, 2), keypoint_scores (K, ), bbox_score or None)`` of
    one instance; ``expected`` is ``(K, reason)`` or None."""
    if not isinstance(instance, dict):
        raise ValueError(f'{where}: not an object with keypoints and '
                         'keypoint_scores')
    missing = [
        key for key in ('keypoints', 'keypoint_scores') if key not in instance
    ]
    if missing:
        raise ValueError(f'{where}: no {" and no ".join(map(repr, missing))}'
                         f' (it has {sorted(instance)})')
    arrays = []
    for key in ('keypoints', 'keypoint_scores', 'bbox_score'):
        try:
            arrays.append(np.asarray(instance.get(key, np.nan), np.float32))
        except (TypeError, ValueError):
            raise ValueError(f'{where}: {key!r} is ragged or not '
                             'numeric') from None
    points, scores, box_score = arrays
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"{where}: 'keypoints' has shape {points.shape}, "
                         'expected (K, 2)')
    if scores.shape != points.shape[:1]:
        raise ValueError(f"{where}: 'keypoint_scores' has shape "
                         f'{scores.shape}, expected ({len(points)},) as '
                         "'keypoints'")
    if expected is not None and len(points) != expected[0]:
        raise ValueError(f'{where}: {len(points)} keypoints, expected '
                         f'{expected[0]}{expected[1]}')
    if not (np.isfinite(points).all() and np.isfinite(scores).all()):
        raise ValueError(f'{where}: NaN or infinite values')
    box_score = float(box_score.mean()) if 'bbox_score' in instance else None
    return points, scores, box_score


def _best_first(persons: List[tuple],
                num_person: Optional[int]) -> List[tuple]:
    """The persons of one frame by decreasing score, at most num_person:
    by ``bbox_score`` when all have one, else by mean keypoint score."""
    by_box = all(person[2] is not None for person in persons)
    order = sorted(
        persons, key=lambda p: -(p[2] if by_box else float(p[1].mean())))
    return order[:num_person]

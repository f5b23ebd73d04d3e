"""NW-UCLA Multiview Action3D raw JSON files: reading and conversion.

This module reads the raw files; the dataset class is MMAction2's
:class:`~mmaction.datasets.PoseDataset` over the pickle it writes. The raw
release (the one CTR-GCN links to) holds one JSON file per sequence, named
``aAA_sSS_eEE_vVV.json`` (action, subject, episode, view), with content
``{'file_name': str, 'skeletons': T x 20 x 3 floats, 'label': 1..10}``. The
joints are in Kinect v1 SDK order, the skeleton layout ``'nw_ucla'`` of
:mod:`mmfrhead.skeleton`. :func:`load_ucla_json` reads one file;
:func:`convert_ucla` turns the folder into the annotation pickle, with the
standard cross-view splits (train on views 1 and 2, test on view 3).
"""
import json
import pickle
import re
from pathlib import Path
from typing import Dict, List, Optional, Union

import numpy as np

from mmfrhead.skeleton import get_layout
from .class_names import UCLA_CLASSES

NUM_JOINTS = get_layout('nw_ucla').num_joints
# Cross-view protocol: the split each camera view belongs to.
VIEW_SPLITS = {'v01': 'xview_train', 'v02': 'xview_train', 'v03': 'xview_val'}
_NAME_PATTERN = re.compile(r'a\d\d_s\d\d_e\d\d_(v\d\d)')
PathType = Union[str, Path]


def _read_json(path: Path) -> dict:
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not valid JSON ({err})') from None
    if not isinstance(record, dict) or 'skeletons' not in record:
        raise ValueError(f"{path}: no 'skeletons' entry (expected a JSON "
                         "object with 'file_name', 'skeletons', 'label')")
    return record


def _frame_shape(frame) -> Optional[tuple]:
    """Shape of one frame, ``None`` when it is ragged or not numeric."""
    try:
        return np.asarray(frame, dtype=np.float32).shape
    except (TypeError, ValueError):
        return None


def _to_array(skeletons, path: Path) -> np.ndarray:
    if not isinstance(skeletons, list):
        raise ValueError(f"{path}: 'skeletons' is not a list of frames")
    if not skeletons:
        raise ValueError(f'{path}: empty sequence (0 frames)')
    try:
        keypoint = np.asarray(skeletons, dtype=np.float32)
    except (TypeError, ValueError):
        # Only reached for broken files: find the first odd frame.
        expected = (NUM_JOINTS, 3)
        frame = next(t for t, f in enumerate(skeletons)
                     if _frame_shape(f) != expected)
        shape = _frame_shape(skeletons[frame])
        what = ('is ragged or not numeric'
                if shape is None else f'has shape {shape}')
        raise ValueError(f'{path}: ragged frames: frame {frame} {what}, '
                         f'expected {expected}') from None
    if keypoint.ndim != 3:
        raise ValueError(f'{path}: skeletons have shape {keypoint.shape}, '
                         f'expected (T, {NUM_JOINTS}, 3)')
    if keypoint.shape[1] != NUM_JOINTS:
        raise ValueError(f'{path}: wrong joint count: found '
                         f'{keypoint.shape[1]} joints, expected {NUM_JOINTS}')
    if keypoint.shape[2] != 3:
        raise ValueError(f'{path}: wrong coordinate count: found '
                         f'{keypoint.shape[2]} per joint, expected 3')
    bad = np.flatnonzero(~np.isfinite(keypoint).all(axis=(1, 2)))
    if bad.size:
        raise ValueError(f'{path}: NaN/inf coordinates in frame {bad[0]} '
                         f'({bad.size} frame(s) affected)')
    return keypoint


def load_ucla_json(path: PathType) -> np.ndarray:
    """Load the skeleton sequence of one raw NW-UCLA JSON file.

    Args:
        path (str | Path): A file of the ``all_sqe`` folder.

    Returns:
        np.ndarray: float32 coordinates of shape ``(T, 20, 3)``, ``T >= 1``.

    Raises:
        ValueError: The file is not JSON, has no ``'skeletons'``, holds no
            frame, a wrong joint or coordinate count, ragged frames or
            NaN/inf coordinates. The message names the file and the fault.
    """
    path = Path(path)
    return _to_array(_read_json(path)['skeletons'], path)


def load_ucla_label(path: PathType) -> Optional[int]:
    """The 0-based label a raw NW-UCLA file records, if it has a valid one.

    Args:
        path (str | Path): A raw NW-UCLA ``.json`` file.

    Returns:
        int | None: ``label - 1``, or None when the file has no integer
        label in ``1..10``.
    """
    label = _read_json(Path(path)).get('label')
    if type(label) is not int or not 1 <= label <= len(UCLA_CLASSES):
        return None
    return label - 1


def _load_annotation(path: Path) -> dict:
    """Build the PoseDataset annotation of one file; ValueError if broken."""
    name = _NAME_PATTERN.fullmatch(path.stem)
    if not name:
        raise ValueError(f'{path}: file name is not aAA_sSS_eEE_vVV.json')
    if name.group(1) not in VIEW_SPLITS:
        raise ValueError(f'{path}: unknown view {name.group(1)} (expected '
                         f'one of {sorted(VIEW_SPLITS)})')
    record = _read_json(path)
    keypoint = _to_array(record['skeletons'], path)
    label = record.get('label')
    if type(label) is not int or not 1 <= label <= len(UCLA_CLASSES):
        raise ValueError(f'{path}: label {label!r} is not an integer in '
                         f'1..{len(UCLA_CLASSES)}')
    return dict(
        frame_dir=path.stem,
        label=label - 1,
        total_frames=keypoint.shape[0],
        keypoint=keypoint[None])


def convert_ucla(src_dir: PathType, out_file: PathType) -> Dict:
    """Convert the raw NW-UCLA JSON folder to an MMAction2 pose pickle.

    Every ``*.json`` file of ``src_dir`` (sorted by name) becomes one
    annotation ``{'frame_dir': 'a01_s01_e00_v01', 'label': json label - 1,
    'total_frames': T, 'keypoint': float32 (1, T, 20, 3)}``. The splits are
    cross-view: ``'xview_train'`` = views v01 and v02, ``'xview_val'`` = v03
    (1020 / 464 sequences for the full release). Coordinates are stored as
    recorded (no centring, normalisation or padding). The pickle uses
    protocol 4 and the parent folders of ``out_file`` are created.

    No file is skipped: every malformed file (bad name, JSON, skeleton or
    label) is collected, and one ``ValueError`` listing each of them by name
    with its fault is raised before anything is written.

    Args:
        src_dir (str | Path): The ``all_sqe`` folder.
        out_file (str | Path): Path of the pickle to write.

    Returns:
        dict: Summary ``{'out_file': str, 'num_samples': int,
        'num_frames': int, 'splits': {split name: number of samples}}``.
    """
    src_dir = Path(src_dir)
    if not src_dir.is_dir():
        raise FileNotFoundError(f'NW-UCLA JSON folder not found: {src_dir}')
    paths = sorted(src_dir.glob('*.json'))
    if not paths:
        raise ValueError(f'no .json file in {src_dir}')

    annotations: List[dict] = []
    errors: List[str] = []
    for path in paths:
        try:
            annotations.append(_load_annotation(path))
        except ValueError as err:
            errors.append(str(err))
    if errors:
        raise ValueError(f'{len(errors)} of {len(paths)} NW-UCLA files are '
                         'malformed:\n' + '\n'.join(errors))

    split = {name: [] for name in sorted(set(VIEW_SPLITS.values()))}
    for anno in annotations:
        view = anno['frame_dir'][-3:]
        split[VIEW_SPLITS[view]].append(anno['frame_dir'])

    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, 'wb') as f:
        pickle.dump(dict(split=split, annotations=annotations), f, protocol=4)
    return dict(
        out_file=str(out_file),
        num_samples=len(annotations),
        num_frames=sum(a['total_frames'] for a in annotations),
        splits={name: len(names) for name, names in split.items()})

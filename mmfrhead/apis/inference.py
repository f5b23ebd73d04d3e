"""Recognise one skeleton sequence with a trained recognizer.

Example:
    >>> from mmfrhead.apis import (init_recognizer, infer_skeleton,
    ...                            load_skeleton, top_k_classes)
    >>> model = init_recognizer('configs/ctrgcn_frhead_ucla_j.py', 'fr.pth')
    >>> result = infer_skeleton(model, load_skeleton('a01_s01_e00_v03.json'))
    >>> top_k_classes(result.pred_score, k=5, class_names=UCLA_CLASSES)

2D poses from a pose estimator (an MMPose prediction ``.json``) are read
for the model's persons and joints, and need the video's image size for
MMAction2's ``PreNormalize2D``:

    >>> from mmfrhead.apis.inference import model_skeleton
    >>> model = init_recognizer('configs/ctrgcn_frhead_ntu60_xsub_2d_j.py',
    ...                         'fr_2d.pth')
    >>> poses = load_skeleton('video.json', **model_skeleton(model))
    >>> result = infer_skeleton(model, dict(poses, img_shape=(480, 640)))
"""
import copy
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import mmengine
import numpy as np
import torch
import torch.nn as nn
from mmaction.apis import inference_recognizer
from mmaction.apis import init_recognizer as mmaction_init_recognizer
from mmaction.datasets.transforms import PreNormalize2D
from mmaction.structures import ActionDataSample
from mmengine.dataset import Compose

from mmfrhead.apis.checkpoint import load_recognizer_checkpoint
from mmfrhead.datasets.dataset_meta import resolve_dataset_meta
from mmfrhead.datasets.mmpose_json_file import load_pose_json
from mmfrhead.datasets.ntu_skeleton_file import (MissingSkeletonError,
                                                 load_annotation)
from mmfrhead.datasets.nw_ucla_json_file import load_ucla_json, load_ucla_label

PathType = Union[str, Path]
SUFFIXES = ('.skeleton', '.json', '.npy', '.pkl', '.pickle')


def init_recognizer(config: Union[PathType, mmengine.Config],
                    checkpoint: Optional[str] = None,
                    device: Union[str, torch.device] = 'cpu') -> nn.Module:
    """Build a recognizer from a config and load its checkpoint.

    MMAction2's ``init_recognizer`` on the config with its ``dataset_meta``
    resolved (as the training and test tools resolve it, see
    :mod:`mmfrhead.datasets.dataset_meta`), with the classifier set to
    average softmax probabilities over clips, so that ``pred_score`` holds
    class probabilities whatever the config says, and the checkpoint checked by
    :func:`~mmfrhead.apis.load_recognizer_checkpoint` (a checkpoint that
    does not fit the config is an error, not a warning).

    Args:
        config (str | Path | Config): Config file or object (not modified).
        checkpoint (str, optional): Checkpoint file; None keeps the initial
            weights. Defaults to None.
        device (str | torch.device): Device of the model. Defaults to
            ``'cpu'``.

    Returns:
        nn.Module: The recognizer in eval mode, with its config as ``cfg``.
    """
    if isinstance(config, (str, Path)):
        config = mmengine.Config.fromfile(config)
    else:
        config = copy.deepcopy(config)
    resolve_dataset_meta(config)
    config.model.cls_head.average_clips = 'prob'
    model = mmaction_init_recognizer(config, None, 'cpu')
    if checkpoint is not None:
        load_recognizer_checkpoint(model, checkpoint)
    return model.to(device)


def load_skeleton(path: PathType,
                  index: Optional[int] = None,
                  name: Optional[str] = None,
                  num_person: Optional[int] = None,
                  num_joints: Optional[int] = None) -> Dict:
    """Read one skeleton sequence from a file of any supported format.

    * ``.skeleton``: raw NTU RGB+D file, denoised as the converter does;
    * ``.json``: raw NW-UCLA file (one person, an object with
      ``'skeletons'``), or MMPose's 2D pose predictions on a video (see
      :mod:`mmfrhead.datasets.mmpose_json_file`: a list of frames with
      ``instances``, or ``{'instance_info': [...]}``), read with
      ``num_person`` and ``num_joints``;
    * ``.npy``: an array ``(M, T, V, C)``, or ``(T, V, C)`` for one person;
    * ``.pkl``: an MMAction2 pose annotation file (``{'annotations': [...]}``
      or a list of annotations) or a single annotation dict, 3D or 2D (with
      ``keypoint_score``); choose the entry with ``index`` or ``name`` when
      there are several.

    Args:
        path (str | Path): The file.
        index (int, optional): Position of the entry in a ``.pkl``.
            Defaults to None.
        name (str, optional): ``frame_dir`` of the entry in a ``.pkl``.
            Defaults to None.
        num_person (int, optional): MMPose predictions: persons kept per
            frame, the best scored first (:func:`model_skeleton` gives the
            model's). Defaults to None: all.
        num_joints (int, optional): MMPose predictions: keypoints every
            instance must have. Defaults to None: as many as the first.

    Returns:
        dict: ``keypoint`` ``(M, T, V, C)`` and ``frame_dir``, plus the
        other keys of the annotation (``label``, ``keypoint_score``
        ``(M, T, V)``, ``img_shape`` ...) where the file has them, and
        ``classes``, the class names of a ``.pkl`` that records them (as
        ``tools/data/arrays_to_pkl.py`` writes).

    Raises:
        ValueError: For an unsupported, malformed or empty file, or a
            missing entry; the message names the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f'{path}: unsupported file type {suffix!r}, '
                         f'expected one of {SUFFIXES}')
    if suffix == '.skeleton':
        try:
            return load_annotation(path)[0]
        except MissingSkeletonError as err:
            raise ValueError(f'empty sequence: {err}') from None
    if suffix == '.json' and not _is_ucla_json(path):
        return load_pose_json(path, num_person, num_joints)
    if suffix == '.json':
        sequence = dict(
            frame_dir=path.stem, keypoint=load_ucla_json(path)[None])
        label = load_ucla_label(path)
        return sequence if label is None else dict(sequence, label=label)
    if suffix == '.npy':
        keypoint = np.load(path)
        if keypoint.ndim == 3:  # (T, V, C): one person
            keypoint = keypoint[None]
        return dict(frame_dir=path.stem, keypoint=keypoint)
    return _pick_entry(mmengine.load(path), path, index, name)


def _is_ucla_json(path: Path) -> bool:
    """Whether a ``.json`` file is for the NW-UCLA reader: an object with
    ``'skeletons'``, or no JSON at all (which that reader reports)."""
    try:
        content = mmengine.load(path, file_format='json')
    except ValueError:  # not JSON, not UTF-8
        return True
    return isinstance(content, dict) and 'skeletons' in content


def model_skeleton(model: nn.Module) -> Dict[str, Optional[int]]:
    """The persons and joints a recognizer takes, as :func:`load_skeleton`
    takes them.

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer`.

    Returns:
        dict: ``num_person``, that of ``FormatGCNInput`` in the test
        pipeline, and ``num_joints``, the joints of the backbone's graph
        (each None when the model does not say).
    """
    persons = [
        step['num_person'] for step in _test_pipeline(model)
        if step['type'] == 'FormatGCNInput'
    ]
    graph = getattr(model.backbone, 'graph', None)
    return dict(
        num_person=persons[0] if persons else None,
        num_joints=getattr(graph, 'num_node', None))


def _pick_entry(content, path: Path, index: Optional[int],
                name: Optional[str]) -> Dict:
    """The annotation of a pose pickle chosen by ``index`` or ``name``."""
    if isinstance(content, dict) and 'keypoint' in content:
        entries = [content]
    elif isinstance(content, dict) and 'annotations' in content:
        entries = content['annotations']
    elif isinstance(content, list):
        entries = content
    else:
        raise ValueError(f'{path}: not a pose annotation file (expected '
                         "{'annotations': [...]}, a list of annotations or "
                         'one annotation)')
    if not entries:
        raise ValueError(f'{path}: empty annotation file')
    if name is not None:
        found = [e for e in entries if e.get('frame_dir') == name]
        if not found:
            raise ValueError(f'{path}: no sequence named {name!r} among its '
                             f'{len(entries)}')
        return _with_classes(found[0], content)
    if index is None:
        if len(entries) > 1:
            raise ValueError(f'{path} holds {len(entries)} sequences: choose '
                             'one by index or name')
        index = 0
    if not -len(entries) <= index < len(entries):
        raise ValueError(f'{path}: index {index} out of range for '
                         f'{len(entries)} sequences')
    return _with_classes(entries[index], content)


def _with_classes(entry: Dict, content) -> Dict:
    """An entry with the class names its file records, if any."""
    if isinstance(content, dict) and 'classes' in content:
        return dict(entry, classes=list(content['classes']))
    return entry


def infer_skeleton(model: nn.Module,
                   sequence: Union[np.ndarray, Dict],
                   name: Optional[str] = None) -> ActionDataSample:
    """Recognise one sequence with the preprocessing of the test pipeline.

    The sequence goes through the config's
    ``test_dataloader.dataset.pipeline`` (centring, normalisation, frame
    sampling, person padding ...) and ``model.test_step``, as in testing.
    A 2D sequence brings ``keypoint_score`` and, for MMAction2's
    ``PreNormalize2D``, the ``img_shape`` ``(h, w)`` of its video; without
    it ``PreNormalize2D`` uses its default size, with a warning.

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer`.
        sequence (np.ndarray | dict): Coordinates ``(M, T, V, C)`` or
            ``(T, V, C)``, or an annotation dict with ``keypoint`` and
            optionally ``keypoint_score`` ``(M, T, V)`` and ``img_shape``,
            e.g. from :func:`load_skeleton`.
        name (str, optional): Name of the sequence in error messages (the
            file). Defaults to the annotation's ``frame_dir``, else
            ``'sequence'``.

    Returns:
        ActionDataSample: The prediction; ``pred_score`` holds the class
        probabilities when the model comes from :func:`init_recognizer`.

    Raises:
        ValueError: If the sequence is empty, not finite, of the wrong
            dimensions, its joint count differs from the model's graph or
            its channels (with the keypoint score) from the backbone's.
    """
    if not isinstance(sequence, dict):
        sequence = dict(keypoint=sequence)
    name = name or sequence.get('frame_dir') or 'sequence'
    keypoint = _check_keypoint(np.asarray(sequence['keypoint']), model, name)
    data = dict(
        keypoint=keypoint,
        total_frames=keypoint.shape[1],
        frame_dir=sequence.get('frame_dir', name),
        label=-1,
        start_index=0)
    if sequence.get('keypoint_score') is not None:
        data['keypoint_score'] = _check_score(
            np.asarray(sequence['keypoint_score']), keypoint, name)
    for key in ('img_shape', 'original_shape'):
        if sequence.get(key) is not None:
            data[key] = tuple(sequence[key])
    _check_channels(data, model, name)
    pipeline = Compose(_test_pipeline(model))
    for step in pipeline.transforms:
        if isinstance(step, PreNormalize2D) and 'img_shape' not in data:
            warnings.warn(f'{name}: no img_shape (the video\'s height and '
                          'width; tools/infer.py: --img-shape H W): '
                          'PreNormalize2D normalises by its default '
                          f'{step.img_shape}')
    return inference_recognizer(model, data, pipeline)


def _test_pipeline(model: nn.Module) -> List[dict]:
    """The transforms of the model config's test dataset."""
    dataset = model.cfg.test_dataloader.dataset
    while 'pipeline' not in dataset:  # dataset wrappers
        dataset = dataset.dataset
    return dataset.pipeline


def _check_keypoint(keypoint: np.ndarray, model: nn.Module,
                    name: str) -> np.ndarray:
    """``(M, T, V, C)`` float32 coordinates, checked against the model."""
    if keypoint.ndim == 3:
        keypoint = keypoint[None]
    if keypoint.ndim != 4:
        raise ValueError(f'{name}: keypoint has shape {keypoint.shape}, '
                         'expected (M, T, V, C) or (T, V, C)')
    if 0 in keypoint.shape:
        raise ValueError(f'{name}: empty sequence, keypoint has shape '
                         f'(M, T, V, C)={keypoint.shape}')
    if not np.isfinite(keypoint).all():
        raise ValueError(f'{name}: NaN or infinite coordinates')
    num_joints = model_skeleton(model)['num_joints'] or keypoint.shape[2]
    if keypoint.shape[2] != num_joints:
        raise ValueError(
            f'{name}: wrong joint count: the sequence has '
            f'{keypoint.shape[2]} joints, the model '
            f'({type(model.backbone).__name__}) expects {num_joints}')
    return keypoint.astype(np.float32)


def _check_score(score: np.ndarray, keypoint: np.ndarray,
                 name: str) -> np.ndarray:
    """``(M, T, V)`` float32 keypoint scores of ``keypoint``."""
    if score.shape != keypoint.shape[:3]:
        raise ValueError(f'{name}: keypoint_score has shape {score.shape}, '
                         f'expected (M, T, V)={keypoint.shape[:3]} as '
                         'keypoint')
    if not np.isfinite(score).all():
        raise ValueError(f'{name}: NaN or infinite keypoint scores')
    return score.astype(np.float32)


def _check_channels(data: dict, model: nn.Module, name: str) -> None:
    """The channels per joint (with the score) match the backbone's input,
    where the backbone says its ``in_channels`` and the streams that
    ``GenSkeFeat`` or ``SkeletonPreprocessor`` concatenate divide it."""
    streams = len(getattr(model.data_preprocessor, 'feats', 'j'))
    for step in _test_pipeline(model):
        if step['type'] == 'GenSkeFeat':
            streams *= len(step.get('feats', 'j'))
    in_channels = getattr(model.backbone, 'in_channels', None)
    if not in_channels or in_channels % streams:
        return
    channels = data['keypoint'].shape[-1] + ('keypoint_score' in data)
    if channels != in_channels // streams:
        what = ' (x, y) and no keypoint_score' if channels == 2 else ''
        raise ValueError(
            f'{name}: the sequence has {channels} channels per joint{what}, '
            f'the model ({type(model.backbone).__name__}) expects '
            f'{in_channels // streams}')


def top_k_classes(
    scores: Union[torch.Tensor, np.ndarray],
    k: int = 5,
    class_names: Optional[Sequence[str]] = None
) -> List[Tuple[int, str, float]]:
    """The ``k`` best classes of a prediction, best first.

    Args:
        scores (torch.Tensor | np.ndarray): Class scores ``(K, )``.
        k (int): Number of classes. Defaults to 5.
        class_names (Sequence[str], optional): Names of the K classes;
            without them a class is named by its index. Defaults to None.

    Returns:
        list[tuple[int, str, float]]: ``(label, name, score)`` triples.
    """
    if isinstance(scores, torch.Tensor):
        scores = scores.detach().cpu().numpy()
    best = np.argsort(-scores, kind='stable')[:k]
    return [(int(c), class_names[c] if class_names else str(c),
             float(scores[c])) for c in best]

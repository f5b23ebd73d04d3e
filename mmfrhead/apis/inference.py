"""Recognise one skeleton sequence with a trained recognizer.

Example:
    >>> from mmfrhead.apis import (init_recognizer, infer_skeleton,
    ...                            load_skeleton, top_k_classes)
    >>> model = init_recognizer('configs/ctrgcn_frhead_ucla_j.py', 'fr.pth')
    >>> result = infer_skeleton(model, load_skeleton('a01_s01_e00_v03.json'))
    >>> top_k_classes(result.pred_score, k=5, class_names=UCLA_CLASSES)
"""
import copy
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import mmengine
import numpy as np
import torch
import torch.nn as nn
from mmaction.apis import inference_recognizer
from mmaction.apis import init_recognizer as mmaction_init_recognizer
from mmaction.structures import ActionDataSample
from mmengine.dataset import Compose

from mmfrhead.apis.checkpoint import load_recognizer_checkpoint
from mmfrhead.datasets.ntu_skeleton_file import (MissingSkeletonError,
                                                 load_annotation)
from mmfrhead.datasets.nw_ucla_json_file import load_ucla_json

PathType = Union[str, Path]
SUFFIXES = ('.skeleton', '.json', '.npy', '.pkl', '.pickle')


def init_recognizer(config: Union[PathType, mmengine.Config],
                    checkpoint: Optional[str] = None,
                    device: Union[str, torch.device] = 'cpu') -> nn.Module:
    """Build a recognizer from a config and load its checkpoint.

    MMAction2's ``init_recognizer``, with the classifier set to average
    softmax probabilities over clips, so that ``pred_score`` holds class
    probabilities whatever the config says, and the checkpoint checked by
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
    config.model.cls_head.average_clips = 'prob'
    model = mmaction_init_recognizer(config, None, 'cpu')
    if checkpoint is not None:
        load_recognizer_checkpoint(model, checkpoint)
    return model.to(device)


def load_skeleton(path: PathType,
                  index: Optional[int] = None,
                  name: Optional[str] = None) -> Dict:
    """Read one skeleton sequence from a file of any supported format.

    * ``.skeleton``: raw NTU RGB+D file, denoised as the converter does;
    * ``.json``: raw NW-UCLA file (one person);
    * ``.npy``: an array ``(M, T, V, C)``, or ``(T, V, C)`` for one person;
    * ``.pkl``: an MMAction2 pose annotation file (``{'annotations': [...]}``
      or a list of annotations) or a single annotation dict; choose the
      entry with ``index`` or ``name`` when there are several.

    Args:
        path (str | Path): The file.
        index (int, optional): Position of the entry in a ``.pkl``.
            Defaults to None.
        name (str, optional): ``frame_dir`` of the entry in a ``.pkl``.
            Defaults to None.

    Returns:
        dict: ``keypoint`` ``(M, T, V, C)`` and ``frame_dir``, plus the
        other keys of the annotation (``label`` ...) where the file has them.

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
    if suffix == '.json':
        return dict(frame_dir=path.stem, keypoint=load_ucla_json(path)[None])
    if suffix == '.npy':
        keypoint = np.load(path)
        if keypoint.ndim == 3:  # (T, V, C): one person
            keypoint = keypoint[None]
        return dict(frame_dir=path.stem, keypoint=keypoint)
    return _pick_entry(mmengine.load(path), path, index, name)


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
        return found[0]
    if index is None:
        if len(entries) > 1:
            raise ValueError(f'{path} holds {len(entries)} sequences: choose '
                             'one by index or name')
        index = 0
    if not -len(entries) <= index < len(entries):
        raise ValueError(f'{path}: index {index} out of range for '
                         f'{len(entries)} sequences')
    return entries[index]


def infer_skeleton(model: nn.Module,
                   sequence: Union[np.ndarray, Dict],
                   name: Optional[str] = None) -> ActionDataSample:
    """Recognise one sequence with the preprocessing of the test pipeline.

    The sequence goes through the config's
    ``test_dataloader.dataset.pipeline`` (centring, normalisation, frame
    sampling, person padding ...) and ``model.test_step``, as in testing.

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer`.
        sequence (np.ndarray | dict): Coordinates ``(M, T, V, C)`` or
            ``(T, V, C)``, or an annotation dict with ``keypoint``, e.g. from
            :func:`load_skeleton`.
        name (str, optional): Name of the sequence in error messages (the
            file). Defaults to the annotation's ``frame_dir``, else
            ``'sequence'``.

    Returns:
        ActionDataSample: The prediction; ``pred_score`` holds the class
        probabilities when the model comes from :func:`init_recognizer`.

    Raises:
        ValueError: If the sequence is empty, not finite, of the wrong
            dimensions, or its joint count differs from the model's graph.
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
    dataset = model.cfg.test_dataloader.dataset
    while 'pipeline' not in dataset:  # dataset wrappers
        dataset = dataset.dataset
    return inference_recognizer(model, data, Compose(dataset.pipeline))


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
    graph = getattr(model.backbone, 'graph', None)
    num_joints = getattr(graph, 'num_node', keypoint.shape[2])
    if keypoint.shape[2] != num_joints:
        raise ValueError(
            f'{name}: wrong joint count: the sequence has '
            f'{keypoint.shape[2]} joints, the model '
            f'({type(model.backbone).__name__}) expects {num_joints}')
    return keypoint.astype(np.float32)


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

"""The score dump: the file between testing and offline analysis.

``tools/test.py --dump`` writes it (:class:`mmfrhead.evaluation.DumpScores`),
``tools/analysis/fuse.py`` and ``tools/analysis/analyze.py`` read it; scores
made by other code are fused and analysed once saved in this format with
:func:`make_dump` and :func:`save_dump`. A dump is a pickled dict, one row
per test sample in dataset order::

    {'names':    list[str],          # frame_dir of every sample
     'labels':   int64 (N, ),        # ground-truth labels
     'logits':   float32 (N, K),     # raw class scores (averaged over clips)
     'probs':    float32 (N, K),     # softmax(logits)
     'classes':  list[str],          # optional: class names
     'features': float32 (N, C)}     # optional: pooled classifier inputs

The module needs numpy only.
"""
import pickle
from pathlib import Path
from typing import Dict, Optional, Sequence, Union

import numpy as np

REQUIRED_KEYS = ('names', 'labels', 'logits', 'probs')


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, computed in float64.

    Args:
        scores (np.ndarray): Scores of shape ``(N, K)``.

    Returns:
        np.ndarray: float64 probabilities of shape ``(N, K)``.
    """
    scores = np.asarray(scores, dtype=np.float64)
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def make_dump(names: Sequence[str],
              labels: Sequence[int],
              logits: np.ndarray,
              classes: Optional[Sequence[str]] = None,
              features: Optional[np.ndarray] = None) -> Dict:
    """Assemble a dump; ``probs`` is computed from ``logits``.

    Args:
        names (Sequence[str]): Sample names (``frame_dir``).
        labels (Sequence[int]): Ground-truth labels.
        logits (np.ndarray): Raw class scores ``(N, K)``.
        classes (Sequence[str], optional): Class names. Defaults to None.
        features (np.ndarray, optional): Per-sample features ``(N, C)``.
            Defaults to None.

    Returns:
        dict: The dump (see the module docstring).
    """
    logits = np.asarray(logits, dtype=np.float32)
    dump = dict(
        names=list(names),
        labels=np.asarray(labels, dtype=np.int64),
        logits=logits,
        probs=softmax(logits).astype(np.float32))
    if classes is not None:
        dump['classes'] = list(classes)
    if features is not None:
        dump['features'] = np.asarray(features, dtype=np.float32)
    check_dump(dump)
    return dump


def check_dump(dump: Dict, source: str = 'dump') -> None:
    """Raise a ``ValueError`` naming ``source`` if ``dump`` is malformed.

    Args:
        dump (dict): A loaded dump.
        source (str): Name used in the messages (the file). Defaults to
            ``'dump'``.
    """
    if not isinstance(dump, dict):
        raise ValueError(f'{source}: not a score dump (a dict with keys '
                         f'{REQUIRED_KEYS}), got {type(dump).__name__}')
    missing = [key for key in REQUIRED_KEYS if key not in dump]
    if missing:
        raise ValueError(f'{source}: missing keys {missing}; write dumps '
                         'with tools/test.py CONFIG CHECKPOINT --dump x.pkl '
                         'or mmfrhead.analysis.make_dump and save_dump')
    num = len(dump['names'])
    if num == 0:
        raise ValueError(f'{source}: the dump holds no sample')
    num_classes = dump['logits'].shape[1]
    shapes = dict(
        labels=(num, ), logits=(num, num_classes), probs=(num, num_classes))
    if 'features' in dump:
        shapes['features'] = (num, dump['features'].shape[-1])
    for key, shape in shapes.items():
        if dump[key].shape != shape:
            raise ValueError(f'{source}: {key} has shape {dump[key].shape}, '
                             f'expected {shape} ({num} names)')
    if 'classes' in dump and len(dump['classes']) != num_classes:
        raise ValueError(f'{source}: {len(dump["classes"])} class names for '
                         f'{num_classes} classes')


def save_dump(dump: Dict, path: Union[str, Path]) -> None:
    """Write a dump with pickle, creating the parent folders.

    Args:
        dump (dict): The dump.
        path (str | Path): Output ``.pkl`` file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'wb') as file:
        pickle.dump(dump, file, protocol=4)


def load_dump(path: Union[str, Path]) -> Dict:
    """Read and check a dump written by :func:`save_dump`.

    Args:
        path (str | Path): The ``.pkl`` file.

    Returns:
        dict: The dump.

    Raises:
        ValueError: If the file is not a well-formed dump; the message names
            the file.
    """
    with open(path, 'rb') as file:
        dump = pickle.load(file)
    check_dump(dump, str(path))
    return dump


def check_same_samples(dumps: Sequence[Dict], sources: Sequence[str]) -> None:
    """Check that dumps hold the same samples, labels and classes, in order.

    Args:
        dumps (Sequence[dict]): Loaded dumps.
        sources (Sequence[str]): Their names (files), for the messages.

    Raises:
        ValueError: Naming the two files and the first differing sample.
    """
    ref, ref_source = dumps[0], sources[0]
    for dump, source in zip(dumps[1:], sources[1:]):
        for index, (a, b) in enumerate(zip(ref['names'], dump['names'])):
            if a != b:
                raise ValueError(
                    f'{source} and {ref_source} differ at sample {index}: '
                    f'{b!r} vs {a!r}; fused or compared dumps must hold the '
                    'same samples in the same order')
        num, ref_num = len(dump['names']), len(ref['names'])
        if num != ref_num:
            longer, longer_source = ((dump, source) if num > ref_num else
                                     (ref, ref_source))
            index = min(num, ref_num)
            raise ValueError(
                f'{source} has {num} samples and {ref_source} {ref_num}: '
                f'sample {index} {longer["names"][index]!r} of '
                f'{longer_source} has no counterpart')
        wrong = np.flatnonzero(dump['labels'] != ref['labels'])
        if wrong.size:
            raise ValueError(
                f'{source} and {ref_source} give sample '
                f'{ref["names"][wrong[0]]!r} different labels '
                f'({dump["labels"][wrong[0]]} vs {ref["labels"][wrong[0]]})')
        if dump['logits'].shape[1] != ref['logits'].shape[1]:
            raise ValueError(
                f'{source} has {dump["logits"].shape[1]} classes, '
                f'{ref_source} {ref["logits"].shape[1]}')

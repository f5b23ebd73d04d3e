"""A folder of per-sample skeleton arrays plus a labels CSV: conversion.

"Bring your own skeletons": one file per sample in a folder, named after
the sample, and a CSV file that labels them. :func:`convert_arrays` turns
them into the MMAction2 pose annotation pickle that MMAction2's
:class:`~mmaction.datasets.PoseDataset` reads.

Sample files (``<sample>.npy`` or ``<sample>.json``):

- ``.npy``: a numeric array ``(T, V, C)`` (one person) or ``(M, T, V, C)``.
- ``.json``: the same array as nested lists, or an object
  ``{"keypoint": <(T, V, C) or (M, T, V, C)>, "keypoint_score": <(T, V) or
  (M, T, V)>}`` where ``keypoint_score`` (e.g. the confidences of a 2D pose
  estimator) is optional.

``T`` frames (at least one), ``V`` joints and ``C`` coordinates per joint,
``M`` persons. ``V``, ``C`` and the presence of ``keypoint_score`` must be
the same for every sample; ``T`` and ``M`` may vary. Values are stored as
float32, as given (no centring, normalisation or padding).

Labels CSV (a header line, then one row per sample): the columns ``sample``
(the file name without suffix; a ``.npy`` or ``.json`` suffix is dropped)
and ``label``, and optionally ``subject``, ``view`` and ``camera`` (for the
splits). Other columns are ignored. Labels are either all 0-based integer
class ids, or class names, mapped to ids in sorted (Python string) order.
With ``classes`` (a list of names), a label is a name of the list or an
integer id into it, and any other label is an error.

Output::

    {'split': {'train': [frame_dir, ...], 'val': [...]},
     'annotations': [{'frame_dir': sample, 'label': int, 'total_frames': T,
                      'keypoint': float32 (M, T, V, C),
                      'keypoint_score': float32 (M, T, V)}, ...],  # optional
     'classes': [name of label 0, name of label 1, ...]}  # when names known

Annotations are sorted by sample name. A file of the folder without a CSV
row is left out with a warning (listed in the summary), so a folder may
hold unlabelled samples; a CSV row without a file is an error. Every other
fault is an error too: all of them are collected and raised as one
``ValueError``, one line per fault naming the file (or the CSV line), the
sample and what is wrong, before anything is written.
"""
import csv
import json
import pickle
import re
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

SUFFIXES = ('.npy', '.json')
SPLIT_RULES = ('subject', 'view', 'camera', 'random')
PathType = Union[str, Path]
_INT = re.compile(r'[+-]?\d+')


def _keypoint_array(value, path: Path, what: str) -> np.ndarray:
    """``value`` as a float32 array; ValueError if ragged or not numeric."""
    try:
        array = np.asarray(value)
    except ValueError:  # numpy >= 1.24: inhomogeneous nested lists
        array = np.asarray(None)
    if array.dtype.kind not in 'iuf':
        raise ValueError(f'{path}: {what} is ragged or not numeric '
                         f'(dtype {array.dtype})')
    return array.astype(np.float32)


def _read_npy(path: Path) -> np.ndarray:
    try:
        value = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as err:
        raise ValueError(f'{path}: not a numeric .npy array ({err})') from None
    if not isinstance(value, np.ndarray):
        raise ValueError(f'{path}: not a .npy array file')
    return _keypoint_array(value, path, 'the array')


def _read_json(path: Path) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not valid JSON ({err})') from None
    if isinstance(record, dict):
        if 'keypoint' not in record:
            raise ValueError(f"{path}: no 'keypoint' entry (expected a nested "
                             "list or {'keypoint': ..., 'keypoint_score': "
                             '...})')
        score = record.get('keypoint_score')
        if score is not None:
            score = _keypoint_array(score, path, "'keypoint_score'")
        return _keypoint_array(record['keypoint'], path, "'keypoint'"), score
    return _keypoint_array(record, path, 'the nested list'), None


def load_array_file(
        path: PathType) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Load and check the sequence of one sample file.

    Args:
        path (str | Path): A ``.npy`` or ``.json`` file (see the module).

    Returns:
        tuple[np.ndarray, np.ndarray | None]: float32 ``keypoint`` of shape
        ``(M, T, V, C)`` (a ``(T, V, C)`` array gets ``M = 1``) and float32
        ``keypoint_score`` ``(M, T, V)``, or None when the file has none.

    Raises:
        ValueError: The file is not a numeric array of 3 or 4 dimensions,
            holds no frame, joint, coordinate or person, has NaN/inf values,
            or a ``keypoint_score`` of another shape than ``(M, T, V)``. The
            message names the file and the fault.
    """
    path = Path(path)
    if path.suffix.lower() == '.npy':
        keypoint, score = _read_npy(path), None
    elif path.suffix.lower() == '.json':
        keypoint, score = _read_json(path)
    else:
        raise ValueError(f'{path}: unsupported file type {path.suffix!r}, '
                         f'expected one of {SUFFIXES}')
    if keypoint.ndim == 3:  # (T, V, C): one person
        keypoint = keypoint[None]
        if score is not None and score.ndim == 2:
            score = score[None]
    if keypoint.ndim < 3 and keypoint.size == 0:  # e.g. a JSON []
        raise ValueError(f'{path}: empty sequence (0 frames)')
    if keypoint.ndim != 4:
        raise ValueError(f'{path}: wrong ndim: shape {keypoint.shape}, '
                         'expected (T, V, C) or (M, T, V, C)')
    if keypoint.shape[1] == 0:
        raise ValueError(f'{path}: empty sequence (0 frames)')
    if 0 in keypoint.shape:
        raise ValueError(f'{path}: shape {keypoint.shape} (M, T, V, C) has '
                         'no person, joint or coordinate')
    if score is not None and score.shape != keypoint.shape[:3]:
        raise ValueError(f"{path}: 'keypoint_score' has shape {score.shape}, "
                         f'expected (M, T, V) = {keypoint.shape[:3]}')
    for name, values in (('coordinates', keypoint), ('scores', score)):
        if values is None:
            continue
        bad = np.flatnonzero(
            ~np.isfinite(values.reshape(*values.shape[:2], -1)).all(
                axis=(0, 2)))
        if bad.size:
            raise ValueError(f'{path}: NaN/inf {name} in frame {bad[0]} '
                             f'({bad.size} frame(s) affected)')
    return keypoint, score


def read_labels(csv_file: PathType) -> List[Dict[str, str]]:
    """Read the rows of a labels CSV.

    Args:
        csv_file (str | Path): CSV with a header line and the columns
            ``sample`` and ``label`` (optional: ``subject``, ``view``,
            ``camera``).

    Returns:
        list[dict]: Per row, its stripped values by column name and
        ``'line'``, its 1-based line number.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: No header, no ``sample`` or ``label`` column, or no row.
    """
    csv_file = Path(csv_file)
    if not csv_file.is_file():
        raise FileNotFoundError(f'labels CSV not found: {csv_file}')
    with open(csv_file, newline='', encoding='utf-8-sig') as f:
        reader = csv.DictReader(f)
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in ('sample', 'label') if c not in columns]
        if missing:
            raise ValueError(f'{csv_file}: no {missing} column(s); the header '
                             f'line has {columns} (expected sample,label and '
                             'optionally subject, view, camera)')
        rows = []
        for row in reader:
            # Short rows have None values, long ones a None key.
            values = {
                k.strip(): (v or '').strip()
                for k, v in row.items() if k is not None
            }
            if any(values.values()):  # skip blank lines
                rows.append(dict(values, line=str(reader.line_num)))
    if not rows:
        raise ValueError(f'{csv_file}: no sample row')
    return rows


def _sample_name(value: str) -> str:
    suffix = Path(value).suffix.lower()
    return value[:-len(suffix)] if suffix in SUFFIXES else value


def _label_ids(rows: List[dict], where: Dict[str, str],
               classes: Optional[Sequence[str]]) -> Tuple[dict, list, list]:
    """Map the label of every row to a 0-based id.

    Returns:
        tuple: ``{sample: id}``, the class names (None if unknown) and the
        error lines.
    """
    errors, ids = [], {}
    labels = {row['sample']: row['label'] for row in rows}
    if classes is not None:
        index = {name: i for i, name in enumerate(classes)}
        for sample, label in labels.items():
            if label in index:
                ids[sample] = index[label]
            elif _INT.fullmatch(label) and 0 <= int(label) < len(classes):
                ids[sample] = int(label)
            else:
                errors.append(f'{where[sample]}: sample {sample!r} has '
                              f'unknown label {label!r}, not one of the '
                              f'{len(classes)} given classes (names or '
                              f'ids 0..{len(classes) - 1})')
        return ids, list(classes), errors
    integers = {s for s, label in labels.items() if _INT.fullmatch(label)}
    if integers and len(integers) < len(labels):
        name = next(s for s in labels if s not in integers)
        number = next(s for s in labels if s in integers)
        return {}, None, [
            f'{where[name]}: sample {name!r} has label {labels[name]!r} but '
            f'{where[number]} (sample {number!r}) has the integer '
            f'{labels[number]!r}: use class names or 0-based ids, not both '
            '(or list the class names with classes / --classes)'
        ]
    if integers:
        for sample, label in labels.items():
            if int(label) < 0:
                errors.append(f'{where[sample]}: sample {sample!r} has '
                              f'unknown label {label}: ids are 0-based')
            ids[sample] = int(label)
        return ids, None, errors
    names = sorted(set(labels.values()))
    index = {name: i for i, name in enumerate(names)}
    return {s: index[label] for s, label in labels.items()}, names, []


def _split_value(value: str) -> str:
    """Split values compare as integers when they are (``'01' == '1'``)."""
    return str(int(value)) if _INT.fullmatch(value) else value


def _value_order(value: str) -> tuple:
    return (0, int(value), '') if _INT.fullmatch(value) else (1, 0, value)


def _rule_split(rows: List[dict], rule: str, train_values: Sequence[str],
                csv_file: Path) -> Tuple[set, List[str], List[str]]:
    """The train samples under a subject/view/camera rule.

    Returns:
        tuple: The train samples, the error and the warning lines (train
        values that no sample has).
    """
    errors = [
        f'{csv_file}, line {row["line"]}: sample {row["sample"]!r} has no '
        f'{rule} value (needed by the {rule!r} split)' for row in rows
        if not row[rule]
    ]
    wanted = {_split_value(str(v).strip()) for v in train_values}
    found = {_split_value(row[rule]) for row in rows if row[rule]}
    warnings = [
        f'{csv_file}: no sample has {rule} {value} (a train value); the '
        f'{rule}s are {sorted(found, key=_value_order)}'
        for value in sorted(wanted - found, key=_value_order)
    ]
    train = {
        row['sample']
        for row in rows if _split_value(row[rule]) in wanted
    }
    return train, errors, warnings


def _random_split(ids: Dict[str, int], val_fraction: float,
                  seed: int) -> set:
    """The train samples of a seeded split stratified per class: of each
    class's ``n`` samples (sorted by name, then shuffled),
    ``round(n * val_fraction)``, at most ``n - 1``, go to the val split."""
    if not 0 < val_fraction < 1:
        raise ValueError(
            f'val_fraction must lie in (0, 1), got {val_fraction}')
    rng = np.random.default_rng(seed)
    train = set()
    for label in sorted(set(ids.values())):
        samples = sorted(s for s, i in ids.items() if i == label)
        order = rng.permutation(len(samples))
        num_val = min(int(len(samples) * val_fraction + 0.5),
                      len(samples) - 1)
        train.update(samples[i] for i in order[num_val:])
    return train


def _find_files(src_dir: Path, rows: List[dict], csv_file: Path,
                where: Dict[str, str]) -> Tuple[dict, List[str], List[str]]:
    """Match the CSV samples to the files of ``src_dir``.

    Returns:
        tuple: ``{sample: path}``, the error and the warning lines.
    """
    files: Dict[str, List[Path]] = {}
    for path in sorted(src_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            files.setdefault(path.stem, []).append(path)
    errors, found = [], {}
    for row in rows:
        sample = row['sample']
        paths = files.get(sample, [])
        if not paths:
            errors.append(f'{where[sample]}: sample {sample!r} has no file '
                          f'{sample}.npy or {sample}.json in {src_dir}')
        elif len(paths) > 1:
            errors.append(f'{where[sample]}: sample {sample!r} has several '
                          f'files {[p.name for p in paths]}; keep one')
        else:
            found[sample] = paths[0]
    warnings = [
        f'{paths[0]} (sample {stem!r}): no row in {csv_file}; not converted'
        for stem, paths in files.items() if stem not in where
    ]
    return found, errors, warnings


def _check_rows(rows: List[dict],
                csv_file: Path) -> Tuple[List[dict], dict, List[str]]:
    """Normalise the sample names; find empty and repeated entries.

    Returns:
        tuple: The valid rows, ``{sample: 'CSV, line N'}`` and the error
        lines.
    """
    errors, where, kept = [], {}, []
    for row in rows:
        line = f'{csv_file}, line {row["line"]}'
        row['sample'] = _sample_name(row['sample'])
        if not row['sample']:
            errors.append(f'{line}: empty sample name')
        elif row['sample'] in where:
            errors.append(f'{line}: sample {row["sample"]!r} repeats '
                          f'{where[row["sample"]]}')
        elif not row['label']:
            errors.append(f'{line}: sample {row["sample"]!r} has no label')
        else:
            where[row['sample']] = line
            kept.append(row)
    return kept, where, errors


def _in_sample(message: str, path: Path, sample: str) -> str:
    """``'<path>: fault'`` as ``'<path> (sample <sample>): fault'``."""
    prefix = f'{path}: '
    if message.startswith(prefix):
        message = message[len(prefix):]
    return f'{path} (sample {sample!r}): {message}'


# What must be the same for all samples: (what, value of an annotation).
_CONSISTENT = (
    ('joints', lambda a: a['keypoint'].shape[2]),
    ('coordinates per joint', lambda a: a['keypoint'].shape[3]),
    ('keypoint_score', lambda a: 'keypoint_score' in a),
)


def _describe(what: str, value) -> str:
    if what == 'keypoint_score':
        return what if value else f'no {what}'
    return f'{value} {what}'


def _check_consistent(annotations: List[dict],
                      paths: Dict[str, Path]) -> List[str]:
    """Errors for the samples whose V, C or scores differ from most."""
    errors = []
    for what, get in _CONSISTENT:
        counts = Counter(get(a) for a in annotations)
        if len(counts) < 2:
            continue
        common = counts.most_common(1)[0][0]
        example = next(a['frame_dir'] for a in annotations
                       if get(a) == common)
        for anno in annotations:
            if get(anno) != common:
                name = anno['frame_dir']
                errors.append(
                    f'{paths[name]} (sample {name!r}): inconsistent samples: '
                    f'it has {_describe(what, get(anno))}, but '
                    f'{counts[common]} of the {len(annotations)} samples '
                    f'have {_describe(what, common)} (e.g. sample '
                    f'{example!r})')
    return errors


def convert_arrays(src_dir: PathType,
                   labels_csv: PathType,
                   out_file: PathType,
                   split: str = 'random',
                   train_values: Optional[Sequence[str]] = None,
                   val_fraction: float = 0.2,
                   seed: int = 0,
                   split_names: Sequence[str] = ('train', 'val'),
                   classes: Optional[Sequence[str]] = None) -> Dict:
    """Convert a folder of sample arrays and a labels CSV to a pose pickle.

    See the module docstring for the input and output formats. The split is
    one of:

    - ``'subject'``, ``'view'`` or ``'camera'``: the samples whose CSV value
      of that column is in ``train_values`` form the first split, all others
      the second. Values compare as integers when both are (``1`` matches
      ``01``), else as text.
    - ``'random'``: seeded and stratified per class: of each class's ``n``
      samples, ``round(n * val_fraction)`` chosen at random form the second
      split, the others the first; every class keeps at least one sample
      in the first split.

    Args:
        src_dir (str | Path): Folder of the ``<sample>.npy`` and
            ``<sample>.json`` files.
        labels_csv (str | Path): The labels CSV.
        out_file (str | Path): Pickle to write (protocol 4; its folder is
            created).
        split (str): ``'subject'``, ``'view'``, ``'camera'`` or
            ``'random'``. Defaults to ``'random'``.
        train_values (Sequence[str], optional): The column values of the
            first split (subject, view and camera splits only).
        val_fraction (float): Share of each class in the second split
            (random split only). Defaults to 0.2.
        seed (int): Seed of the random split. Defaults to 0.
        split_names (Sequence[str]): Names of the two splits. Defaults to
            ``('train', 'val')``.
        classes (Sequence[str], optional): Class names in label order; the
            CSV labels must be among them (as names or ids). Defaults to
            None: the labels define the classes.

    Returns:
        dict: Summary: ``out_file`` (str), ``classes`` (list[str] | None),
        ``num_classes`` (max label + 1), ``splits`` (``{name: number of
        samples}``), ``per_class`` (``{name: samples of each label}``),
        ``frames``, ``persons`` (``(min, max)``), ``joints``, ``channels``
        (int), ``keypoint_score`` (bool) and ``warnings`` (list[str]).

    Raises:
        FileNotFoundError: ``src_dir`` or ``labels_csv`` does not exist.
        ValueError: Bad options, or every fault of the input (see the
            module docstring), one line each.
    """
    src_dir, csv_file = Path(src_dir), Path(labels_csv)
    if not src_dir.is_dir():
        raise FileNotFoundError(f'sample folder not found: {src_dir}')
    if split not in SPLIT_RULES:
        raise ValueError(f'unknown split rule {split!r}, expected one of '
                         f'{SPLIT_RULES}')
    if len(split_names) != 2 or len(set(split_names)) != 2:
        raise ValueError(f'split_names must be two different names, got '
                         f'{list(split_names)}')
    if split == 'random' and train_values:
        raise ValueError('train_values are for the subject, view and camera '
                         'splits, not the random one')
    if split != 'random' and not train_values:
        raise ValueError(f'the {split!r} split needs train values (the '
                         f'{split}s of the {split_names[0]!r} split)')
    table = read_labels(csv_file)
    if split != 'random' and split not in table[0]:
        raise ValueError(
            f'{csv_file}: no {split!r} column, needed by the {split!r} '
            f'split; the columns are {[c for c in table[0] if c != "line"]}')
    rows, where, errors = _check_rows(table, csv_file)
    paths, file_errors, warnings = _find_files(src_dir, rows, csv_file, where)
    ids, class_names, label_errors = _label_ids(rows, where, classes)
    errors += file_errors + label_errors
    if split != 'random':
        train, split_errors, split_warnings = _rule_split(
            rows, split, train_values, csv_file)
        errors += split_errors
        warnings += split_warnings
    annotations = []
    for sample in sorted(paths):
        try:
            keypoint, score = load_array_file(paths[sample])
        except ValueError as err:
            errors.append(_in_sample(str(err), paths[sample], sample))
            continue
        anno = dict(
            frame_dir=sample,
            label=ids.get(sample, -1),
            total_frames=keypoint.shape[1],
            keypoint=keypoint)
        if score is not None:
            anno['keypoint_score'] = score
        annotations.append(anno)
    errors += _check_consistent(annotations, paths)
    if errors:
        raise ValueError(f'{len(errors)} problem(s) in {csv_file} and '
                         f'{src_dir}:\n' + '\n'.join(errors))
    if split == 'random':
        train = _random_split(ids, val_fraction, seed)
    names = [a['frame_dir'] for a in annotations]
    splits = {
        split_names[0]: [n for n in names if n in train],
        split_names[1]: [n for n in names if n not in train]
    }
    for name, members in splits.items():
        if not members:
            raise ValueError(f'split {name!r} would be empty ({split} split '
                             f'of {len(names)} samples); change the '
                             'train values or the val fraction')
    content = dict(split=splits, annotations=annotations)
    if class_names is not None:
        content['classes'] = class_names
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, 'wb') as f:
        pickle.dump(content, f, protocol=4)
    return _summary(content, out_file, class_names, warnings)


def _summary(content: dict, out_file: Path, classes: Optional[List[str]],
             warnings: List[str]) -> Dict:
    annotations = content['annotations']
    label = {a['frame_dir']: a['label'] for a in annotations}
    num_classes = max(label.values()) + 1
    if classes is not None:
        num_classes = max(num_classes, len(classes))
    per_class = {}
    for name, members in content['split'].items():
        counts = Counter(label[n] for n in members)
        per_class[name] = [counts[i] for i in range(num_classes)]
    first = annotations[0]['keypoint']
    persons = [a['keypoint'].shape[0] for a in annotations]
    frames = [a['total_frames'] for a in annotations]
    return dict(
        out_file=str(out_file),
        classes=classes,
        num_classes=num_classes,
        splits={n: len(m) for n, m in content['split'].items()},
        per_class=per_class,
        frames=(min(frames), max(frames)),
        persons=(min(persons), max(persons)),
        joints=first.shape[2],
        channels=first.shape[3],
        keypoint_score='keypoint_score' in annotations[0],
        warnings=warnings)

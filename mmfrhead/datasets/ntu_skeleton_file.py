"""NTU RGB+D 60/120 raw ``.skeleton`` files: parsing, body selection, splits.

This module reads the raw files; the dataset class is MMAction2's
:class:`~mmaction.datasets.PoseDataset` over the pickle that
``tools/data/ntu_skeleton_to_pkl.py`` writes. A raw file (Kinect v2 SDK
dump) is, one record per line::

    frameCount
    per frame:  bodyCount
      per body: bodyID + 9 body values          (10 values)
                jointCount                       (25)
                jointCount lines of 12 values    (x y z depthX depthY colorX
                                                  colorY orientationWXYZ
                                                  trackingState)

The joints are in Kinect v2 SDK order, the skeleton layout ``'nturgb+d'``
(and ``'ntu_ctrgcn'``) of :mod:`mmfrhead.skeleton`.

:func:`read_skeleton` parses a file into per-body tracks, :func:`select_bodies`
keeps at most two actors (``'denoise'`` or ``'energy'`` rule) and
:func:`load_annotation` turns a file into one MMAction2 ``PoseDataset``
annotation. :func:`build_splits` gives the official cross-subject,
cross-view (NTU-60) and cross-setup (NTU-120) splits.
"""
import itertools
import re
from pathlib import Path
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np

from mmfrhead.skeleton import get_layout

NUM_JOINTS = get_layout('nturgb+d').num_joints
JOINT_VALUES = 12
BODY_VALUES = 10

# Official training performers (cross-subject) and cameras (cross-view).
NTU60_XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28,
                    31, 34, 35, 38)
NTU120_XSUB_TRAIN = NTU60_XSUB_TRAIN + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82,
    83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
NTU60_XVIEW_TRAIN_CAMERAS = (2, 3)
# NTU-60 is the subset of NTU-120 with setups 1-17 and actions 1-60.
NTU60_MAX_SETUP = 17
NTU60_MAX_ACTION = 60
BENCHMARKS = ('ntu60', 'ntu120')
# The dataset's official lists of samples with missing skeletons (302 and
# 535 names, NTU-120's including NTU-60's), one name a line.
META_DIR = Path(__file__).parent / 'meta'
BODY_SELECTIONS = ('denoise', 'energy')

# SGN / CTR-GCN denoising thresholds.
NOISE_LENGTH = 11
NOISE_SPREAD_XY = 0.8
NOISE_SPREAD_RATIO = 0.69754
# MMAction2 ``gen_ntu_rgbd_raw.py``: body slots read per frame, actors kept.
ENERGY_SLOTS = 4
MAX_ACTORS = 2

_NAME_RE = re.compile(r'S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})')


class MissingSkeletonError(Exception):
    """Raised for a well-formed file in which no frame holds any body.

    These are the "samples with missing skeletons" of the NTU release: they
    are skipped, not reported as malformed.
    """


# ----------------------------------------------------------------- parsing --
class _Lines:
    """Cursor over the lines of a raw file that raises located errors.

    Args:
        path (str): File name used in the error messages.
        lines (list[str]): The lines of the file.
    """

    def __init__(self, path: str, lines: List[str]):
        self.path = path
        self.lines = lines
        self.pos = 0

    def error(self, index: int, reason: str) -> ValueError:
        """Build the error for the 0-based line ``index``."""
        return ValueError(f'{self.path}, line {index + 1}: {reason}')

    def take(self, num_lines: int, what: str) -> int:
        """Consume ``num_lines`` lines and return the index of the first."""
        start = self.pos
        if start + num_lines > len(self.lines):
            raise self.error(
                len(self.lines), f'truncated file: expected {what}, but the '
                f'file ends after {len(self.lines)} lines')
        self.pos += num_lines
        return start

    def count(self, what: str) -> int:
        """Consume a line holding one non-negative integer and return it."""
        index = self.take(1, what)
        tokens = self.lines[index].split()
        if len(tokens) != 1:
            raise self.error(
                index, f'wrong number of values: expected 1 ({what}), '
                f'got {len(tokens)}')
        if not tokens[0].isdigit():
            raise self.error(index, _token_problem(tokens[0], what))
        return int(tokens[0])

    def body_id(self, what: str) -> Tuple[int, int]:
        """Consume a body info line; return its index and its bodyID."""
        index = self.take(1, what)
        tokens = self.lines[index].split()
        if len(tokens) != BODY_VALUES:
            raise self.error(
                index, f'wrong number of values: expected {BODY_VALUES} '
                f'({what}), got {len(tokens)}')
        if not tokens[0].isdigit():
            raise self.error(index, _token_problem(tokens[0], 'bodyID'))
        return index, int(tokens[0])

    def check_end(self, num_frames: int) -> None:
        """Raise if anything but blank lines follows the declared frames."""
        for index in range(self.pos, len(self.lines)):
            if self.lines[index].strip():
                raise self.error(
                    index, f'trailing content after the {num_frames} '
                    'declared frames (declared counts inconsistent)')


def _token_problem(token: str, what: str) -> str:
    """Describe why ``token`` is not a valid ``what``."""
    try:
        float(token)
    except ValueError:
        return f'non-numeric token {token!r} ({what})'
    return f'expected a non-negative integer ({what}), got {token!r}'


def _parse_lines(cursor: _Lines, indices: List[int], width: int,
                 what: str) -> np.ndarray:
    """Parse the lines at ``indices`` as one float table.

    The fast path is a single ``np.loadtxt`` call; a table it cannot read
    goes to :func:`_parse_lines_slowly`, which names the offending line.

    Args:
        cursor (_Lines): The file being parsed.
        indices (list[int]): 0-based indices of the lines.
        width (int): Values expected on every line.
        what (str): Line kind, for the error messages.

    Returns:
        np.ndarray: float64 array of shape ``(len(indices), width)``.
    """
    if not indices:
        return np.zeros((0, width))
    rows = [cursor.lines[index] for index in indices]
    try:
        table = np.loadtxt(rows, comments=None, ndmin=2)
    except ValueError:
        table = None
    if (table is not None and table.shape == (len(rows), width)
            and np.isfinite(table).all()):
        return table
    return _parse_lines_slowly(cursor, indices, width, what)


def _parse_lines_slowly(cursor: _Lines, indices: List[int], width: int,
                        what: str) -> np.ndarray:
    """Line-by-line version of :func:`_parse_lines` that locates errors."""
    table = np.zeros((len(indices), width))
    for row, index in enumerate(indices):
        tokens = cursor.lines[index].split()
        if len(tokens) != width:
            raise cursor.error(
                index, f'wrong number of values: expected {width} ({what}), '
                f'got {len(tokens)}')
        for column, token in enumerate(tokens):
            try:
                table[row, column] = float(token)
            except ValueError:
                raise cursor.error(
                    index, f'non-numeric token {token!r} ({what})') from None
            if not np.isfinite(table[row, column]):
                raise cursor.error(index,
                                   f'non-finite value {token!r} ({what})')
    return table


def read_skeleton(path: Union[str, Path]) -> dict:
    """Parse a raw NTU RGB+D ``.skeleton`` file into per-body tracks.

    The file is read once; the header lines are walked in Python and all
    joint lines are then converted by one ``np.loadtxt`` call. Every value of
    every line is checked, the unused ones included.

    Args:
        path (str | Path): The ``.skeleton`` file.

    Returns:
        dict: ``num_frames`` (int, the declared frame count) and ``bodies``,
        a dict from bodyID (int) to, in order of first appearance, a dict
        with ``frames`` (int64 ``(T_b,)``, the frame indices where the body
        appears), ``slots`` (int64 ``(T_b,)``, its position in each frame's
        body list) and ``xyz`` (float32 ``(T_b, 25, 3)``, camera-space
        metres).

    Raises:
        ValueError: For a malformed file. The message names the file, the
            1-based line number and the reason: truncated file, wrong joint
            count, non-numeric token, wrong number of values on a line, or
            trailing content (declared counts inconsistent).
    """
    path = str(path)
    try:
        with open(path, encoding='ascii') as file:
            lines = file.read().splitlines()
    except UnicodeDecodeError as err:
        raise ValueError(f'{path}: not an ASCII text file ({err})') from None
    cursor = _Lines(path, lines)
    num_frames = cursor.count('frameCount')
    ids, frames, slots, info_lines, joint_starts = [], [], [], [], []
    for frame in range(num_frames):
        in_frame = f'frame {frame + 1}/{num_frames}'
        num_bodies = cursor.count(f'bodyCount, {in_frame}')
        seen = set()
        for slot in range(num_bodies):
            where = f'{in_frame}, body {slot + 1}/{num_bodies}'
            index, body_id = cursor.body_id(f'body info line, {where}')
            if body_id in seen:
                raise cursor.error(
                    index, f'bodyID {body_id} repeated in {in_frame} '
                    '(declared counts inconsistent)')
            seen.add(body_id)
            num_joints = cursor.count(f'jointCount, {where}')
            if num_joints != NUM_JOINTS:
                raise cursor.error(
                    cursor.pos - 1, f'wrong joint count: expected '
                    f'{NUM_JOINTS}, got {num_joints} ({where})')
            joint_starts.append(
                cursor.take(NUM_JOINTS, f'{NUM_JOINTS} joint lines, {where}'))
            info_lines.append(index)
            ids.append(body_id)
            frames.append(frame)
            slots.append(slot)
    cursor.check_end(num_frames)
    _parse_lines(cursor, info_lines, BODY_VALUES, 'body info line')
    joint_lines = [
        index for start in joint_starts
        for index in range(start, start + NUM_JOINTS)
    ]
    joints = _parse_lines(cursor, joint_lines, JOINT_VALUES, 'joint line')
    xyz = joints[:, :3].astype(np.float32).reshape(-1, NUM_JOINTS, 3)
    return dict(
        num_frames=num_frames,
        bodies=_group_bodies(ids, np.array(frames), np.array(slots), xyz))


def _group_bodies(ids: List[int], frames: np.ndarray, slots: np.ndarray,
                  xyz: np.ndarray) -> Dict[int, dict]:
    """Group the body occurrences of a file by bodyID."""
    occurrences: Dict[int, List[int]] = {}
    for row, body_id in enumerate(ids):
        occurrences.setdefault(body_id, []).append(row)
    return {
        body_id: dict(frames=frames[rows], slots=slots[rows], xyz=xyz[rows])
        for body_id, rows in occurrences.items()
    }


# ---------------------------------------------------------- body selection --
def body_motion(xyz: np.ndarray) -> float:
    """Motion of a body: summed variance over time of its 75 coordinates.

    Args:
        xyz (np.ndarray): ``(T_b, 25, 3)`` coordinates of the body's frames.

    Returns:
        float: ``sum(var(xyz.reshape(T_b, -1), axis=0))``.
    """
    return float(np.sum(np.var(xyz.reshape(len(xyz), -1), axis=0)))


def is_spread_noise(xyz: np.ndarray) -> bool:
    """SGN's spread rule: is the body mostly wider than it is tall?

    Per frame, ``x_spread = max(x) - min(x)`` and ``y_spread = max(y) -
    min(y)`` over the 25 joints; a frame is noisy when ``x_spread > 0.8 *
    y_spread``. The body is noise when the fraction of its frames that are
    noisy exceeds 0.69754.

    Args:
        xyz (np.ndarray): ``(T_b, 25, 3)`` coordinates of the body's frames.

    Returns:
        bool: True for a noise body.
    """
    spread = xyz.max(axis=1) - xyz.min(axis=1)
    noisy = spread[:, 0] > NOISE_SPREAD_XY * spread[:, 1]
    return bool(noisy.mean() > NOISE_SPREAD_RATIO)


def _denoise(bodies: Dict[int, dict]) -> List[int]:
    """Apply the length then the spread rule; return the kept bodyIDs.

    A rule only runs while more than one body is left: a lone body is kept
    as is (SGN does the same), rather than removed and then restored by the
    fallback of :func:`_select_denoise`.
    """
    kept = list(bodies)
    if len(kept) > 1:
        kept = [i for i in kept if len(bodies[i]['frames']) > NOISE_LENGTH]
    if len(kept) > 1:
        kept = [i for i in kept if not is_spread_noise(bodies[i]['xyz'])]
    return kept


def _assign_actors(ranked: List[int], bodies: dict) -> List[List[int]]:
    """Merge bodies, ranked by decreasing motion, into at most two actors.

    The first body starts actor 1. Each following body joins actor 1 when its
    frame range ``[first, last]`` shares no frame with actor 1's range, else
    actor 2 under the same condition (actor 2 starts empty), else it is
    dropped. An actor's range grows to cover every body it absorbs. This is
    SGN's assignment (by frame range, not by exact frame sets).
    """
    actors: List[List[int]] = []
    spans: List[Tuple[int, int]] = []
    for body_id in ranked:
        frames = bodies[body_id]['frames']
        first, last = int(frames[0]), int(frames[-1])
        for actor, (start, end) in enumerate(spans):
            if last < start or first > end:
                actors[actor].append(body_id)
                spans[actor] = (min(start, first), max(end, last))
                break
        else:
            if len(actors) < MAX_ACTORS:
                actors.append([body_id])
                spans.append((first, last))
    return actors


def _select_denoise(skeleton: dict) -> Tuple[np.ndarray, List[str]]:
    """The ``'denoise'`` rule (SGN / CTR-GCN); see :func:`select_bodies`."""
    bodies = skeleton['bodies']
    warnings = []
    motion = {i: body_motion(body['xyz']) for i, body in bodies.items()}
    kept = _denoise(bodies)
    if not kept:
        kept = [max(motion, key=motion.get)]
        warnings.append(f'denoising removed all {len(bodies)} bodies; kept '
                        f'the highest-motion body {kept[0]}')
    ranked = sorted(kept, key=motion.get, reverse=True)
    actors = _assign_actors(ranked, bodies)
    keypoint = np.zeros((len(actors), skeleton['num_frames'], NUM_JOINTS, 3),
                        np.float32)
    for actor, members in enumerate(actors):
        for body_id in members:
            keypoint[actor, bodies[body_id]['frames']] = bodies[body_id]['xyz']
    present = np.zeros(skeleton['num_frames'], bool)
    for body_id in itertools.chain.from_iterable(actors):
        present[bodies[body_id]['frames']] = True
    return keypoint[:, present], warnings


def _select_energy(skeleton: dict) -> Tuple[np.ndarray, List[str]]:
    """The ``'energy'`` rule (MMAction2); see :func:`select_bodies`."""
    slots = np.zeros((ENERGY_SLOTS, skeleton['num_frames'], NUM_JOINTS, 3),
                     np.float32)
    for body in skeleton['bodies'].values():
        inside = body['slots'] < ENERGY_SLOTS
        slots[body['slots'][inside], body['frames'][inside]] = \
            body['xyz'][inside]
    energy = np.array([_energy(track) for track in slots])
    best = np.argsort(-energy, kind='stable')[:MAX_ACTORS]
    kept = [slot for slot in best if slots[slot].any()]
    warnings = []
    if not kept:
        kept = best[:1]
        warnings.append('every body has all-zero coordinates; kept one')
    return slots[kept], warnings


def _energy(track: np.ndarray) -> float:
    """MMAction2's body energy: std of x, y and z over the non-zero frames.

    Each std is taken over all joints of the frames whose coordinate sum is
    not zero; the three are summed.
    """
    valid = track[track.sum(axis=(1, 2)) != 0]
    if not len(valid):
        return 0.0
    return float(sum(valid[..., c].std() for c in range(3)))


def select_bodies(skeleton: dict,
                  mode: str = 'denoise') -> Tuple[np.ndarray, List[str]]:
    """Keep at most two actors of a parsed file.

    ``'denoise'`` (SGN / CTR-GCN, what the FR Head paper's numbers use):

    1. if the file has more than one bodyID, drop the bodies present in at
       most 11 frames;
    2. if more than one body is left, drop the bodies that
       :func:`is_spread_noise` flags;
    3. rank the survivors by :func:`body_motion` and merge them into at most
       two actors with :func:`_assign_actors`.

    The output covers only the frames in which a kept actor appears (SGN
    removes the other frames). If denoising removes every body, the
    highest-motion body is kept and a warning is returned.

    ``'energy'`` (MMAction2 ``gen_ntu_rgbd_raw.py``): bodies are read by
    their position in each frame's body list (slots 0-3, not by bodyID),
    the two slots of largest :func:`_energy` are kept in decreasing energy
    order and the all-zero ones dropped; no length or spread rule. All
    ``frameCount`` frames are kept.

    Args:
        skeleton (dict): Output of :func:`read_skeleton` with at least one
            body.
        mode (str): ``'denoise'`` or ``'energy'``. Defaults to ``'denoise'``.

    Returns:
        tuple[np.ndarray, list[str]]: float32 keypoint ``(M, T, 25, 3)``
        with ``1 <= M <= 2`` and zeros where an actor is absent, and the
        warnings raised on the way.
    """
    if mode not in BODY_SELECTIONS:
        raise ValueError(f'mode must be one of {BODY_SELECTIONS}, got {mode}')
    if mode == 'denoise':
        return _select_denoise(skeleton)
    return _select_energy(skeleton)


# ------------------------------------------------------------ names, splits --
def missing_skeleton_list(benchmark: str) -> Path:
    """The official list of samples with missing skeletons of a benchmark.

    Args:
        benchmark (str): ``'ntu60'`` or ``'ntu120'``.

    Returns:
        Path: The list file shipped in ``mmfrhead/datasets/meta``.
    """
    if benchmark not in BENCHMARKS:
        raise ValueError(f'unknown benchmark {benchmark!r}, expected one of '
                         f'{BENCHMARKS}')
    return META_DIR / f'{benchmark}_samples_with_missing_skeletons.txt'


def parse_sample_name(name: str) -> Dict[str, int]:
    """Parse an ``SsssCcccPpppRrrrAaaa`` sample name.

    Args:
        name (str): Sample name or file name (a ``.skeleton`` suffix and
            folders are ignored).

    Returns:
        dict: int ``setup``, ``camera``, ``performer``, ``replication`` and
        ``action`` (1-based, as in the name).

    Raises:
        ValueError: If the name does not follow the pattern.
    """
    stem = Path(name).name.split('.')[0]
    match = _NAME_RE.fullmatch(stem)
    if match is None:
        raise ValueError(
            f'{name}: sample name does not match SsssCcccPpppRrrrAaaa')
    keys = ('setup', 'camera', 'performer', 'replication', 'action')
    return dict(zip(keys, map(int, match.groups())))


def in_benchmark(name: str, benchmark: str) -> bool:
    """Whether a sample belongs to ``'ntu60'`` (S001-S017, A001-A060) or
    ``'ntu120'`` (every sample)."""
    if benchmark not in BENCHMARKS:
        raise ValueError(f'benchmark must be one of {BENCHMARKS}, '
                         f'got {benchmark}')
    info = parse_sample_name(name)
    return benchmark == 'ntu120' or (info['setup'] <= NTU60_MAX_SETUP
                                     and info['action'] <= NTU60_MAX_ACTION)


def sample_splits(name: str, benchmark: str) -> List[str]:
    """The official split keys a sample belongs to.

    NTU-60: ``xsub_*`` (training performers :data:`NTU60_XSUB_TRAIN`) and
    ``xview_*`` (training cameras 2 and 3). NTU-120: ``xsub_*`` (training
    performers :data:`NTU120_XSUB_TRAIN`) and ``xset_*`` (even setup ids
    train).

    Args:
        name (str): Sample name ``SsssCcccPpppRrrrAaaa``.
        benchmark (str): ``'ntu60'`` or ``'ntu120'``.

    Returns:
        list[str]: Two keys, e.g. ``['xsub_train', 'xview_val']``.
    """
    if not in_benchmark(name, benchmark):
        raise ValueError(f'{name} is not part of {benchmark}')
    info = parse_sample_name(name)
    part = {True: 'train', False: 'val'}
    if benchmark == 'ntu60':
        xsub = info['performer'] in NTU60_XSUB_TRAIN
        return [
            f'xsub_{part[xsub]}',
            f'xview_{part[info["camera"] in NTU60_XVIEW_TRAIN_CAMERAS]}'
        ]
    xsub = info['performer'] in NTU120_XSUB_TRAIN
    return [f'xsub_{part[xsub]}', f'xset_{part[info["setup"] % 2 == 0]}']


def build_splits(names: Sequence[str], benchmark: str) -> Dict[str, List[str]]:
    """Group sample names into the official splits of ``benchmark``.

    Args:
        names (Sequence[str]): Sample names, kept in this order.
        benchmark (str): ``'ntu60'`` or ``'ntu120'``.

    Returns:
        dict[str, list[str]]: All four split keys of the benchmark
        (``xsub/xview_train/val`` or ``xsub/xset_train/val``), possibly empty.
    """
    second = 'xview' if benchmark == 'ntu60' else 'xset'
    splits = {
        f'{kind}_{part}': []
        for kind in ('xsub', second)
        for part in ('train', 'val')
    }
    for name in names:
        for key in sample_splits(name, benchmark):
            splits[key].append(name)
    return splits


def load_annotation(path: Union[str, Path],
                    body_selection: str = 'denoise') -> Tuple[dict, List[str]]:
    """Convert one raw file into an MMAction2 ``PoseDataset`` annotation.

    Args:
        path (str | Path): ``SsssCcccPpppRrrrAaaa.skeleton`` file.
        body_selection (str): ``'denoise'`` or ``'energy'``, see
            :func:`select_bodies`. Defaults to ``'denoise'``.

    Returns:
        tuple[dict, list[str]]: The annotation (``frame_dir``, ``label`` =
        action - 1, ``total_frames``, float32 ``keypoint`` ``(M, T, 25, 3)``)
        and the body-selection warnings.

    Raises:
        ValueError: For a malformed file or file name.
        MissingSkeletonError: If no frame of the file holds a body.
    """
    name = Path(path).name.split('.')[0]
    label = parse_sample_name(name)['action'] - 1
    skeleton = read_skeleton(path)
    if not skeleton['bodies']:
        raise MissingSkeletonError(
            f'{path}: no body in any of its {skeleton["num_frames"]} frames')
    keypoint, warnings = select_bodies(skeleton, body_selection)
    annotation = dict(
        frame_dir=name,
        label=label,
        total_frames=keypoint.shape[1],
        keypoint=keypoint)
    return annotation, warnings


def convert_file(path: Union[str, Path],
                 body_selection: str = 'denoise') -> Tuple[str, str, object]:
    """:func:`load_annotation` that reports instead of raising (pool task).

    Args:
        path (str | Path): ``SsssCcccPpppRrrrAaaa.skeleton`` file.
        body_selection (str): ``'denoise'`` or ``'energy'``. Defaults to
            ``'denoise'``.

    Returns:
        tuple[str, str, object]: ``(status, sample name, payload)``:
        ``('ok', name, (annotation, warnings))``, ``('missing', name,
        message)`` for a file without bodies, or ``('error', name, message)``
        for a malformed or unreadable file.
    """
    name = Path(path).name.split('.')[0]
    try:
        return 'ok', name, load_annotation(path, body_selection)
    except MissingSkeletonError as err:
        return 'missing', name, str(err)
    except (OSError, ValueError) as err:
        return 'error', name, str(err)

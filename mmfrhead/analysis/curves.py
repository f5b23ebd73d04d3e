"""Training curves from the scalar logs of MMEngine runs.

MMEngine writes one JSON object per line to ``vis_data/scalars.json`` (the
``LocalVisBackend``) and to ``vis_data/<timestamp>.json`` (the
``LoggerHook``): training lines carry ``epoch``, ``iter`` and the logged
values (``loss``, ``loss_cls``, ``loss_fr``, ``lr``, ...); validation lines
carry the metrics (``acc/top1``, ...) and ``step``, the epoch. A resumed
run starts a new timestamped folder in the same work dir; the curves join
them, the later line winning where two runs logged the same step.
"""
import json
from pathlib import Path
from typing import Dict, List, Union

import numpy as np


def scalar_files(path: Union[str, Path]) -> List[Path]:
    """The scalar logs of a work dir, a run folder or one file, oldest first.

    Args:
        path (str | Path): A work dir (holding ``<timestamp>/vis_data``
            folders), one ``<timestamp>`` folder, or a ``.json`` log.

    Returns:
        list[Path]: ``scalars.json`` of each run folder, or its
        ``<timestamp>.json`` where the visualizer wrote none.
    """
    path = Path(path)
    if path.is_file():
        return [path]
    folders = sorted({p.parent for p in path.glob('**/vis_data/*.json')})
    files = []
    for folder in folders:
        scalars = folder / 'scalars.json'
        files.append(scalars if scalars.exists() else
                     sorted(folder.glob('*.json'))[-1])
    if not files:
        raise FileNotFoundError(
            f'{path}: no MMEngine scalar log (vis_data/*.json) found')
    return files


def load_scalars(path: Union[str, Path]) -> Dict[str, List[dict]]:
    """Read the training and validation lines of a run.

    Args:
        path (str | Path): See :func:`scalar_files`.

    Returns:
        dict: ``train``: the training lines sorted by global ``step``;
        ``val``: the validation lines sorted by epoch (``step``).
    """
    train, val = {}, {}
    for file in scalar_files(path):
        for number, line in enumerate(file.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f'{file}, line {number}: not JSON ({error})') from None
            if 'step' not in record:
                raise ValueError(f'{file}, line {number}: no "step" key')
            target = train if 'iter' in record else val
            target[record['step']] = record
    return dict(
        train=[train[k] for k in sorted(train)],
        val=[val[k] for k in sorted(val)])


def epoch_curves(scalars: Dict[str, List[dict]]) -> Dict[str, np.ndarray]:
    """Per-epoch curves: the mean of each training value over the logged
    iterations of the epoch, and each validation metric.

    Args:
        scalars (dict): The output of :func:`load_scalars`.

    Returns:
        dict: ``epoch`` (the epochs with training lines), one array per
        training key (``loss_cls``, ``lr``, ...), ``val_epoch`` and one
        array per validation metric (``acc/top1``, ...).
    """
    curves = {}
    epochs = sorted({r['epoch'] for r in scalars['train']})
    curves['epoch'] = np.array(epochs)
    skip = {'epoch', 'iter', 'step'}
    keys = sorted({k for r in scalars['train'] for k in r} - skip)
    for key in keys:
        curves[key] = np.array([
            np.mean([r[key] for r in scalars['train']
                     if r['epoch'] == e and key in r] or [np.nan])
            for e in epochs
        ])
    val = scalars['val']
    curves['val_epoch'] = np.array([r['step'] for r in val])
    for key in sorted({k for r in val for k in r} - skip -
                      {'data_time', 'time'}):
        curves[key] = np.array([r.get(key, np.nan) for r in val])
    return curves


def median_step_time(scalars: Dict[str, List[dict]],
                     from_epoch: int = 1) -> float:
    """Median logged ``time`` (seconds per training iteration, data loading
    included) of the training lines from epoch ``from_epoch`` (1-based) on.

    Args:
        scalars (dict): The output of :func:`load_scalars`.
        from_epoch (int): First epoch counted. Defaults to 1.

    Returns:
        float: The median, NaN where no line has a ``time``.
    """
    times = [
        r['time'] for r in scalars['train']
        if 'time' in r and r['epoch'] >= from_epoch
    ]
    return float(np.median(times)) if times else float('nan')

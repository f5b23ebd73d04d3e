"""Late fusion of the score dumps of several streams (joint, bone, ...)."""
import itertools
from typing import Dict, Sequence, Tuple

import numpy as np

# Weights of the streams in the reference code's ensemble scripts (applied to
# raw scores): joint, bone, joint motion and bone motion in the FR Head /
# CTR-GCN ``ensemble.py``; joint, bone and joint motion (AimCLR's three
# streams, linear-evaluation logits) in AimCLR's ``ensemble_*.py``.
PRESETS: Dict[str, Tuple[float, ...]] = {
    'ntu60_xsub': (2., 2., 1., 1.),
    'ntu60_xview': (0.6, 0.6, 0.4, 0.4),
    'ntu120_xsub': (0.6, 0.75, 0.3, 0.15),
    'ntu120_xset': (0.6, 0.75, 0.3, 0.15),
    'ucla': (0.6, 0.6, 0.4, 0.4),
    'aimclr_3s': (0.6, 0.6, 0.4),
}
DEFAULT_GRID = (0., 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.)
# Fused scores evaluated at once by search_weights: 2**25 float64 (256 MiB).
_SEARCH_BLOCK = 2**25


def check_disjoint(val_dump: Dict, test_dump: Dict, val_source: str,
                   test_source: str) -> None:
    """Refuse a weight search whose validation samples are test samples.

    Args:
        val_dump (dict): A dump of the validation split.
        test_dump (dict): A dump of the test split.
        val_source (str): File of ``val_dump``, for the message.
        test_source (str): File of ``test_dump``, for the message.

    Raises:
        ValueError: Naming a sample present in both.
    """
    shared = set(val_dump['names']).intersection(test_dump['names'])
    if shared:
        raise ValueError(
            f'{len(shared)} samples of {val_source} are also in '
            f'{test_source} (e.g. {sorted(shared)[0]!r}): search the weights '
            'on a validation split, never on the test split')


def fuse_scores(dumps: Sequence[Dict],
                weights: Sequence[float],
                use_softmax: bool = False) -> np.ndarray:
    """Weighted sum of the class scores of several dumps.

    Args:
        dumps (Sequence[dict]): Dumps of the same samples.
        weights (Sequence[float]): One weight per dump.
        use_softmax (bool): Sum probabilities (``probs``) instead of raw
            scores (``logits``). The choice changes the result. Defaults to
            False, as the reference ensembles.

    Returns:
        np.ndarray: float64 fused scores ``(N, K)``.
    """
    if len(weights) != len(dumps):
        raise ValueError(f'{len(weights)} weights for {len(dumps)} dumps')
    key = 'probs' if use_softmax else 'logits'
    return sum(weight * dump[key].astype(np.float64)
               for weight, dump in zip(weights, dumps))


def search_weights(
        dumps: Sequence[Dict],
        grid: Sequence[float] = DEFAULT_GRID,
        use_softmax: bool = False) -> Tuple[Tuple[float, ...], float]:
    """Find the fusion weights of best top-1 accuracy on the given dumps.

    Every combination of ``grid`` values (one per dump, not all zero) is
    tried; among equally accurate ones the first in
    ``itertools.product(grid, repeat=len(dumps))`` order wins. Give it dumps
    of a validation split only: weights chosen on the test split overstate
    the test accuracy.

    Args:
        dumps (Sequence[dict]): Dumps of the same (validation) samples.
        grid (Sequence[float]): Candidate values of each weight. Defaults to
            ``0, 0.1, ..., 1``.
        use_softmax (bool): Fuse probabilities instead of raw scores.
            Defaults to False.

    Returns:
        tuple: The best weights (tuple of float) and their top-1 accuracy.
    """
    key = 'probs' if use_softmax else 'logits'
    scores = np.stack([dump[key] for dump in dumps]).astype(np.float64)
    labels = dumps[0]['labels']
    combos = [c for c in itertools.product(grid, repeat=len(dumps)) if any(c)]
    combos = np.array(combos, dtype=np.float64)
    block = max(1, _SEARCH_BLOCK // labels.size // scores.shape[2])
    best, best_acc = None, -1.
    for start in range(0, len(combos), block):
        fused = np.einsum('cs,snk->cnk', combos[start:start + block], scores)
        accs = (fused.argmax(axis=2) == labels).mean(axis=1)
        if accs.max() > best_acc:
            best_acc = float(accs.max())
            best = tuple(combos[start + int(accs.argmax())].tolist())
    return best, best_acc

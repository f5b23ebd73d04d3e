"""Difficulty tiers of the FR Head paper, Sec. 4.5 (Table 4).

Classes whose accuracy under a reference model (the baseline, CTR-GCN in
the paper) is below 70 % are *hard*, from 70 % to 90 % *medium*, above 90 %
*easy*; each model is scored on the samples of every tier.
"""
from typing import Dict, Sequence

import numpy as np

TIERS = ('hard', 'medium', 'easy')
TIER_THRESHOLDS = (0.7, 0.9)


def difficulty_tiers(
        class_accuracy: np.ndarray,
        thresholds: Sequence[float] = TIER_THRESHOLDS
) -> Dict[str, np.ndarray]:
    """Split the classes into hard, medium and easy by their accuracy.

    Args:
        class_accuracy (np.ndarray): Per-class accuracy ``(K, )`` of the
            reference model, NaN for a class without samples (in no tier).
        thresholds (Sequence[float]): ``(low, high)``: hard ``< low``,
            medium ``low <= acc <= high``, easy ``> high``. Defaults to
            ``(0.7, 0.9)``.

    Returns:
        dict[str, np.ndarray]: The class indices of ``'hard'``, ``'medium'``
        and ``'easy'``.
    """
    low, high = thresholds  # NaN compares False: in no tier
    return dict(
        hard=np.flatnonzero(class_accuracy < low),
        medium=np.flatnonzero((class_accuracy >= low)
                              & (class_accuracy <= high)),
        easy=np.flatnonzero(class_accuracy > high))


def tier_accuracy(preds: np.ndarray, labels: np.ndarray,
                  classes: Sequence[int]) -> float:
    """Accuracy on the samples whose label is one of ``classes``.

    Args:
        preds (np.ndarray): Predicted labels ``(N, )``.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        classes (Sequence[int]): The classes of the tier.

    Returns:
        float: The accuracy, NaN if no sample belongs to the tier.
    """
    inside = np.isin(labels, classes)
    if not inside.any():
        return float('nan')
    return float((preds[inside] == labels[inside]).mean())

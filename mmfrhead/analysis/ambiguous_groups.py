"""Ambiguous groups of the FR Head paper, Sec. 4.5 (Table 5, Fig. 5).

For an anchor class, the reference model's misclassified samples of that
class are gathered and the three classes they are most often predicted as
join the anchor; a group's accuracy is the mean of the per-class accuracies
of its classes.
"""
from typing import List, Sequence

import numpy as np


def ambiguous_group(preds: np.ndarray,
                    labels: np.ndarray,
                    anchor: int,
                    size: int = 3) -> List[int]:
    """The anchor class and the classes its samples are mistaken for most.

    Args:
        preds (np.ndarray): Predicted labels ``(N, )`` of the reference
            model.
        labels (np.ndarray): Ground-truth labels ``(N, )``.
        anchor (int): The anchor class.
        size (int): Number of confused classes kept; fewer when the anchor's
            samples are mistaken for fewer classes. Ties go to the smaller
            class index. Defaults to 3.

    Returns:
        list[int]: ``[anchor, most confused, second, ...]``.
    """
    wrong = preds[(labels == anchor) & (preds != anchor)]
    if not wrong.size:
        return [anchor]
    counts = np.bincount(wrong)
    order = np.argsort(-counts, kind='stable')[:size]
    return [anchor] + [int(c) for c in order if counts[c] > 0]


def group_accuracy(class_accuracy: np.ndarray, group: Sequence[int]) -> float:
    """Mean of the per-class accuracies of the classes of a group.

    Args:
        class_accuracy (np.ndarray): Per-class accuracy ``(K, )``.
        group (Sequence[int]): The classes of the group.

    Returns:
        float: The group accuracy.
    """
    return float(np.nanmean(class_accuracy[list(group)]))

"""The analyses of the FR Head paper, Sec. 4.5, on score dumps.

* Difficulty tiers: classes whose accuracy under a reference model (the
  baseline, CTR-GCN in the paper) is below 70 % are *hard*, from 70 % to
  90 % *medium*, above 90 % *easy*; each model is scored on every tier.
* Ambiguous groups: for an anchor class, the reference model's
  misclassified samples of that class are gathered and the three classes
  they are most often predicted as join the anchor; a group's accuracy is
  the mean of the per-class accuracies of its classes.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

from .accuracy import confusion_matrix, evaluate_scores, per_class_accuracy
from .fusion import check_same_samples

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


def analyze_dumps(dumps: Dict[str, Dict],
                  reference: str,
                  thresholds: Sequence[float] = TIER_THRESHOLDS,
                  anchors: Optional[Sequence[int]] = None,
                  group_size: int = 3) -> Dict:
    """Per-class accuracy, difficulty tiers and ambiguous groups of models.

    Args:
        dumps (dict[str, dict]): Model name to its dump; all dumps hold the
            same samples in the same order.
        reference (str): Name of the model that defines the tiers and the
            groups (the baseline).
        thresholds (Sequence[float]): Tier thresholds, see
            :func:`difficulty_tiers`. Defaults to ``(0.7, 0.9)``.
        anchors (Sequence[int], optional): Anchor classes of the ambiguous
            groups. Defaults to every class the reference model misclassifies
            at least once.
        group_size (int): Confused classes per group. Defaults to 3.

    Returns:
        dict: ``labels``, ``class_counts`` ``(K, )``, ``tiers`` (from
        :func:`difficulty_tiers`), ``groups`` (list of class lists, anchor
        first) and ``models``: per model name, ``metrics``
        (:func:`evaluate_scores`), ``preds``, ``class_accuracy``,
        ``confusion``, ``tier_accuracy`` (tier name to accuracy) and
        ``group_accuracy`` (one per group).
    """
    names = list(dumps)
    check_same_samples([dumps[n] for n in names], names)
    labels = dumps[reference]['labels']
    num_classes = dumps[reference]['logits'].shape[1]
    models = {}
    for name, dump in dumps.items():
        preds = dump['logits'].argmax(axis=1)
        models[name] = dict(
            metrics=evaluate_scores(dump['logits'], labels),
            preds=preds,
            class_accuracy=per_class_accuracy(preds, labels, num_classes),
            confusion=confusion_matrix(preds, labels, num_classes))
    ref = models[reference]
    tiers = difficulty_tiers(ref['class_accuracy'], thresholds)
    if anchors is None:
        anchors = np.flatnonzero(ref['class_accuracy'] < 1)
    groups = [
        ambiguous_group(ref['preds'], labels, int(a), group_size)
        for a in anchors
    ]
    for model in models.values():
        model['tier_accuracy'] = {
            tier: tier_accuracy(model['preds'], labels, classes)
            for tier, classes in tiers.items()
        }
        model['group_accuracy'] = [
            group_accuracy(model['class_accuracy'], g) for g in groups
        ]
    return dict(
        labels=labels,
        class_counts=np.bincount(labels, minlength=num_classes),
        tiers=tiers,
        groups=groups,
        models=models)

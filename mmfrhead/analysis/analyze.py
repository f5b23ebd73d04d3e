"""Everything the FR Head paper's Sec. 4.5 measures, for several models."""
from typing import Dict, Optional, Sequence

import numpy as np

from .accuracy import confusion_matrix, evaluate_scores, per_class_accuracy
from .ambiguous_groups import ambiguous_group, group_accuracy
from .dump import check_same_samples
from .tiers import TIER_THRESHOLDS, difficulty_tiers, tier_accuracy


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

"""Offline analysis of score dumps: numpy only, no torch, no MMAction2.

The dump format (:mod:`.dump`) is the interface: ``tools/test.py --dump``
writes it, and so can any code through :func:`make_dump` and
:func:`save_dump`. Fusion, accuracies, difficulty tiers, ambiguous groups
and the markdown report read it.
"""
from .accuracy import (confusion_matrix, evaluate_scores, per_class_accuracy,
                       top_k_accuracy)
from .ambiguous_groups import ambiguous_group, group_accuracy
from .analyze import analyze_dumps
from .dump import (check_dump, check_same_samples, load_dump, make_dump,
                   save_dump, softmax)
from .fusion import (DEFAULT_GRID, PRESETS, check_disjoint, fuse_scores,
                     search_weights)
from .report import write_report
from .tiers import TIER_THRESHOLDS, TIERS, difficulty_tiers, tier_accuracy

__all__ = [
    'DEFAULT_GRID', 'PRESETS', 'TIERS', 'TIER_THRESHOLDS', 'ambiguous_group',
    'analyze_dumps', 'check_disjoint', 'check_dump', 'check_same_samples',
    'confusion_matrix', 'difficulty_tiers', 'evaluate_scores', 'fuse_scores',
    'group_accuracy', 'load_dump', 'make_dump', 'per_class_accuracy',
    'save_dump', 'search_weights', 'softmax', 'tier_accuracy',
    'top_k_accuracy', 'write_report'
]

from .accuracy import (confusion_matrix, evaluate_scores, per_class_accuracy,
                       top_k_accuracy)
from .analysis import (TIERS, ambiguous_group, analyze_dumps, difficulty_tiers,
                       group_accuracy, tier_accuracy)
from .dump import check_dump, load_dump, make_dump, save_dump, softmax
from .dump_scores import DumpScores
from .fusion import (PRESETS, check_disjoint, check_same_samples, fuse_scores,
                     search_weights)
from .pooled_features import PooledFeatureHook

__all__ = [
    'DumpScores', 'PooledFeatureHook', 'PRESETS', 'TIERS', 'ambiguous_group',
    'analyze_dumps', 'check_disjoint', 'check_dump', 'check_same_samples',
    'confusion_matrix', 'difficulty_tiers', 'evaluate_scores', 'fuse_scores',
    'group_accuracy', 'load_dump', 'make_dump', 'per_class_accuracy',
    'save_dump', 'search_weights', 'softmax', 'tier_accuracy', 'top_k_accuracy'
]

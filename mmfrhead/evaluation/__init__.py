"""What runs inside MMEngine's test loop: the score dump metric and hook.

Importing the package registers :class:`DumpScores` (``METRICS``) and
:class:`PooledFeatureHook` (``HOOKS``). The dump format they write, and
everything that reads it, is in the torch-free :mod:`mmfrhead.analysis`.
"""
from .dump_scores import DumpScores
from .pooled_features import PooledFeatureHook

__all__ = ['DumpScores', 'PooledFeatureHook']

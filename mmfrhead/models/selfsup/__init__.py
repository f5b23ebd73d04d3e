from .aimclr import AimCLR
from .aimclr_stgcn import AimCLRSTGCN, aimclr_init
from .eadm import EnergyAttentionDrop
from .feature_queue import FeatureQueue
from .linear_probe import LinearProbeGCN
from .projection_mlp import ProjectionMLP, pool_features

__all__ = [
    'AimCLR', 'AimCLRSTGCN', 'EnergyAttentionDrop', 'FeatureQueue',
    'LinearProbeGCN', 'ProjectionMLP', 'aimclr_init', 'pool_features'
]

from .focus import SpatioTemporalFocus
from .losses import (STFAdjacencyLoss, STFCoherenceLoss, STFDivergenceLoss,
                     STFExplorationLoss)
from .stf_ctrgcn import STFCTRGCN, STFCTRGCNBlock, STFCTRGCNUnit

__all__ = [
    'SpatioTemporalFocus', 'STFAdjacencyLoss', 'STFCoherenceLoss',
    'STFDivergenceLoss', 'STFExplorationLoss', 'STFCTRGCN', 'STFCTRGCNBlock',
    'STFCTRGCNUnit'
]

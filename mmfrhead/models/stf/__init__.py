from .focus import SpatioTemporalFocus
from .losses import (STFAdjacencyLoss, STFCoherenceLoss, STFDivergenceLoss,
                     STFExplorationLoss)
from .stf_ctrgcn import STFCTRGCN, STFCTRGCNBlock, STFCTRGCNUnit
from .stf_recognizer import STFFRRecognizer, STFMixin, STFRecognizer
from .stf_stgcn import STFSTGCN, STFUnitGCN

__all__ = [
    'SpatioTemporalFocus', 'STFAdjacencyLoss', 'STFCoherenceLoss',
    'STFDivergenceLoss', 'STFExplorationLoss', 'STFCTRGCN', 'STFCTRGCNBlock',
    'STFCTRGCNUnit', 'STFFRRecognizer', 'STFMixin', 'STFRecognizer',
    'STFSTGCN', 'STFUnitGCN'
]

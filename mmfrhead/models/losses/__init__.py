from .class_prototypes import ClassPrototypes
from .contrastive_refinement import ContrastiveRefinementLoss
from .distributional_divergence import DistributionalDivergenceLoss
from .infonce import InfoNCELoss

__all__ = [
    'ClassPrototypes', 'ContrastiveRefinementLoss',
    'DistributionalDivergenceLoss', 'InfoNCELoss'
]

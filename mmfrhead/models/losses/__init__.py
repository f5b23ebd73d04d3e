from .class_prototypes import ClassPrototypes
from .contrastive_refinement import ContrastiveRefinementLoss

__all__ = ['ClassPrototypes', 'ContrastiveRefinementLoss']

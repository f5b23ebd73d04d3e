from .contrastive_refinement import ContrastiveRefinementLoss

__all__ = ['ContrastiveRefinementLoss']

from .skeleton_preprocessor import SkeletonPreprocessor, skeleton_modality

__all__ = ['SkeletonPreprocessor', 'skeleton_modality']

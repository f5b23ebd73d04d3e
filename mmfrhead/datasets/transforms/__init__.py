from .aimclr_transforms import (MultiViewSkeleton, RandomAxisMask,
                                RandomAxisRotation, SkeletonGaussianNoise,
                                SkeletonMirrorFlip, SkeletonShear,
                                SkeletonTemporalCrop, TemporalGaussianBlur,
                                TimeFlip)
from .pose_transforms import (CentreOnJoint, CropResizeFrames, MinMaxNormalize,
                              RandomBoneScale, RandomRotation3D,
                              RandomViewTransform, ResampleFrames)

__all__ = [
    'CentreOnJoint', 'CropResizeFrames', 'MinMaxNormalize', 'RandomBoneScale',
    'RandomRotation3D', 'RandomViewTransform', 'ResampleFrames',
    'MultiViewSkeleton', 'RandomAxisMask', 'RandomAxisRotation',
    'SkeletonGaussianNoise', 'SkeletonMirrorFlip', 'SkeletonShear',
    'SkeletonTemporalCrop', 'TemporalGaussianBlur', 'TimeFlip'
]

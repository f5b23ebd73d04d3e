from .pose_transforms import (CentreOnJoint, CropResizeFrames, MinMaxNormalize,
                              RandomBoneScale, RandomRotation3D,
                              RandomViewTransform, ResampleFrames)

__all__ = [
    'CentreOnJoint', 'CropResizeFrames', 'MinMaxNormalize', 'RandomBoneScale',
    'RandomRotation3D', 'RandomViewTransform', 'ResampleFrames'
]

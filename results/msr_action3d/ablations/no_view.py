# A0 without RandomViewTransform (no rotation, no scaling).
_base_ = ['./ucla_recipe.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='CentreOnJoint', joint=1),
            dict(type='MinMaxNormalize'),
            dict(type='ResampleFrames', clip_len=52),
            dict(type='FormatGCNInput', num_person=1),
            dict(type='PackActionInputs')
        ])))

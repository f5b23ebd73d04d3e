# A0 with rotations of at most 15 degrees instead of 60 (the scale is
# undone by MinMaxNormalize, which follows).
_base_ = ['./ucla_recipe.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='CentreOnJoint', joint=1),
            dict(
                type='RandomViewTransform', angle=15.,
                scale_range=(0.5, 1.5)),
            dict(type='MinMaxNormalize'),
            dict(type='ResampleFrames', clip_len=52),
            dict(type='FormatGCNInput', num_person=1),
            dict(type='PackActionInputs')
        ])))

# A0 without MinMaxNormalize (train and test): spine-centred metres.
_base_ = ['./ucla_recipe.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(pipeline=[
            dict(type='CentreOnJoint', joint=1),
            dict(
                type='RandomViewTransform', angle=60.,
                scale_range=(0.5, 1.5)),
            dict(type='ResampleFrames', clip_len=52),
            dict(type='FormatGCNInput', num_person=1),
            dict(type='PackActionInputs')
        ])))
test_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='ResampleFrames', clip_len=52, test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

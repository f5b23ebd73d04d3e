# AimCLR pre-training on NTU RGB+D 60 x-sub (40,091 sequences, labels
# unused), joint stream, with AimCLR's settings (_base_/aimclr_pretrain.py).
# Clips: AimCLR's preprocessed data centre every frame on joint 21 (spine
# shoulder) and rotate every frame so that the shoulders are parallel to x;
# here, as the project's NTU pipeline, the sequence is centred on that joint
# of its first frame, without the rotation; the valid frames are resized to
# AimCLR's 50 frames, two persons.
_base_ = ['../_base_/datasets/ntu60_xsub.py', './_base_/aimclr_pretrain.py']

clip_len = 50
model = dict(
    data_preprocessor=dict(layout='nturgb+d'),
    backbone=dict(graph_cfg=dict(layout='nturgb+d')))
prepare = [
    dict(type='CentreOnJoint', joint=20),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(1., ))
]
extreme_view = _base_.normal_view + [
    dict(type='SkeletonMirrorFlip', layout='nturgb+d', p=0.5)
] + _base_.extreme_augs
train_pipeline = prepare + [
    dict(
        type='MultiViewSkeleton',
        views=[extreme_view, _base_.normal_view, _base_.normal_view]),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=128,
    drop_last=True,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None

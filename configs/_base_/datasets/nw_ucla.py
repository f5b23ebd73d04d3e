# NW-UCLA cross-view protocol: train on views 1 + 2 (1020 sequences), test on
# view 3 (464). Make the annotation file with
#   python tools/data/ucla_json_to_pkl.py --src ../shared/data/nw_ucla/all_sqe
# Pipeline as CTR-GCN / Shift-GCN: centre on the spine of the first frame,
# random view (rotation about x and y within +-60 degrees, scale 0.5-1.5) for
# training, min-max to [-1, 1] per axis, 52 frames (random with replacement
# for training, evenly spaced for testing). Bones and motions are derived by
# the model's SkeletonPreprocessor (model.data_preprocessor.feats).
dataset_type = 'PoseDataset'
ann_file = 'data/nw_ucla/nw_ucla_3d.pkl'
clip_len = 52
# (M, T, V, C) of the clips the pipelines yield (FRRecognizer.clip_shape).
clip_shape = (1, clip_len, 20, 3)
train_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='RandomViewTransform', angle=60., scale_range=(0.5, 1.5)),
    dict(type='MinMaxNormalize'),
    dict(type='ResampleFrames', clip_len=clip_len),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='MinMaxNormalize'),
    dict(type='ResampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        # One epoch = 5 passes over the training set, as the reference.
        type='RepeatDataset',
        times=5,
        dataset=dict(
            type=dataset_type,
            ann_file=ann_file,
            pipeline=train_pipeline,
            split='xview_train')))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=test_pipeline,
        split='xview_val',
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator

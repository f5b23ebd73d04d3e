# NTU RGB+D 60 2D skeletons: the 17 COCO keypoints that HRNet estimated on
# the videos, MMAction2's `ntu60_2d.pkl` (download it as MMAction2's
# tools/data/skeleton/README.md says), cross-subject splits (an x-view
# config sets split='xview_train' / 'xview_val'). The pipeline is
# MMAction2's 2D one (configs/skeleton/stgcn/
# stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d.py): PreNormalize2D maps
# x and y to [-1, 1] by the sample's img_shape, GenSkeFeat appends the
# keypoint score as the third channel, 100 frames sampled uniformly (one
# clip for validation and testing). No augmentation, as there.
dataset_type = 'PoseDataset'
ann_file = 'data/skeleton/ntu60_2d.pkl'
clip_len = 100
# (M, T, V, C) of the clips the pipelines yield (FRRecognizer.clip_shape):
# 2 persons, 17 keypoints, (x, y, score).
clip_shape = (2, clip_len, 17, 3)
train_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(
        type='UniformSampleFrames',
        clip_len=clip_len,
        num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='xsub_train'))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=test_pipeline,
        split='xsub_val',
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator

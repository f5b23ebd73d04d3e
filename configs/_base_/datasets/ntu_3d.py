# NTU RGB+D 3D skeletons, CTR-GCN / FR Head recipe. Make the annotation file
# with tools/data/ntu_skeleton_to_pkl.py (one file holds every split of a
# benchmark). The benchmark files (ntu60_xsub.py, ...) set the file and the
# split. Pipeline: centre on the spine-mid of the first frame; crop the valid
# frames (train: a random 50-100 %, test: the centre 95 %) and resize to 64
# frames; random rotation (+-0.3 rad per axis) and the reference code's
# symmetric random bone-length scaling (+-20 %, not described in the paper)
# for training. Bones and motions come from the model's SkeletonPreprocessor.
dataset_type = 'PoseDataset'
ann_file = 'data/ntu/ntu120_3d.pkl'
clip_len = 64
# (M, T, V, C) of the clips the pipelines yield (FRRecognizer.clip_shape).
clip_shape = (2, clip_len, 25, 3)
train_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(0.5, 1.)),
    dict(type='RandomRotation3D', theta=0.3),
    dict(type='RandomBoneScale', layout='ntu_ctrgcn', scale=0.2),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(0.95, )),
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

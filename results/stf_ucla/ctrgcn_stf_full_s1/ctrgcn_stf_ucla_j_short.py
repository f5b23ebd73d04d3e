ann_file = 'data/nw_ucla/nw_ucla_3d.pkl'
auto_scale_lr = dict(base_batch_size=16, enable=False)
clip_len = 52
clip_shape = (
    1,
    52,
    20,
    3,
)
custom_hooks = [
    dict(type='DatasetCheckHook'),
]
custom_imports = dict(
    allow_failed_imports=False,
    imports=[
        'mmfrhead.models',
        'mmfrhead.datasets.transforms',
        'mmfrhead.datasets.subsets',
        'mmfrhead.evaluation',
        'mmfrhead.engine',
    ])
dataset_type = 'PoseDataset'
default_hooks = dict(
    checkpoint=dict(
        _scope_='mmaction',
        interval=1,
        max_keep_ckpts=2,
        save_best='auto',
        type='CheckpointHook'),
    logger=dict(
        _scope_='mmaction', ignore_last=False, interval=10, type='LoggerHook'),
    param_scheduler=dict(_scope_='mmaction', type='ParamSchedulerHook'),
    runtime_info=dict(_scope_='mmaction', type='RuntimeInfoHook'),
    sampler_seed=dict(_scope_='mmaction', type='DistSamplerSeedHook'),
    sync_buffers=dict(_scope_='mmaction', type='SyncBuffersHook'),
    timer=dict(_scope_='mmaction', type='IterTimerHook'))
default_scope = 'mmaction'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='gloo'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
launcher = 'none'
load_from = None
log_level = 'INFO'
log_processor = dict(
    _scope_='mmaction', by_epoch=True, type='LogProcessor', window_size=20)
model = dict(
    adjacency_stages=(
        'gcn.4.gcn.adjacency',
        'gcn.5.gcn.adjacency',
        'gcn.6.gcn.adjacency',
        'gcn.7.gcn.adjacency',
        'gcn.8.gcn.adjacency',
        'gcn.9.gcn.adjacency',
    ),
    backbone=dict(
        graph_cfg=dict(layout='nw_ucla', mode='spatial'),
        num_person=1,
        stf_stages=(
            4,
            5,
            6,
            7,
            8,
            9,
        ),
        type='STFCTRGCN'),
    cls_head=dict(in_channels=256, num_classes=10, type='GCNHead'),
    data_preprocessor=dict(
        feats=[
            'j',
        ], layout='nw_ucla', type='SkeletonPreprocessor'),
    focus_cfg=dict(
        create_graph=False,
        normalize='minmax',
        pooling='channel',
        score='logit'),
    focus_stages=(
        'gcn.4',
        'gcn.5',
        'gcn.6',
        'gcn.7',
        'gcn.8',
        'gcn.9',
    ),
    stf_losses=dict(
        adjacency=dict(
            distance='kl',
            focus_class='pred',
            form='degree',
            loss_weight=0.1,
            start_epoch=5,
            type='STFAdjacencyLoss'),
        coherence=dict(
            detach_last=False,
            distance='l1',
            focus_class='pred',
            loss_weight=1.0,
            stages=(
                -2,
                -1,
            ),
            start_epoch=5,
            type='STFCoherenceLoss'),
        divergence=dict(
            classes='top2',
            loss_weight=1.0,
            stage=-1,
            start_epoch=5,
            type='STFDivergenceLoss'),
        exploration=dict(
            bn_stats='frozen',
            detach_mask=False,
            fill='zero',
            hard=False,
            interpolation='nearest',
            loss_weight=1.0,
            score='prob',
            sharpness=10.0,
            stage=-1,
            start_epoch=5,
            threshold=0.5,
            type='STFExplorationLoss')),
    type='STFRecognizer')
optim_wrapper = dict(
    optimizer=dict(
        lr=0.1, momentum=0.9, nesterov=True, type='SGD', weight_decay=0.0004),
    type='BF16OptimWrapper')
param_scheduler = [
    dict(
        begin=0,
        by_epoch=True,
        convert_to_iter_based=True,
        end=1,
        start_factor=0.2,
        type='LinearLR'),
    dict(
        begin=1,
        by_epoch=True,
        convert_to_iter_based=True,
        end=20,
        eta_min=0.0,
        type='CosineAnnealingLR'),
]
randomness = dict(deterministic=False, diff_rank_seed=False, seed=1)
resume = True
stf = dict(
    adjacency_stages=(
        'gcn.4.gcn.adjacency',
        'gcn.5.gcn.adjacency',
        'gcn.6.gcn.adjacency',
        'gcn.7.gcn.adjacency',
        'gcn.8.gcn.adjacency',
        'gcn.9.gcn.adjacency',
    ),
    backbone=dict(stf_stages=(
        4,
        5,
        6,
        7,
        8,
        9,
    ), type='STFCTRGCN'),
    focus_cfg=dict(
        create_graph=False,
        normalize='minmax',
        pooling='channel',
        score='logit'),
    focus_stages=(
        'gcn.4',
        'gcn.5',
        'gcn.6',
        'gcn.7',
        'gcn.8',
        'gcn.9',
    ),
    stf_losses=dict(
        adjacency=dict(
            distance='kl',
            focus_class='pred',
            form='degree',
            loss_weight=0.1,
            start_epoch=5,
            type='STFAdjacencyLoss'),
        coherence=dict(
            detach_last=False,
            distance='l1',
            focus_class='pred',
            loss_weight=1.0,
            stages=(
                -2,
                -1,
            ),
            start_epoch=5,
            type='STFCoherenceLoss'),
        divergence=dict(
            classes='top2',
            loss_weight=1.0,
            stage=-1,
            start_epoch=5,
            type='STFDivergenceLoss'),
        exploration=dict(
            bn_stats='frozen',
            detach_mask=False,
            fill='zero',
            hard=False,
            interpolation='nearest',
            loss_weight=1.0,
            score='prob',
            sharpness=10.0,
            stage=-1,
            start_epoch=5,
            threshold=0.5,
            type='STFExplorationLoss')),
    type='STFRecognizer')
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=64,
    dataset=dict(
        ann_file='data/nw_ucla/nw_ucla_3d.pkl',
        pipeline=[
            dict(joint=1, type='CentreOnJoint'),
            dict(type='MinMaxNormalize'),
            dict(clip_len=52, test_mode=True, type='ResampleFrames'),
            dict(num_person=1, type='FormatGCNInput'),
            dict(meta_keys=('frame_dir', ), type='PackActionInputs'),
        ],
        split='xview_val',
        test_mode=True,
        type='PoseDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = [
    dict(type='AccMetric'),
]
test_pipeline = [
    dict(joint=1, type='CentreOnJoint'),
    dict(type='MinMaxNormalize'),
    dict(clip_len=52, test_mode=True, type='ResampleFrames'),
    dict(num_person=1, type='FormatGCNInput'),
    dict(meta_keys=('frame_dir', ), type='PackActionInputs'),
]
train_cfg = dict(
    max_epochs=20, type='EpochBasedTrainLoop', val_begin=1, val_interval=5)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        dataset=dict(
            ann_file='data/nw_ucla/nw_ucla_3d.pkl',
            pipeline=[
                dict(joint=1, type='CentreOnJoint'),
                dict(
                    angle=60.0,
                    scale_range=(
                        0.5,
                        1.5,
                    ),
                    type='RandomViewTransform'),
                dict(type='MinMaxNormalize'),
                dict(clip_len=52, type='ResampleFrames'),
                dict(num_person=1, type='FormatGCNInput'),
                dict(type='PackActionInputs'),
            ],
            split='xview_train',
            type='PoseDataset'),
        times=1,
        type='RepeatDataset'),
    num_workers=1,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='DefaultSampler'))
train_pipeline = [
    dict(joint=1, type='CentreOnJoint'),
    dict(angle=60.0, scale_range=(
        0.5,
        1.5,
    ), type='RandomViewTransform'),
    dict(type='MinMaxNormalize'),
    dict(clip_len=52, type='ResampleFrames'),
    dict(num_person=1, type='FormatGCNInput'),
    dict(type='PackActionInputs'),
]
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=64,
    dataset=dict(
        ann_file='data/nw_ucla/nw_ucla_3d.pkl',
        pipeline=[
            dict(joint=1, type='CentreOnJoint'),
            dict(type='MinMaxNormalize'),
            dict(clip_len=52, test_mode=True, type='ResampleFrames'),
            dict(num_person=1, type='FormatGCNInput'),
            dict(meta_keys=('frame_dir', ), type='PackActionInputs'),
        ],
        split='xview_val',
        test_mode=True,
        type='PoseDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = [
    dict(type='AccMetric'),
]
vis_backends = [
    dict(_scope_='mmaction', type='LocalVisBackend'),
]
visualizer = dict(
    _scope_='mmaction',
    type='ActionVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
work_dir = '/work/runs/stf_table/ctrgcn_stf_full_s1'

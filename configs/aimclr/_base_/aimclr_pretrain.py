# AimCLR pre-training (Guo et al., AAAI 2022) with the hyper-parameters of
# its public code (config/*/pretext/*.yaml): ST-GCN at a quarter of the
# width (16 ... 64 -> 256, edge importance, dropout 0.5), MLP 256-256-128,
# queue 32768, momentum 0.999, temperature 0.07, EADM keep_prob 0.7, D3M
# terms 0.5 each, NNM (top-1) from the 151st epoch; SGD lr 0.1, momentum
# 0.9, weight decay 1e-4, x0.1 after epoch 250, 300 epochs, batch 128,
# drop_last. No labels are used and there is no validation loop. A dataset
# config adds the graph and bone layout, the clip pipelines (normal_view,
# extreme view = normal_view + flip + extreme_augs) and the loader.
# Differs from AimCLR's code: the key encoder starts as a copy of the query
# encoder (MoCo; key_init='independent' reproduces AimCLR's separate random
# draw), and EADM is the fixed one (legacy_noop=True for the first release).
_base_ = ['../../_base_/default_runtime.py']

model = dict(
    type='AimCLR',
    data_preprocessor=dict(type='SkeletonPreprocessor', feats=['j']),
    backbone=dict(
        type='AimCLRSTGCN',
        base_channels=16,
        out_channels=256,
        dropout=0.5,
        graph_cfg=dict(mode='stgcn_spatial')),
    neck=dict(
        type='ProjectionMLP',
        in_channels=256,
        hid_channels=256,
        out_channels=128),
    eadm=dict(type='EnergyAttentionDrop', keep_prob=0.7),
    queue_size=32768,
    momentum=0.999,
    temperature=0.07,
    topk=1,
    key_init='copy')

# AimCLR's normal view and the extreme augmentations after its flip, each
# with AimCLR's probability (TimeFlip, of the first release, is left out
# as in its current default aug_method '12345').
normal_view = [
    dict(type='SkeletonTemporalCrop', padding_ratio=6),
    dict(type='SkeletonShear', amplitude=0.5)
]
extreme_augs = [
    dict(type='RandomAxisRotation', main_angle=30., other_angle=1.),
    dict(type='SkeletonGaussianNoise', std=0.01, p=0.5),
    dict(type='TemporalGaussianBlur', normalize=False, p=0.5),
    dict(type='RandomAxisMask', p=0.5)
]

# (a dataset config also sets its val/test loaders and evaluators to None)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300)
val_cfg = None
test_cfg = None
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4,
        nesterov=False))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[250], gamma=0.1, by_epoch=True)
]
default_hooks = dict(
    checkpoint=dict(interval=5, save_best=None, max_keep_ckpts=2))
custom_hooks = [
    dict(type='QueueCheckHook'),
    dict(type='NNMSwitchHook', begin_epoch=150)
]

# AimCLR's linear evaluation (its linear_eval yamls): the pre-trained query
# encoder frozen and in eval mode, a fresh Linear(256, classes) with
# N(0, 0.02) weights, no augmentation, SGD lr 3.0, momentum 0.9, weight
# decay 0, x0.1 after epoch 80, 100 epochs, batch 128, tested every 5
# epochs. AimCLR reports the best of these test epochs (model selection on
# the test split); the log here gives every tested epoch, the last one
# included, and best_acc_top1_epoch_*.pth marks the best. The features are
# computed once and cached (LinearProbeGCN), exact since nothing is
# augmented. Set the pre-training checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['../../_base_/default_runtime.py']

model = dict(
    type='LinearProbeGCN',
    frozen=True,
    cache_features=True,
    data_preprocessor=dict(type='SkeletonPreprocessor', feats=['j']),
    backbone=dict(
        type='AimCLRSTGCN',
        base_channels=16,
        out_channels=256,
        dropout=0.5,
        graph_cfg=dict(mode='stgcn_spatial'),
        init_cfg=dict(type='Pretrained', checkpoint=None,
                      prefix='backbone.')),
    cls_head=dict(
        type='GCNHead',
        in_channels=256,
        init_cfg=dict(type='Normal', layer='Linear', std=0.02)))

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=100, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=3.0, momentum=0.9, weight_decay=0., nesterov=False))
param_scheduler = [
    dict(type='MultiStepLR', milestones=[80], gamma=0.1, by_epoch=True)
]
default_hooks = dict(
    checkpoint=dict(interval=5, save_best='acc/top1', max_keep_ckpts=1))

# Supervised training of AimCLR's encoder (AimCLRSTGCN + GCNHead) on NW-UCLA
# views 1 + 2, tested on view 3, for the CPU measurement: the shipped
# aimclr_finetune_ucla_j.py (the project's ST-GCN pipeline) with the short
# one-pass schedule of configs/_base_/schedules/sgd_short.py (warm-up, cosine)
# in float32, as the pre-training. The encoder comes from
# model.backbone.init_cfg.checkpoint; supervised_short.py starts it at random.
_base_ = ['../../../configs/aimclr/aimclr_finetune_ucla_j.py']

train_dataloader = dict(dataset=dict(times=1))
train_cfg = dict(max_epochs=20, val_interval=5)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.2,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=0.,
        by_epoch=True,
        begin=1,
        end=20,
        convert_to_iter_based=True)
]
default_hooks = dict(logger=dict(interval=20))

_base_ = ['/work/main/configs/ctrgcn_frhead_ucla_j_short.py']
train_cfg = dict(max_epochs=13, val_interval=4)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0., by_epoch=True, begin=1,
         end=13, convert_to_iter_based=True)
]
custom_hooks = [dict(type='EMAHook', momentum=0.01, update_buffers=True)]
default_hooks = dict(logger=dict(interval=10))

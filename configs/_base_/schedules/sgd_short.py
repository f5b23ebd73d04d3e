# A short CPU schedule for a first run: the optimiser of sgd_70e.py for 3
# epochs, a 1-epoch linear warm-up, then cosine decay.
_base_ = './sgd_70e.py'

train_cfg = dict(max_epochs=3)
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
        end=3,
        convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=16)

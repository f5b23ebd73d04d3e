# A short CPU schedule for a first run: 3 epochs, a 1-epoch linear warm-up,
# then cosine decay. Same optimiser as sgd_70e.py.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=3, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
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
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=4e-4, nesterov=True))
auto_scale_lr = dict(enable=False, base_batch_size=16)

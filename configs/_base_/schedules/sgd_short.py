# The short CPU schedule of the README's first run (about 15 minutes on 2
# idle cores for NW-UCLA): the optimiser of sgd_70e.py (SGD, momentum 0.9,
# Nesterov, lr 0.1, weight decay 4e-4) for 15 epochs, a 1-epoch linear
# warm-up from lr 0.02 and a cosine decay to 0 at the last iteration.
# Validation every 5 epochs and after the last one.
_base_ = './sgd_70e.py'

train_cfg = dict(max_epochs=15, val_interval=5)
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
        end=15,
        convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=16)

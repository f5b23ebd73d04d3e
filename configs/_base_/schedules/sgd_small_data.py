# A schedule for small data sets (a few hundred training sequences, e.g.
# MSR Action3D's 291): the optimiser of sgd_70e.py (SGD, momentum 0.9,
# Nesterov, weight decay 4e-4, lr 0.1 at batch 16), epochs of one pass,
# a one-epoch linear warm-up and a cosine decay to 0 over the remaining
# epochs, both stepped per iteration; 20 epochs (380 iterations on MSR
# Action3D, about 6 minutes on 2 idle cores). The decay ends at
# train_cfg.max_epochs, also when --cfg-options moves it (see
# mmfrhead.apis.cli.follow_max_epochs).
_base_ = './sgd_70e.py'

train_cfg = dict(max_epochs=20)
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
auto_scale_lr = dict(base_batch_size=16)

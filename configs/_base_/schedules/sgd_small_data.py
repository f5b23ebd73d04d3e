# A schedule for small data sets (a few hundred training sequences, e.g.
# MSR Action3D's 291): the README's short schedule (sgd_short.py: the
# optimiser of sgd_70e.py, epochs of one pass, a one-epoch linear warm-up
# and a cosine decay to 0, both stepped per iteration) for 20 epochs,
# validated after each (380 iterations on MSR Action3D, about 6 minutes on
# 2 idle cores). The decay ends at train_cfg.max_epochs, also when
# --cfg-options moves it (see mmfrhead.apis.cli.follow_max_epochs).
_base_ = './sgd_short.py'

train_cfg = dict(max_epochs=20, val_interval=1)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=20)
]

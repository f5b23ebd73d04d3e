# A schedule for small data sets (a few hundred training sequences, e.g.
# MSR Action3D's 291): the README's short schedule (sgd_short.py: the
# optimiser of sgd_70e.py in bfloat16, epochs of one pass, a one-epoch
# linear warm-up and a cosine decay to 0, both stepped per iteration, 20
# epochs), validated after each epoch (380 iterations on MSR Action3D).
# The decay ends at train_cfg.max_epochs, also when --cfg-options moves it
# (see mmfrhead.apis.cli.follow_max_epochs).
_base_ = './sgd_short.py'

train_cfg = dict(val_interval=1)

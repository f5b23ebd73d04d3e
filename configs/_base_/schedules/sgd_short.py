# The short CPU schedule of the README's first run (about 13 minutes on 2
# idle cores for NW-UCLA): the optimiser of sgd_70e.py (SGD, momentum 0.9,
# Nesterov, lr 0.1, weight decay 4e-4) for 20 epochs, a 1-epoch linear
# warm-up from lr 0.02 and a cosine decay to 0 at the last iteration.
# Mixed precision in bfloat16 (BF16OptimWrapper): 1.5 times as fast on a CPU
# with AVX512-BF16 or AMX units, float32 (with a warning) on one without;
# --cfg-options optim_wrapper.type=OptimWrapper trains in float32.
# Validation every 5 epochs and after the last one.
_base_ = './sgd_70e.py'

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
optim_wrapper = dict(type='BF16OptimWrapper')
auto_scale_lr = dict(base_batch_size=16)

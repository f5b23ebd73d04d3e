# (c) of the measurement: AimCLR's encoder trained with labels from its own
# initialisation (no pre-training), the schedule of finetune_short.py, with
# as many epochs as fit in the wall time of one pre-training plus its probe
# (set by --cfg-options train_cfg.max_epochs=N; the cosine follows).
_base_ = ['./finetune_short.py']

model = dict(backbone=dict(init_cfg=None))

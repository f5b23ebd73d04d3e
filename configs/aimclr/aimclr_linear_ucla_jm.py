# AimCLR linear evaluation on NW-UCLA, motion stream, of the encoder of
# aimclr_pretrain_ucla_jm.py; else aimclr_linear_ucla_j.py.
_base_ = ['./aimclr_linear_ucla_j.py']

model = dict(
    data_preprocessor=dict(feats=['jm']),
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/aimclr_pretrain_ucla_jm/epoch_100.pth')))

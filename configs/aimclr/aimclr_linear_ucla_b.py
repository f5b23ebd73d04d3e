# AimCLR linear evaluation on NW-UCLA, bone stream, of the encoder of
# aimclr_pretrain_ucla_b.py; else aimclr_linear_ucla_j.py.
_base_ = ['./aimclr_linear_ucla_j.py']

model = dict(
    data_preprocessor=dict(feats=['b']),
    backbone=dict(
        init_cfg=dict(
            checkpoint='work_dirs/aimclr_pretrain_ucla_b/epoch_100.pth')))

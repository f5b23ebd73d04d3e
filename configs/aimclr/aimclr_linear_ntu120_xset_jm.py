# AimCLR linear evaluation on NTU-120 x-set, motion stream, of the encoder of
# aimclr_pretrain_ntu120_xset_jm.py; else aimclr_linear_ntu120_xset_j.py.
_base_ = ['./aimclr_linear_ntu120_xset_j.py']

model = dict(
    data_preprocessor=dict(feats=['jm']),
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/aimclr_pretrain_ntu120_xset_jm/'
                      'epoch_300.pth')))

# AimCLR linear evaluation on NTU-120 x-sub, bone stream, of the encoder of
# aimclr_pretrain_ntu120_xsub_b.py; else aimclr_linear_ntu120_xsub_j.py.
_base_ = ['./aimclr_linear_ntu120_xsub_j.py']

model = dict(
    data_preprocessor=dict(feats=['b']),
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/aimclr_pretrain_ntu120_xsub_b/'
                      'epoch_300.pth')))

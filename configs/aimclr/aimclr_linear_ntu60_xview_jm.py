# AimCLR linear evaluation on NTU-60 x-view, motion stream, of the encoder of
# aimclr_pretrain_ntu60_xview_jm.py; else aimclr_linear_ntu60_xview_j.py.
_base_ = ['./aimclr_linear_ntu60_xview_j.py']

model = dict(
    data_preprocessor=dict(feats=['jm']),
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/aimclr_pretrain_ntu60_xview_jm/'
                      'epoch_300.pth')))

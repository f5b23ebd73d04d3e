# AimCLR linear evaluation on NTU-60 x-view, bone stream, of the encoder of
# aimclr_pretrain_ntu60_xview_b.py; else aimclr_linear_ntu60_xview_j.py.
_base_ = ['./aimclr_linear_ntu60_xview_j.py']

model = dict(
    data_preprocessor=dict(feats=['b']),
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/aimclr_pretrain_ntu60_xview_b/'
                      'epoch_300.pth')))

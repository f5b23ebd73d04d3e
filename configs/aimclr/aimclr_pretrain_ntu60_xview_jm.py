# AimCLR pre-training on NTU-60 x-view, motion stream (computed after
# augmentation by the SkeletonPreprocessor, as AimCLR does); else
# aimclr_pretrain_ntu60_xview_j.py.
_base_ = ['./aimclr_pretrain_ntu60_xview_j.py']

model = dict(data_preprocessor=dict(feats=['jm']))

# AimCLR pre-training on NTU-120 x-sub, bone stream (computed after
# augmentation by the SkeletonPreprocessor, as AimCLR does); else
# aimclr_pretrain_ntu120_xsub_j.py.
_base_ = ['./aimclr_pretrain_ntu120_xsub_j.py']

model = dict(data_preprocessor=dict(feats=['b']))

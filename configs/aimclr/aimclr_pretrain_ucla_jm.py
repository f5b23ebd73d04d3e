# AimCLR pre-training on NW-UCLA, motion stream (computed after augmentation
# by the SkeletonPreprocessor, as AimCLR does); else aimclr_pretrain_ucla_j.
_base_ = ['./aimclr_pretrain_ucla_j.py']

model = dict(data_preprocessor=dict(feats=['jm']))

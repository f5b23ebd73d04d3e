# AimCLR pre-training on NTU-120 x-set, joint stream; else
# aimclr_pretrain_ntu60_xsub_j.py (AimCLR's settings).
_base_ = ['./aimclr_pretrain_ntu60_xsub_j.py']

ann_file = 'data/ntu/ntu120_3d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xset_train'))

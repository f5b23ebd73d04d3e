# AimCLR pre-training on NTU-60 x-view, joint stream; else
# aimclr_pretrain_ntu60_xsub_j.py (AimCLR's settings).
_base_ = ['./aimclr_pretrain_ntu60_xsub_j.py']

ann_file = 'data/ntu/ntu60_3d.pkl'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xview_train'))

# AimCLR linear evaluation on NTU-120 x-set, joint stream, of the encoder of
# aimclr_pretrain_ntu120_xset_j.py; else aimclr_linear_ntu60_xsub_j.py.
_base_ = ['./aimclr_linear_ntu60_xsub_j.py']

ann_file = 'data/ntu/ntu120_3d.pkl'
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint='work_dirs/aimclr_pretrain_ntu120_xset_j/'
                      'epoch_300.pth')),
    cls_head=dict(num_classes=120))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xset_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xset_val'))
test_dataloader = val_dataloader

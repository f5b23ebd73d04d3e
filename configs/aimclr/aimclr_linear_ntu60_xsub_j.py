# AimCLR linear evaluation on NTU RGB+D 60 x-sub, joint stream, on the
# frozen encoder pre-trained by aimclr_pretrain_ntu60_xsub_j.py (AimCLR's
# protocol, _base_/aimclr_linear.py); clips as in that pre-training, not
# augmented. AimCLR reports 74.3 % top-1 (best test epoch).
_base_ = ['../_base_/datasets/ntu60_xsub.py', './_base_/aimclr_linear.py']

clip_len = 50
model = dict(
    data_preprocessor=dict(layout='nturgb+d'),
    backbone=dict(
        graph_cfg=dict(layout='nturgb+d'),
        init_cfg=dict(
            checkpoint='work_dirs/aimclr_pretrain_ntu60_xsub_j/epoch_300.pth'
        )),
    cls_head=dict(num_classes=60))
plain_pipeline = [
    dict(type='CentreOnJoint', joint=20),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(1., )),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(
    batch_size=128, dataset=dict(pipeline=plain_pipeline))
val_dataloader = dict(batch_size=128, dataset=dict(pipeline=plain_pipeline))
test_dataloader = val_dataloader

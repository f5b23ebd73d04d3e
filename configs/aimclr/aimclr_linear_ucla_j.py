# AimCLR linear evaluation on NW-UCLA: train the linear classifier on views
# 1 + 2, test on view 3, joint stream, on the frozen encoder pre-trained by
# aimclr_pretrain_ucla_j.py. AimCLR's protocol (_base_/aimclr_linear.py);
# clips prepared as in that pre-training, without augmentation.
_base_ = ['../_base_/datasets/nw_ucla.py', './_base_/aimclr_linear.py']
from mmfrhead.skeleton import get_layout  # noqa: E402

clip_len = 50
model = dict(
    data_preprocessor=dict(layout='nw_ucla'),
    backbone=dict(
        graph_cfg=dict(layout=get_layout('nw_ucla').graph_dict()),
        init_cfg=dict(
            checkpoint='work_dirs/aimclr_pretrain_ucla_j/epoch_100.pth')),
    cls_head=dict(num_classes=10))
plain_pipeline = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='MinMaxNormalize'),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(1., )),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(
    _delete_=True,
    batch_size=128,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=_base_.dataset_type,
        ann_file=_base_.ann_file,
        pipeline=plain_pipeline,
        split='xview_train'))
val_dataloader = dict(batch_size=128, dataset=dict(pipeline=plain_pipeline))
test_dataloader = val_dataloader

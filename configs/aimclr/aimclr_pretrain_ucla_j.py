# AimCLR pre-training on NW-UCLA views 1 + 2 (1,020 sequences, labels
# unused), joint stream. Choices differing from AimCLR (whose NTU settings
# are in _base_/aimclr_pretrain.py), and why:
# - queue 512 (AimCLR 32768): it must be smaller than the 1,020 training
#   sequences, else keys of the very sample sit in the queue as negatives;
#   a multiple of the batch;
# - batch 64 (128): 15 steps per epoch instead of 7; drop_last as AimCLR;
# - momentum 0.99 (0.999): with 15 steps per epoch, 0.999 would leave the
#   key encoder 22 % at its start after 100 epochs (0.999 ** 1500);
# - 100 epochs, NNM from the 51st, lr x0.1 after epoch 83 (AimCLR's
#   300 / 151 / 250 scaled to the CPU budget);
# - clips: the sequence centred on the spine of its first frame and min-max
#   normalised as the project's NW-UCLA pipeline (AimCLR has no NW-UCLA
#   feeder), its frames resized to AimCLR's 50 (linear interpolation);
# - a kNN monitor (k 20) every 10 epochs: train-split memory, view-3
#   queries, labels for the monitor only.
_base_ = ['../_base_/datasets/nw_ucla.py', './_base_/aimclr_pretrain.py']
from mmfrhead.skeleton import get_layout  # noqa: E402

clip_len = 50
model = dict(
    data_preprocessor=dict(layout='nw_ucla'),
    backbone=dict(graph_cfg=dict(layout=get_layout('nw_ucla').graph_dict())),
    queue_size=512,
    momentum=0.99)
prepare = [
    dict(type='CentreOnJoint', joint=1),
    dict(type='MinMaxNormalize'),
    dict(type='CropResizeFrames', clip_len=clip_len, p_interval=(1., ))
]
extreme_view = _base_.normal_view + [
    dict(type='SkeletonMirrorFlip', layout='nw_ucla', p=0.5)
] + _base_.extreme_augs
train_pipeline = prepare + [
    dict(
        type='MultiViewSkeleton',
        views=[extreme_view, _base_.normal_view, _base_.normal_view]),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
plain_pipeline = prepare + [
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
train_dataloader = dict(
    _delete_=True,
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=_base_.dataset_type,
        ann_file=_base_.ann_file,
        pipeline=train_pipeline,
        split='xview_train'))
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
# the kNN monitor's loaders: training split (memory) and view 3 (queries)
knn_memory = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=_base_.dataset_type,
        ann_file=_base_.ann_file,
        pipeline=plain_pipeline,
        split='xview_train',
        test_mode=True))
knn_query = dict(knn_memory, dataset=dict(knn_memory['dataset'],
                                          split='xview_val'))


train_cfg = dict(max_epochs=100)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[83], gamma=0.1, by_epoch=True)
]
custom_hooks = [
    dict(type='QueueCheckHook'),
    dict(type='NNMSwitchHook', begin_epoch=50),
    dict(
        type='KNNMonitorHook',
        memory_dataloader=knn_memory,
        query_dataloader=knn_query,
        k=20,
        interval=10)
]

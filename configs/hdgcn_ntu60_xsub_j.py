# HD-GCN baseline on NTU RGB+D 60 cross-subject (joint stream), with the
# CTR-GCN / FR Head recipe of mmfrhead (64 frames, the paper's schedule).
_base_ = [
    '_base_/default_runtime.py', '_base_/models/hdgcn.py',
    '_base_/datasets/ntu60_xsub.py', '_base_/schedules/sgd_70e.py'
]

model = dict(cls_head=dict(num_classes=60))

# CTR-GCN baseline on NTU RGB+D 60 cross-subject (joint stream).
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn.py',
    '_base_/datasets/ntu60_xsub.py', '_base_/schedules/sgd_70e.py'
]

# The reference code trains NTU-60 with a 120-way classifier; we use 60.
model = dict(cls_head=dict(num_classes=60))

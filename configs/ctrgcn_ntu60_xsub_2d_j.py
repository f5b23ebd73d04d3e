# CTR-GCN baseline on NTU RGB+D 60 cross-subject, 2D COCO keypoints
# (x, y, score; 17 joints, 2 persons), joint stream.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn.py',
    '_base_/datasets/ntu60_2d.py', '_base_/schedules/sgd_70e.py'
]

model = dict(
    data_preprocessor=dict(layout='coco'),
    backbone=dict(graph_cfg=dict(layout='coco')),
    cls_head=dict(num_classes=60))

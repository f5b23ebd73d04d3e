# HD-GCN baseline on NW-UCLA (joint stream), the reference code's NW-UCLA
# schedule. CoM joint: the layout's centre (shoulder centre).
_base_ = [
    '_base_/default_runtime.py', '_base_/models/hdgcn.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_65e_ucla.py'
]

model = dict(
    data_preprocessor=dict(layout='nw_ucla'),
    backbone=dict(graph_cfg=dict(layout='nw_ucla'), num_person=1),
    cls_head=dict(num_classes=10))

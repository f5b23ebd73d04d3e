_base_ = './ctrgcn.py'

# NW-UCLA: 20 Kinect v1 joints, 1 person, 10 classes.
model = dict(
    data_preprocessor=dict(layout='nw_ucla'),
    backbone=dict(graph_cfg=dict(layout='nw_ucla'), num_person=1),
    cls_head=dict(num_classes=10))

# HD-GCN on NTU RGB+D (25 joints, 2 persons). The HD-Graph is built from
# MMAction2's 'nturgb+d' edges around the CoM joint 21 (spine shoulder); the
# paper's other CoM streams set graph_cfg=dict(center=0) or dict(center=1).
model = dict(
    type='RecognizerGCN',
    data_preprocessor=dict(
        type='SkeletonPreprocessor', layout='ntu_ctrgcn', feats=['j']),
    backbone=dict(
        type='HDGCN', graph_cfg=dict(layout='nturgb+d'), num_person=2),
    cls_head=dict(type='GCNHead', num_classes=120, in_channels=256))

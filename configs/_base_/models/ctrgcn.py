# CTR-GCN on NTU RGB+D (25 joints, 2 persons, CTR-GCN's graph edges).
model = dict(
    type='RecognizerGCN',
    data_preprocessor=dict(
        type='SkeletonPreprocessor', layout='ntu_ctrgcn', feats=['j']),
    backbone=dict(
        type='CTRGCN',
        graph_cfg=dict(layout='ntu_ctrgcn', mode='spatial'),
        num_person=2),
    cls_head=dict(type='GCNHead', num_classes=120, in_channels=256))

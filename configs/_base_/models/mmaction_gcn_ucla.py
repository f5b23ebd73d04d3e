# NW-UCLA (20 Kinect v1 joints, 1 person, 10 classes) for MMAction2's own GCN
# backbones. MMAction2's Graph takes the layout as a dict; this is
# mmfrhead.models.utils.graph.LAYOUTS['nw_ucla'] (0-based (child, parent)
# edges, centre = shoulder centre), written once for every such config. A
# config adds the backbone type and its graph mode, e.g.
#   model = dict(backbone=dict(
#       type='STGCN', graph_cfg=dict(mode='stgcn_spatial')))
model = dict(
    type='RecognizerGCN',
    data_preprocessor=dict(
        type='SkeletonPreprocessor', layout='nw_ucla', feats=['j']),
    backbone=dict(
        graph_cfg=dict(
            layout=dict(
                num_node=20,
                inward=[(0, 1), (1, 2), (3, 2), (4, 2), (5, 4), (6, 5),
                        (7, 6), (8, 2), (9, 8), (10, 9), (11, 10), (12, 0),
                        (13, 12), (14, 13), (15, 14), (16, 0), (17, 16),
                        (18, 17), (19, 18)],
                center=2))),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=256))

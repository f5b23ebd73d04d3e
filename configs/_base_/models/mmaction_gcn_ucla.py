# NW-UCLA (20 Kinect v1 joints, 1 person, 10 classes) for MMAction2's own GCN
# backbones. MMAction2's Graph takes the layout as a dict: the one of
# mmfrhead's 'nw_ucla' skeleton layout, for every such config (a dumped
# config holds the plain values). A config adds the backbone type and its
# graph mode, e.g.
#   model = dict(backbone=dict(
#       type='STGCN', graph_cfg=dict(mode='stgcn_spatial')))
# '_base_' comes before the import so that MMEngine reads this file as an
# old-style config, as the configs inheriting it are.
_base_ = []
from mmfrhead.skeleton import get_layout  # noqa: E402

model = dict(
    type='RecognizerGCN',
    data_preprocessor=dict(
        type='SkeletonPreprocessor', layout='nw_ucla', feats=['j']),
    backbone=dict(graph_cfg=dict(layout=get_layout('nw_ucla').graph_dict())),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=256))

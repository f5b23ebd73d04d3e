"""Tiny AimCLR parts shared by the self-supervised model tests."""
from mmaction.registry import MODELS

from mmfrhead.skeleton import get_layout

UCLA_GRAPH = dict(
    layout=get_layout('nw_ucla').graph_dict(), mode='stgcn_spatial')


def tiny_aimclr(**kwargs):
    """An AimCLR with 4-channel blocks and an 8 -> 8 -> 4 projection."""
    cfg = dict(
        type='AimCLR',
        backbone=dict(
            type='AimCLRSTGCN',
            graph_cfg=UCLA_GRAPH,
            base_channels=4,
            out_channels=8),
        neck=dict(
            type='ProjectionMLP', in_channels=8, hid_channels=8,
            out_channels=4),
        queue_size=8)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model

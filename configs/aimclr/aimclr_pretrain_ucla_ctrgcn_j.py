# AimCLR pre-training of mmfrhead's CTR-GCN (64 base channels, 256 out) on
# NW-UCLA, joint stream: the encoder is config; everything else is
# aimclr_pretrain_ucla_j.py. CTR-GCN keeps its own initialisation; EADM
# acts on its last block's output as on ST-GCN's.
_base_ = ['./aimclr_pretrain_ucla_j.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='CTRGCN',
        graph_cfg=dict(layout='nw_ucla', mode='spatial'),
        num_person=1))

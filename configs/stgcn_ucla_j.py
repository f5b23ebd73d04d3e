# ST-GCN (MMAction2's STGCN) baseline on NW-UCLA (joint stream), the reference
# code's NW-UCLA schedule.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/mmaction_gcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_65e_ucla.py'
]

model = dict(
    backbone=dict(type='STGCN', graph_cfg=dict(mode='stgcn_spatial')))

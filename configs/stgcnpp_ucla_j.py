# STGCN++ (MMAction2's STGCN) baseline on NW-UCLA (joint stream), the reference
# code's NW-UCLA schedule.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/mmaction_gcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_65e_ucla.py'
]

# As MMAction2's stgcnpp configs.
model = dict(
    backbone=dict(
        type='STGCN',
        gcn_adaptive='init',
        gcn_with_res=True,
        tcn_type='mstcn',
        graph_cfg=dict(mode='spatial')))

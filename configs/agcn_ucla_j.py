# 2s-AGCN (MMAction2's AAGCN without attention) baseline on NW-UCLA (joint
# stream), the reference code's NW-UCLA schedule.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/mmaction_gcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_65e_ucla.py'
]

# AAGCN's data batch norm is over (M, V, C): one person here.
model = dict(
    backbone=dict(
        type='AAGCN',
        graph_cfg=dict(mode='spatial'),
        gcn_attention=False,
        num_person=1))

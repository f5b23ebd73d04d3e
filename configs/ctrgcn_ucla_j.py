# CTR-GCN baseline on NW-UCLA (joint stream), the reference code's NW-UCLA
# schedule.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_65e_ucla.py'
]

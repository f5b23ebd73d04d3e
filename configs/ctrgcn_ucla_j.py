# CTR-GCN baseline on NW-UCLA (joint stream), the paper's schedule.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_70e.py'
]

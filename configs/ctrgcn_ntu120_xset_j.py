# CTR-GCN baseline on NTU RGB+D 120 cross-setup (joint stream).
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn.py',
    '_base_/datasets/ntu120_xset.py', '_base_/schedules/sgd_70e.py'
]

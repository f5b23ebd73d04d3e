# CTR-GCN baseline on MSR Action3D cross-subject (joint stream), the
# small-data recipe of results/msr_action3d/README.md.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/msr_action3d.py', '_base_/schedules/sgd_small_data.py'
]

# CTR-GCN + FR Head on MSR Action3D cross-subject (joint stream), the
# small-data recipe of results/msr_action3d/README.md.
_base_ = ['./ctrgcn_msr_j.py', '_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

# CTR-GCN + FR Head on NW-UCLA (joint stream), the reference code's NW-UCLA
# schedule.
_base_ = ['./ctrgcn_ucla_j.py', '_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

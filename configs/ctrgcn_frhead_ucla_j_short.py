# CTR-GCN + FR Head on NW-UCLA (joint stream), short CPU schedule: the
# README's first command.
_base_ = ['./ctrgcn_ucla_j_short.py', '_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

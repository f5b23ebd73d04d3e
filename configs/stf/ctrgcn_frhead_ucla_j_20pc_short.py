# CTR-GCN + FR Head on NW-UCLA (joint stream), 20 % of the training
# sequences per class, short CPU schedule: ctrgcn_ucla_j_20pc_short.py with
# the FR overlay.
_base_ = ['./ctrgcn_ucla_j_20pc_short.py', '../_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

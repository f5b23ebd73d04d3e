# CTR-GCN + FR Head on NW-UCLA (joint stream), 20 % of the training
# sequences per class: ctrgcn_ucla_j_20pc.py with the FR overlay, as
# ../ctrgcn_frhead_ucla_j.py is ../ctrgcn_ucla_j.py with it.
_base_ = ['./ctrgcn_ucla_j_20pc.py', '../_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

# CTR-GCN + STF on NW-UCLA (joint stream), 20 % of the training sequences
# per class, short CPU schedule: ctrgcn_ucla_j_20pc_short.py with the STF
# lines.
_base_ = ['./ctrgcn_ucla_j_20pc_short.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf)

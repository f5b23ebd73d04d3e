# CTR-GCN + STF on NW-UCLA (joint stream), 20 % of the training sequences
# per class: ctrgcn_ucla_j_20pc.py with the STF lines, as
# ctrgcn_stf_ucla_j.py is ../ctrgcn_ucla_j.py with them.
_base_ = ['./ctrgcn_ucla_j_20pc.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf)

# CTR-GCN + STF on NW-UCLA (joint stream), the baseline's NW-UCLA schedule
# [S] (the paper's protocol is [U]).
_base_ = ['../ctrgcn_ucla_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf)

# CTR-GCN + STF on NTU RGB+D 120 cross-subject (joint stream), the baseline's
# schedule [S]. The focus and the L_e mask are per sample and person
# (how the paper treats the two bodies is [U]).
_base_ = ['../ctrgcn_ntu120_xsub_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf)

# CTR-GCN + STF + FR Head on NTU RGB+D 120 cross-setup (joint stream).
_base_ = ['../ctrgcn_frhead_ntu120_xset_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf, type='STFFRRecognizer')

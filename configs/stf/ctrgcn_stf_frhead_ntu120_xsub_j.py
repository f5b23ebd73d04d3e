# CTR-GCN + STF + FR Head on NTU RGB+D 120 cross-subject (joint stream).
_base_ = ['../ctrgcn_frhead_ntu120_xsub_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf, type='STFFRRecognizer')

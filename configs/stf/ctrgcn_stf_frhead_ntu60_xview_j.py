# CTR-GCN + STF + FR Head on NTU RGB+D 60 cross-view (joint stream).
_base_ = ['../ctrgcn_frhead_ntu60_xview_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf, type='STFFRRecognizer')

# CTR-GCN + STF + FR Head on NW-UCLA (joint stream), the short CPU schedule
# of ../ctrgcn_frhead_ucla_j_short.py, as ctrgcn_stf_ucla_j_short.py is
# ../ctrgcn_ucla_j_short.py with the STF lines.
_base_ = ['../ctrgcn_frhead_ucla_j_short.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf, type='STFFRRecognizer')

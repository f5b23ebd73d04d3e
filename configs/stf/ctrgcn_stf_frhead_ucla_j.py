# CTR-GCN + STF + FR Head on NW-UCLA (joint stream): loss_cls, loss_fr and
# the STF losses in one model, the baseline's NW-UCLA schedule.
_base_ = ['../ctrgcn_frhead_ucla_j.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf, type='STFFRRecognizer')

# MS-AAGCN (MMAction2's AAGCN with attention) + FR Head on NW-UCLA (joint
# stream), the reference code's NW-UCLA schedule.
_base_ = ['./msaagcn_ucla_j.py', '_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

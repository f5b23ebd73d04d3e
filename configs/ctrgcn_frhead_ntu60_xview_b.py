_base_ = './ctrgcn_frhead_ntu60_xview_j.py'

model = dict(data_preprocessor=dict(feats=['b']))

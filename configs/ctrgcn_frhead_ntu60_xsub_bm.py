_base_ = './ctrgcn_frhead_ntu60_xsub_j.py'

model = dict(data_preprocessor=dict(feats=['bm']))

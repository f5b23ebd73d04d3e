_base_ = './ctrgcn_frhead_ucla_j.py'

model = dict(data_preprocessor=dict(feats=['jm']))

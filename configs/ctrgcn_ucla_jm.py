_base_ = './ctrgcn_ucla_j.py'

model = dict(data_preprocessor=dict(feats=['jm']))

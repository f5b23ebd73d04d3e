_base_ = './ctrgcn_ntu120_xsub_j.py'

model = dict(data_preprocessor=dict(feats=['jm']))

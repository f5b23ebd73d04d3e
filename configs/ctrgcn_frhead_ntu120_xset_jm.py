_base_ = './ctrgcn_frhead_ntu120_xset_j.py'

model = dict(data_preprocessor=dict(feats=['jm']))

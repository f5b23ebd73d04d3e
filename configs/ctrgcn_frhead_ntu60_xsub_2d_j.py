# CTR-GCN + FR Head on NTU RGB+D 60 cross-subject, 2D COCO keypoints
# (joint stream).
_base_ = ['./ctrgcn_ntu60_xsub_2d_j.py', '_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

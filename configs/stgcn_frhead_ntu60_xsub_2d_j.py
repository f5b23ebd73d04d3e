# ST-GCN (MMAction2's STGCN) + FR Head on NTU RGB+D 60
# x-sub, 2D COCO keypoints (x, y, score), joint stream, with MMAction2's own
# 2D recipe (100 sampled frames, 16 epochs over the training set repeated 5
# times).
_base_ = [
    'mmaction::skeleton/stgcn/stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d.py',  # noqa: E501
    '_base_/models/frhead.py', '_base_/mmfrhead_imports.py'
]

# (M, T, V, C) of MMAction2's pipeline: UniformSampleFrames(clip_len=100),
# the 17 COCO keypoints, and GenSkeFeat's x, y and keypoint score.
model = dict(_base_.frhead, clip_shape=(2, 100, 17, 3))

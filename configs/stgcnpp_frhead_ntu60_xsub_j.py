# STGCN++ (MMAction2's STGCN) + FR Head on NTU RGB+D 60 x-sub, joint stream,
# with MMAction2's own recipe (100 sampled frames, 80 epochs).
_base_ = [
    'mmaction::skeleton/stgcnpp/stgcnpp_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py',  # noqa: E501
    '_base_/models/frhead.py', '_base_/mmfrhead_imports.py'
]

# (M, T, V, C) of MMAction2's pipeline: UniformSampleFrames(clip_len=100).
model = dict(_base_.frhead, clip_shape=(2, 100, 25, 3))

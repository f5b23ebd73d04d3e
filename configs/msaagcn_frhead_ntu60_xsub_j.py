# MS-AAGCN + FR Head on NTU RGB+D 60 x-sub, joint stream, MMAction2's recipe.
_base_ = ['./msaagcn_ntu60_xsub_j.py', '_base_/models/frhead.py']

# (M, T, V, C) of MMAction2's pipeline: UniformSampleFrames(clip_len=100).
model = dict(_base_.frhead, clip_shape=(2, 100, 25, 3))

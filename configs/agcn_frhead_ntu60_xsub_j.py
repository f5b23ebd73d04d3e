# 2s-AGCN (MMAction2's AAGCN, gcn_attention=False) + FR Head on NTU RGB+D 60
# x-sub, joint stream, with MMAction2's own recipe (100 frames, 80 epochs).
_base_ = 'mmaction::skeleton/2s-agcn/2s-agcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'  # noqa: E501

custom_imports = dict(imports=['mmfrhead'], allow_failed_imports=False)
model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=60),
    # After blocks 1, 5, 8 and 10: AAGCN builds 10 blocks gcn.0 ... gcn.9.
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(2, 100, 25, 3))  # UniformSampleFrames(clip_len=100)

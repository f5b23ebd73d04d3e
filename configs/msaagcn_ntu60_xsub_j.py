# MS-AAGCN baseline (MMAction2's AAGCN with its spatial-temporal-channel
# attention) on NTU RGB+D 60 x-sub, joint stream: MMAction2's 2s-AGCN recipe
# with the attention switched back on.
_base_ = [
    'mmaction::skeleton/2s-agcn/2s-agcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py',  # noqa: E501
    '_base_/mmfrhead_imports.py'
]

model = dict(backbone=dict(gcn_attention=True))

# MS-AAGCN + FR Head on NTU RGB+D 60 x-sub, joint stream, MMAction2's recipe.
_base_ = './msaagcn_ntu60_xsub_j.py'

model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=60),
    # After blocks 1, 5, 8 and 10: AAGCN builds 10 blocks gcn.0 ... gcn.9.
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(2, 100, 25, 3))  # UniformSampleFrames(clip_len=100)

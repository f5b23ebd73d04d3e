# CTR-GCN + FR Head on NTU RGB+D 120 cross-setup (joint stream).
_base_ = './ctrgcn_ntu120_xset_j.py'

model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=120),
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(2, 64, 25, 3))

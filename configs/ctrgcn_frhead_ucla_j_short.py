# CTR-GCN + FR Head on NW-UCLA (joint stream), short CPU schedule: the
# README's first command.
_base_ = './ctrgcn_ucla_j_short.py'

model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=10),
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(1, 52, 20, 3))

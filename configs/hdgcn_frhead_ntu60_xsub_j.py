# HD-GCN + FR Head on NTU RGB+D 60 cross-subject (joint stream).
_base_ = './hdgcn_ntu60_xsub_j.py'

model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=60),
    # After layers 1, 5, 8 and 10 (gcn.0 ... gcn.9).
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(2, 64, 25, 3))  # (M, T, V, C) from the pipeline

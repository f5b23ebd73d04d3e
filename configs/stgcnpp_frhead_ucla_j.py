# STGCN++ (MMAction2's STGCN) + FR Head on NW-UCLA (joint stream), the
# reference code's NW-UCLA schedule.
_base_ = './stgcnpp_ucla_j.py'

model = dict(
    type='FRRecognizer',
    fr_head=dict(type='FRHead', num_classes=10),
    # After blocks 1, 5, 8 and 10 (gcn.0 ... gcn.9).
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(1, 52, 20, 3))  # (M, T, V, C) from the pipeline

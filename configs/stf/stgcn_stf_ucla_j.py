# ST-GCN (MMAction2's STGCN) + STF on NW-UCLA (joint stream), the baseline's
# NW-UCLA schedule. The STF modules are blocks 5-10 with STFUnitGCN: the
# physical graph + a learnable offset + a gated embedded similarity
# (2s-AGCN's), 16 embedding channels [S].
_base_ = ['../stgcn_ucla_j.py', './_base_/stf_ctrgcn.py']

model = dict(
    _base_.stf,
    backbone=dict(
        type='STFSTGCN', stf_stages=(4, 5, 6, 7, 8, 9), embed_channels=16))

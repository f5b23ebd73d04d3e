# CTR-GCN on NW-UCLA (joint stream), 20 % of the training sequences per
# class (the draw of ctrgcn_ucla_j_20pc.py) on the short CPU schedule of
# ../ctrgcn_ucla_j_short.py: 20 one-pass epochs over the smaller set, a
# fifth of the full-data short run's 1,280 iterations [S].
_base_ = ['../ctrgcn_ucla_j_short.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            _delete_=True,
            type='PerClassSubset',
            fraction=0.2,
            seed=0,
            dataset=_base_.train_dataloader.dataset.dataset)))

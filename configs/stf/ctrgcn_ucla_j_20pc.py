# CTR-GCN on NW-UCLA (joint stream) trained on 20 % of the training
# sequences of every class (STF's scarce-data measurement): round(0.2 n_c)
# of views 1 + 2 per class (PerClassSubset, seed 0, the same sequences for
# the four models *_ucla_j_20pc.py), tested on all of view 3; everything
# else is ../ctrgcn_ucla_j.py. An epoch still makes 5 passes over the
# (smaller) training set, so a run has a fifth of the steps [S].
_base_ = ['../ctrgcn_ucla_j.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            _delete_=True,
            type='PerClassSubset',
            fraction=0.2,
            seed=0,
            dataset=_base_.train_dataloader.dataset.dataset)))

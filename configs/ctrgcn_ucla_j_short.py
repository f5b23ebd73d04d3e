# CTR-GCN baseline on NW-UCLA (joint stream), short CPU schedule: 3 epochs
# of one pass over the training set each.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_short.py'
]

train_dataloader = dict(dataset=dict(times=1))

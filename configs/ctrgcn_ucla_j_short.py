# CTR-GCN baseline on NW-UCLA (joint stream), short CPU schedule
# (_base_/schedules/sgd_short.py): 20 epochs of one pass over the training
# set each, 1,280 iterations of batch 16; a log line every 10 iterations.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_short.py'
]

train_dataloader = dict(dataset=dict(times=1))
default_hooks = dict(logger=dict(interval=10))

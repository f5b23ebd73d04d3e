# CTR-GCN baseline on NW-UCLA (joint stream), short CPU schedule
# (_base_/schedules/sgd_short.py): 20 epochs of one pass over the training
# set each, 1,280 iterations of batch 16; a log line every 10 iterations.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/ctrgcn_ucla.py',
    '_base_/datasets/nw_ucla.py', '_base_/schedules/sgd_short.py'
]

default_hooks = dict(logger=dict(interval=10))
# One data worker: the pipeline still delivers about 20 times what the model
# trains on, and on 2 cores a second worker competes with the compute
# threads (idle machine, bfloat16, 2 threads: 0.58-0.68 s per step with one
# worker, 0.77-0.79 with two).
train_dataloader = dict(num_workers=1, dataset=dict(times=1))

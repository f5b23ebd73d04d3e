# AimCLR pre-training on NW-UCLA for the CPU measurement: the shipped
# aimclr_pretrain_ucla_j.py (100 epochs, NNM from the 51st, lr x0.1 after
# epoch 83) cut to 40 epochs, NNM from the 21st and lr x0.1 after epoch 33,
# the same fractions of the schedule; kNN monitor every 10 epochs.
_base_ = ['../../../configs/aimclr/aimclr_pretrain_ucla_j.py']

train_cfg = dict(max_epochs=40)
param_scheduler = [
    dict(type='MultiStepLR', milestones=[33], gamma=0.1, by_epoch=True)
]
custom_hooks = [
    dict(type='QueueCheckHook'),
    dict(type='NNMSwitchHook', begin_epoch=20),
    dict(
        type='KNNMonitorHook',
        memory_dataloader=_base_.knn_memory,
        query_dataloader=_base_.knn_query,
        k=20,
        interval=10)
]

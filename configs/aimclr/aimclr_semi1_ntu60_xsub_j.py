# AimCLR's semi-supervised protocol on NTU-60 x-sub, joint stream, with 1 % of
# the labels: the fine-tuning of aimclr_finetune_ntu60_xsub_j.py on
# round(0.01 n_c) training sequences of every class c (PerClassSubset, seed
# 0; AimCLR's Feeder_semi draws per class too), tested on the whole test
# split. AimCLR reports 54.8 % top-1 for 3 streams.
_base_ = ['./aimclr_finetune_ntu60_xsub_j.py']

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PerClassSubset',
        fraction=0.01,
        seed=0,
        dataset=_base_.train_dataloader.dataset))

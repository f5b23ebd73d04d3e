# AimCLR's semi-supervised protocol on NW-UCLA (views 1 + 2, test on view
# 3), joint stream, with 1 % of the labels: the fine-tuning of
# aimclr_finetune_ucla_j.py (the project's supervised NW-UCLA recipe, every
# epoch 5 passes) on round(0.01 n_c) = 1 training sequence of every class
# (PerClassSubset, seed 0; AimCLR's Feeder_semi draws per class too).
_base_ = ['./aimclr_finetune_ucla_j.py']

train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            _delete_=True,
            type='PerClassSubset',
            fraction=0.01,
            seed=0,
            dataset=_base_.train_dataloader.dataset.dataset)))

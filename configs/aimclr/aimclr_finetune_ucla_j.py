# Supervised fine-tuning on NW-UCLA (views 1 + 2, test on view 3, joint) of
# the encoder pre-trained by aimclr_pretrain_ucla_j.py: MMAction2's
# RecognizerGCN with that AimCLRSTGCN (every layer trained) and a GCNHead.
# AimCLR released no fine-tuning hyper-parameters, so this uses the
# project's supervised NW-UCLA recipe of stgcn_ucla_j.py (its pipeline and
# the reference code's NW-UCLA schedule); the same recipe as
# aimclr_frhead_finetune_ucla_j.py, so the two compare FR Head alone.
# Unlike AimCLR's fine-tuning script (model.eval() throughout), batch norms
# and dropout are in training mode.
_base_ = ['../stgcn_ucla_j.py']

model = dict(
    backbone=dict(
        type='AimCLRSTGCN',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/aimclr_pretrain_ucla_j/epoch_100.pth',
            prefix='backbone.')))

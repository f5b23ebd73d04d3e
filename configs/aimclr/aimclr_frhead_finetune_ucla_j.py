# AimCLR pre-training followed by supervised fine-tuning with FR Head on
# NW-UCLA (joint): FRRecognizer (FR Head on blocks 1, 5, 8 and 10) with the
# backbone initialised from aimclr_pretrain_ucla_j.py's query encoder
# (prefix 'backbone.'); pipeline and schedule of stgcn_frhead_ucla_j.py,
# as aimclr_finetune_ucla_j.py without FR Head.
_base_ = ['../stgcn_frhead_ucla_j.py']

model = dict(
    backbone=dict(
        type='AimCLRSTGCN',
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/aimclr_pretrain_ucla_j/epoch_100.pth',
            prefix='backbone.')))

# AimCLR pre-training followed by supervised fine-tuning with FR Head on
# NW-UCLA (joint): aimclr_finetune_ucla_j.py (the pre-trained query encoder,
# prefix 'backbone.') with FR Head on blocks 1, 5, 8 and 10, so that the two
# configs differ by FR Head alone.
_base_ = ['./aimclr_finetune_ucla_j.py', '../_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

# AimCLR's semi-supervised protocol on NW-UCLA, joint stream, with 10 % of
# the labels per class (10-12 sequences); else aimclr_semi1_ucla_j.py.
_base_ = ['./aimclr_semi1_ucla_j.py']

train_dataloader = dict(dataset=dict(dataset=dict(fraction=0.1)))

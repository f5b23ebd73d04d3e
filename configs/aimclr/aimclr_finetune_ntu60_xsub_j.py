# AimCLR's fine-tuning on NTU-60 x-sub, joint stream: the encoder pre-trained
# by aimclr_pretrain_ntu60_xsub_j.py and a fresh classifier trained together
# on every training label. As AimCLR's finetune_evaluation script: the
# clips of linear evaluation (aimclr_linear_ntu60_xsub_j.py, not augmented)
# and the backbone in eval mode throughout (its model.eval(): batch norms on
# the pre-trained statistics, dropout off). AimCLR released no fine-tuning
# hyper-parameters (its issues #3 and #16), so this takes its linear-
# evaluation schedule (100 epochs, x0.1 after 80, batch 128, weight decay 0)
# with lr 0.1 instead of 3.0 [S]. AimCLR reports 86.9 % top-1 for 3 streams.
_base_ = ['./aimclr_linear_ntu60_xsub_j.py']

model = dict(frozen=False, backbone_eval=True, cache_features=False)
optim_wrapper = dict(optimizer=dict(lr=0.1))

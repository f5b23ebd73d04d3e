# AimCLR's fine-tuning on NTU-120 x-sub, joint stream, of the encoder of
# aimclr_pretrain_ntu120_xsub_j.py: aimclr_linear_ntu120_xsub_j.py with the
# settings of aimclr_finetune_ntu60_xsub_j.py (all trained, backbone in eval
# mode, lr 0.1 [S]).
_base_ = ['./aimclr_linear_ntu120_xsub_j.py']

model = dict(frozen=False, backbone_eval=True, cache_features=False)
optim_wrapper = dict(optimizer=dict(lr=0.1))

# A0: the NW-UCLA recipe on MSR Action3D, as README "Train on your own data"
# runs it, for 20 passes (380 iterations): the NW-UCLA pipeline
# (spine-centring, random view +-60 degrees and scale 0.5-1.5, per-axis
# min-max, 52 random frames) and the short CPU schedule of commit b6eb8e1
# (SGD lr 0.1, one-pass warm-up, cosine to 0), written out here so that
# later changes to the shipped short schedule do not move it.
# The other files here change one thing each.
_base_ = [
    '../../../configs/_base_/default_runtime.py',
    '../../../configs/_base_/models/ctrgcn_ucla.py',
    '../../../configs/_base_/datasets/nw_ucla.py',
    '../../../configs/_base_/schedules/sgd_70e.py'
]

dataset_meta = dict(
    ann_file='../shared/data/msr_action3d/msr_action3d_3d.pkl',
    train_split='xsub_train',
    val_split='xsub_val',
    num_classes=20)
train_dataloader = dict(dataset=dict(times=1))
train_cfg = dict(max_epochs=20)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.2,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=0.,
        by_epoch=True,
        begin=1,
        end=20,
        convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=16)

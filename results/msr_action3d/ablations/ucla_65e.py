# The reference NW-UCLA schedule (configs/ctrgcn_ucla_j.py: epochs of 5
# passes, 5-epoch warm-up, step at epoch 50) cut to the same 20 passes
# (4 epochs): the learning rate is still warming up when training stops.
_base_ = ['../../../configs/ctrgcn_ucla_j.py']

dataset_meta = dict(
    ann_file='../shared/data/msr_action3d/msr_action3d_3d.pkl',
    train_split='xsub_train',
    val_split='xsub_val',
    num_classes=20)
train_cfg = dict(max_epochs=4)

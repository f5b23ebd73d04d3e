_base_ = './ntu_3d.py'

ann_file = 'data/ntu/ntu60_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_train'))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xview_val'))
test_dataloader = val_dataloader

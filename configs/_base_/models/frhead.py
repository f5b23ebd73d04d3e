# The FR Head lines of every backbone whose ten blocks are gcn.0 ... gcn.9:
# mmfrhead's CTRGCN and HDGCN, MMAction2's STGCN (also STGCN++) and AAGCN
# (2s-AGCN, MS-AAGCN). A FR config inherits its baseline and this file and
# adds the clip shape:
#   _base_ = ['./ctrgcn_ucla_j.py', '_base_/models/frhead.py']
#   model = dict(_base_.frhead, clip_shape=_base_.clip_shape)
# (MMEngine refuses a key that two bases both set, so this file names the
# FR lines `frhead` and the config merges them into `model`.) A backbone
# with other stage names gets a file like this one with its own taps.
frhead = dict(
    type='FRRecognizer',
    # num_classes comes from the baseline's cls_head.
    fr_head=dict(type='FRHead'),
    # After blocks 1, 5, 8 and 10 (Sec. 3.2.1).
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'))

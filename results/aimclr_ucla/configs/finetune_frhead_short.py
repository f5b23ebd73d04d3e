# finetune_short.py with FR Head: FRRecognizer over the same encoder.
_base_ = ['./finetune_short.py', '../../../configs/_base_/models/frhead.py']

model = dict(_base_.frhead, clip_shape=_base_.clip_shape)

_base_ = ['mmaction::_base_/default_runtime.py', './mmfrhead_imports.py']

default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook', interval=1, save_best='auto',
        max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=20))
randomness = dict(seed=1)

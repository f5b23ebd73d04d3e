_base_ = 'mmaction::_base_/default_runtime.py'

# Registers mmfrhead's models and transforms (and applies its stack fixes)
# for tools/train.py, tools/test.py and MMAction2's own tools alike.
custom_imports = dict(imports=['mmfrhead'], allow_failed_imports=False)

default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook', interval=1, save_best='auto',
        max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=20))
randomness = dict(seed=1)

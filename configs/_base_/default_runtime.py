_base_ = 'mmaction::_base_/default_runtime.py'

# The modules that register mmfrhead's models (applying the stack fixes
# first), transforms, metric and hook, for tools/train.py, tools/test.py and
# MMAction2's own tools alike (mmfrhead.utils.REGISTERING_MODULES).
custom_imports = dict(
    imports=[
        'mmfrhead.models', 'mmfrhead.datasets.transforms',
        'mmfrhead.evaluation', 'mmfrhead.engine'
    ],
    allow_failed_imports=False)

default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook', interval=1, save_best='auto',
        max_keep_ckpts=2),
    logger=dict(type='LoggerHook', interval=20))
randomness = dict(seed=1)

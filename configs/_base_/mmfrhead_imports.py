# The modules that register mmfrhead's models (applying the stack fixes
# first), transforms, dataset wrappers, metric and hooks, for tools/train.py, tools/test.py and
# MMAction2's own tools alike (mmfrhead.utils.REGISTERING_MODULES). Inherited
# by default_runtime.py, and by configs over MMAction2's shipped configs.
custom_imports = dict(
    imports=[
        'mmfrhead.models', 'mmfrhead.datasets.transforms',
        'mmfrhead.datasets.subsets', 'mmfrhead.evaluation', 'mmfrhead.engine'
    ],
    allow_failed_imports=False)

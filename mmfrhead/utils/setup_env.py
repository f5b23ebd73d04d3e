"""Register mmfrhead's modules, as MMAction2's ``register_all_modules``."""
import importlib

# The modules whose import registers mmfrhead's classes into MMAction2's
# registries; configs name them in ``custom_imports``. ``mmfrhead.models``
# comes first: it applies the stack fixes MMAction2's models need.
REGISTERING_MODULES = ('mmfrhead.models', 'mmfrhead.datasets.transforms',
                       'mmfrhead.datasets.subsets', 'mmfrhead.evaluation',
                       'mmfrhead.engine')


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register MMAction2's and mmfrhead's modules into the registries.

    Imports :data:`REGISTERING_MODULES` (which applies the fixes of
    :func:`mmfrhead.compat.apply_stack_fixes`), then calls MMAction2's
    ``register_all_modules``. mmfrhead registers into MMAction2's registries,
    so its classes are built in the ``'mmaction'`` scope.

    Args:
        init_default_scope (bool): Set the default scope to ``'mmaction'``,
            as MMAction2's ``register_all_modules`` does. Configs that set
            ``default_scope`` (all of mmfrhead's) do not need it.
            Defaults to True.
    """
    for name in REGISTERING_MODULES:
        importlib.import_module(name)
    from mmaction.utils import register_all_modules as register_mmaction
    register_mmaction(init_default_scope)

"""mmfrhead: the Feature Refinement Head for MMAction2 skeleton recognizers.

Importing the package registers nothing and imports neither torch nor
MMAction2: :func:`mmfrhead.utils.register_all_modules`, or ``custom_imports``
in a config, registers the models, transforms, metric and hook.
"""
from .version import __version__

__all__ = ['__version__']

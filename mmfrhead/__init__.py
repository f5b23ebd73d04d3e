"""mmfrhead: the Feature Refinement Head for MMAction2 skeleton recognizers."""
from .compat import apply_stack_fixes

apply_stack_fixes()

# Registers the datasets, models, metrics and hooks.
from . import datasets, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']

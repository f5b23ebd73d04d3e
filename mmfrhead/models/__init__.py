# Registers the models; first applies the stack fixes MMAction2's models need.
from mmfrhead.compat import apply_stack_fixes

apply_stack_fixes()

from .backbones import *  # noqa: E402,F401,F403
from .data_preprocessors import *  # noqa: E402,F401,F403
from .heads import *  # noqa: E402,F401,F403
from .losses import *  # noqa: E402,F401,F403
from .necks import *  # noqa: E402,F401,F403
from .recognizers import *  # noqa: E402,F401,F403
from .stf import *  # noqa: E402,F401,F403
from .selfsup import *  # noqa: E402,F401,F403
from .utils import *  # noqa: E402,F401,F403

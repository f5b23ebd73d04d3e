"""mmfrhead's training hooks (registered in MMAction2's ``HOOKS``) and
optimiser wrappers (``OPTIM_WRAPPERS``)."""
from .hooks import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403

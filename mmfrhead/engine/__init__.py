"""mmfrhead's training hooks (registered in MMAction2's ``HOOKS``)."""
from .hooks import *  # noqa: F401,F403

from . import transforms  # noqa: F401  (registers the transforms)

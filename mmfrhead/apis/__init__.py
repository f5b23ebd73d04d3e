from .checkpoint import strip_fr_head, strip_fr_head_file

__all__ = ['strip_fr_head', 'strip_fr_head_file']

from .fr_head import FRHead

__all__ = ['FRHead']

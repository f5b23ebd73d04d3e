from .focus import SpatioTemporalFocus

__all__ = ['SpatioTemporalFocus']

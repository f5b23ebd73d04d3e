from .layouts import LAYOUTS, SkeletonLayout, get_layout, register_layout

__all__ = ['LAYOUTS', 'SkeletonLayout', 'get_layout', 'register_layout']

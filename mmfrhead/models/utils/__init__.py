from .graph import BONE_PAIRS, LAYOUTS, build_graph

__all__ = ['BONE_PAIRS', 'LAYOUTS', 'build_graph']

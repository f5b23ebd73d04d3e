from .stage_taps import StageTaps

__all__ = ['StageTaps']

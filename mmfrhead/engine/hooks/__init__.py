from .nnm_switch import NNMSwitchHook
from .queue_check import QueueCheckHook

__all__ = ['NNMSwitchHook', 'QueueCheckHook']

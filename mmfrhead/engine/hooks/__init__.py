from .dataset_check import DatasetCheckHook
from .knn_monitor import KNNMonitorHook, knn_top1
from .nnm_switch import NNMSwitchHook
from .queue_check import QueueCheckHook

__all__ = [
    'DatasetCheckHook', 'KNNMonitorHook', 'NNMSwitchHook', 'QueueCheckHook',
    'knn_top1'
]

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from .aimclr_stgcn import aimclr_init


def pool_features(x: torch.Tensor) -> torch.Tensor:
    """Average a GCN backbone's output over time, joints and persons.

    Args:
        x (torch.Tensor): Features ``(N, M, C, T, V)``.

    Returns:
        torch.Tensor: ``(N, C)``, pooled as ``GCNHead`` and AimCLR pool.
    """
    return x.mean(dim=(3, 4)).mean(dim=1)  # (N, C)


@MODELS.register_module()
class ProjectionMLP(BaseModule):
    """MoCo v2's projection head on pooled skeleton features.

    Pools ``(N, M, C, T, V)`` with :func:`pool_features`, then
    ``Linear(in, hid) - ReLU - Linear(hid, out)`` (AimCLR's "mlp hack",
    ``fc.0`` and ``fc.2`` as in its checkpoints).

    Args:
        in_channels (int): Channels of the backbone. Defaults to 256.
        hid_channels (int): Hidden width. Defaults to 256.
        out_channels (int): Embedding size. Defaults to 128.
    """

    def __init__(self,
                 in_channels: int = 256,
                 hid_channels: int = 256,
                 out_channels: int = 128) -> None:
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(in_channels, hid_channels), nn.ReLU(),
            nn.Linear(hid_channels, out_channels))

    def init_weights(self) -> None:
        """AimCLR's initialisation: ``N(0, 0.02)`` weights, zero biases."""
        aimclr_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed ``(N, M, C, T, V)`` features as ``(N, out_channels)``."""
        return self.fc(pool_features(x))

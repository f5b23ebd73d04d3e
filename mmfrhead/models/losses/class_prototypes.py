from typing import Tuple

import torch
import torch.distributed as dist
import torch.nn as nn


def _global_sum(x: torch.Tensor) -> torch.Tensor:
    """Sum ``x`` over all ranks, keeping the gradient of the local part."""
    if not (dist.is_available() and dist.is_initialized()
            and dist.get_world_size() > 1):
        return x
    total = x.detach().clone()
    dist.all_reduce(total)
    return x + (total - x.detach())


def class_sums(masks: torch.Tensor,
               feats: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-class sums and counts of the samples selected by ``masks``.

    Args:
        masks (torch.Tensor): Selection ``(N, K)`` of 0/1 values.
        feats (torch.Tensor): Features ``(N, H)``.

    Returns:
        tuple[torch.Tensor]: Sums ``(K, H)`` and counts ``(K, )``.
    """
    return masks.t() @ feats, masks.sum(0)


class ClassPrototypes(nn.Module):
    """One prototype per class, the EMA of its true positives (Eq. 3).

    The prototypes are a registered buffer, so they are saved in checkpoints
    and restored on resume. Under ``torch.distributed`` the true-positive sums
    and counts of all ranks are added before the update, so every rank holds
    the same prototypes without any buffer broadcast.

    Args:
        num_classes (int): Number of classes.
        channels (int): Width of a prototype.
        momentum (float): EMA momentum (``alpha`` of Eq. 3).
            Defaults to 0.9.
    """

    def __init__(self,
                 num_classes: int,
                 channels: int,
                 momentum: float = 0.9) -> None:
        super().__init__()
        self.momentum = momentum
        # Random N(0, 1) start, as the reference; replaced class by class
        # as true positives arrive.
        self.register_buffer('prototypes', torch.randn(num_classes, channels))

    def forward(self, feats: torch.Tensor,
                tp_masks: torch.Tensor) -> torch.Tensor:
        """Prototypes after this batch; stored only in training mode.

        Args:
            feats (torch.Tensor): Features ``(N, channels)``.
            tp_masks (torch.Tensor): ``(N, K)``, 1 where sample ``n`` is a
                true positive of class ``k``.

        Returns:
            torch.Tensor: The updated prototypes ``(K, channels)``, which
            carry the gradient of this batch's true positives (classes
            without one keep their stored, detached prototype).
        """
        tp_sum, tp_count = class_sums(tp_masks, feats)
        tp_sum, tp_count = _global_sum(tp_sum), _global_sum(tp_count)
        has_tp = (tp_count > 0)[:, None]  # (K, 1)
        tp_mean = tp_sum / tp_count.clamp(min=1)[:, None]
        old = self.prototypes.detach()
        prototypes = torch.where(
            has_tp, self.momentum * old + (1 - self.momentum) * tp_mean, old)
        if self.training:
            self.prototypes.copy_(prototypes.detach())
        return prototypes

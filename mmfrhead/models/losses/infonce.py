from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """InfoNCE over MoCo logits, with one or several positives per row.

    With one positive (column 0, the key) it is ``CE(logits, 0)``. With a
    mask of positives (AimCLR's nearest-neighbour mining) it is
    ``mean_n[-sum_j mask_j log softmax(logits)_j / sum_j mask_j]``; the mined
    positives stay in the denominator, as in AimCLR. Computed in fp32.

    Args:
        loss_weight (float): Factor of the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self,
                logits: torch.Tensor,
                pos_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The loss of ``logits`` ``(N, 1 + K)`` (already divided by the
        temperature); ``pos_mask`` ``(N, 1 + K)`` marks the positives, None
        for the key (column 0) alone."""
        logits = logits.float()
        if pos_mask is None:
            target = logits.new_zeros(logits.size(0), dtype=torch.long)
            loss = F.cross_entropy(logits, target)
        else:
            pos_mask = pos_mask.to(logits)
            log_prob = F.log_softmax(logits, dim=1)
            loss = (-(pos_mask * log_prob).sum(1) / pos_mask.sum(1)).mean()
        return self.loss_weight * loss

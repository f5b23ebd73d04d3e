import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS


@MODELS.register_module()
class DistributionalDivergenceLoss(nn.Module):
    """One term of AimCLR's D3M: a distribution learns a detached target.

    ``-mean_n sum_j softmax(target)_j log softmax(logits)_j``, i.e.
    ``KL(p_target || p) + H(p_target)``: the gradient reaches ``logits``
    only. Computed in fp32 with ``log_softmax`` (AimCLR takes the log of a
    softmax: the same value in fp32 at its temperature).

    Args:
        loss_weight (float): Factor of the loss; AimCLR averages its two D3M
            terms, 0.5 each. Defaults to 0.5.
    """

    def __init__(self, loss_weight: float = 0.5) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor,
                target_logits: torch.Tensor) -> torch.Tensor:
        """The loss of ``logits`` ``(N, 1 + K)`` against ``target_logits``
        of the same shape (both divided by the temperature)."""
        target = F.softmax(target_logits.detach().float(), dim=1)
        log_prob = F.log_softmax(logits.float(), dim=1)
        return self.loss_weight * -(target * log_prob).sum(1).mean()

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule


def _rescaled(x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """``x * keep``, rescaled by the kept fraction over the whole batch."""
    return x * keep * (keep.numel() / keep.sum().clamp(min=1.))


@MODELS.register_module()
class EnergyAttentionDrop(BaseModule):
    """AimCLR's EADM: energy-based attention-guided drop.

    SimAM attention of every element of ``(NM, C, T, V)`` features, per
    channel over ``(T, V)``: ``d = (x - mean)^2``,
    ``a = sigmoid(d / (4 (var + lambda)) + 0.5)`` with ``var`` the unbiased
    ``sum(d) / (T V - 1)``. Joints whose attention averaged over channels
    and time reaches ``keep_prob`` are zeroed, then every element whose
    attention reaches it (both masks from the one attention map of the
    undropped input); each drop rescales by ``numel / kept`` counted over
    the whole batch. The masks carry no gradient. A batch with nothing kept
    comes out zero (AimCLR divides by zero there).

    Args:
        keep_prob (float): Attention threshold (AimCLR passes 0.7).
            Defaults to 0.7.
        e_lambda (float): SimAM's lambda. Defaults to 1e-4.
        legacy_noop (bool): Reproduce AimCLR's first release (2021-12,
            before commit d12da71), whose masks came out all ones, so that
            EADM returned its input. Defaults to False.
    """

    def __init__(self,
                 keep_prob: float = 0.7,
                 e_lambda: float = 1e-4,
                 legacy_noop: bool = False) -> None:
        super().__init__()
        self.keep_prob = keep_prob
        self.e_lambda = e_lambda
        self.legacy_noop = legacy_noop

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Drop from backbone features ``(N, M, C, T, V)`` (same shape)."""
        if self.legacy_noop:
            return x
        n, m, c, t, v = x.shape
        x = x.reshape(n * m, c, t, v)
        with torch.no_grad():
            d = (x - x.mean(dim=(2, 3), keepdim=True))**2  # (NM, C, T, V)
            var = d.sum(dim=(2, 3), keepdim=True) / (t * v - 1)
            att = torch.sigmoid(d / (4 * (var + self.e_lambda)) + 0.5)
            keep_joint = (att.mean(dim=(1, 2)) < self.keep_prob).to(x)
            keep_elem = (att < self.keep_prob).to(x)  # (NM, C, T, V)
        x = _rescaled(x, keep_joint[:, None, None, :])  # (NM, 1, 1, V) mask
        x = _rescaled(x, keep_elem)
        return x.reshape(n, m, c, t, v)

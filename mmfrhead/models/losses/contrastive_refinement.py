from typing import Tuple

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS


def _global_sum(x: torch.Tensor) -> torch.Tensor:
    """Sum ``x`` over all ranks, keeping the gradient of the local part."""
    if not (dist.is_available() and dist.is_initialized()
            and dist.get_world_size() > 1):
        return x
    total = x.detach().clone()
    dist.all_reduce(total)
    return x + (total - x.detach())


def _class_means(masks: torch.Tensor,
                 z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-class sums and counts of the samples selected by ``masks``.

    Args:
        masks (torch.Tensor): Selection ``(N, K)`` of 0/1 values.
        z (torch.Tensor): Features ``(N, H)``.

    Returns:
        tuple[torch.Tensor]: Sums ``(K, H)`` and counts ``(K, )``.
    """
    return masks.t() @ z, masks.sum(0)


@MODELS.register_module()
class ContrastiveRefinementLoss(nn.Module):
    """Contrastive feature refinement of FR Head (Sec. 3.2.3, Eqs. 3-8).

    Features of correctly classified (true positive, TP) samples update one
    prototype per class by an exponential moving average (Eq. 3). Each sample
    ``i`` of class ``k`` is then classified against the prototypes by cosine
    similarity over a temperature, twice: once with the logit of ``k``
    lowered by the compensation term ``phi_i = 1 - cos(F_i, mu_FN^k)``
    (Eq. 6) and once by the penalty term ``psi_i = 1 + cos(F_i, mu_FP^k)``
    (Eq. 7), where ``mu_FN^k`` / ``mu_FP^k`` are the batch means of the false
    negatives / false positives of class ``k``. The terms are weighted by
    ``alpha * (1 - p_ik)``, so uncertain samples are calibrated harder, and
    the loss is the sum of the two cross-entropies (Eq. 8).

    With ``alpha == temperature`` (the reference code's 0.125 for both) the
    logits are exactly Eq. 8's ``cos / tau - (1 - p) * phi``. The paper
    applies the calibration to TP anchors only (``version='V1'``); the
    reference code's default ``'V0'`` applies it to every sample.

    The prototypes are a registered buffer: saved in checkpoints, restored on
    resume and, under ``torch.distributed``, updated from the TP sums and
    counts of all ranks, so every rank holds the same prototypes.

    Args:
        in_channels (int): Width of the input features.
        num_classes (int): Number of classes (prototypes).
        hidden_channels (int): Width of the refined features when
            ``use_projection`` is True. Defaults to 256.
        use_projection (bool): Apply a linear projection to
            ``hidden_channels`` first (reference code; not in the paper).
            Defaults to True.
        momentum (float): EMA momentum of the prototypes (``alpha`` of
            Eq. 3). Defaults to 0.9.
        temperature (float): Temperature ``tau``. Defaults to 0.125.
        alpha (float): Scale of the calibration terms. Defaults to 0.125.
        version (str): ``'V0'`` calibrates every sample, ``'V1'`` only TP
            samples (as Eqs. 6-7). Defaults to ``'V0'``.
        confidence_weighting (bool): Weight the calibration by
            ``1 - p_ik``; False uses the constant ``alpha``.
            Defaults to True.
        pred_threshold (float): A correct prediction counts as TP only if
            its probability exceeds this. Defaults to 0.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 hidden_channels: int = 256,
                 use_projection: bool = True,
                 momentum: float = 0.9,
                 temperature: float = 0.125,
                 alpha: float = 0.125,
                 version: str = 'V0',
                 confidence_weighting: bool = True,
                 pred_threshold: float = 0.) -> None:
        super().__init__()
        if version not in ('V0', 'V1'):
            raise ValueError(f"version must be 'V0' or 'V1', got {version!r}")
        self.num_classes = num_classes
        self.momentum = momentum
        self.temperature = temperature
        self.alpha = alpha
        self.version = version
        self.confidence_weighting = confidence_weighting
        self.pred_threshold = pred_threshold
        if use_projection:
            self.projection = nn.Linear(in_channels, hidden_channels)
            feat_channels = hidden_channels
        else:
            self.projection = nn.Identity()
            feat_channels = in_channels
        # Random N(0, 1) start, as the reference; replaced class by class
        # as true positives arrive.
        self.register_buffer('prototypes',
                             torch.randn(num_classes, feat_channels))

    def forward(self, feats: torch.Tensor, cls_scores: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """Compute the loss and, in training mode, update the prototypes.

        Args:
            feats (torch.Tensor): Features ``(N, in_channels)``.
            cls_scores (torch.Tensor): Detached classifier logits ``(N, K)``.
            labels (torch.Tensor): Ground-truth labels ``(N, )``.

        Returns:
            torch.Tensor: The scalar loss (mean over the batch).
        """
        z = self.projection(feats)  # (N, H)
        K = self.num_classes
        prob = cls_scores.softmax(dim=1)  # (N, K)
        pred = cls_scores.argmax(dim=1)  # (N, )
        wrong = (pred != labels).to(z.dtype)[:, None]  # (N, 1)
        label_hot = F.one_hot(labels, K).to(z.dtype)  # (N, K)
        p_true = prob.gather(1, labels[:, None])  # (N, 1)
        tp = (1. - wrong) * (p_true > self.pred_threshold).to(z.dtype)

        # Eq. 3: EMA of the TP class means (sums and counts of all ranks).
        tp_sum, tp_count = _class_means(label_hot * tp, z)
        tp_sum, tp_count = _global_sum(tp_sum), _global_sum(tp_count)
        has_tp = (tp_count > 0)[:, None]  # (K, 1)
        tp_mean = tp_sum / tp_count.clamp(min=1)[:, None]
        old = self.prototypes.detach()
        prototypes = torch.where(
            has_tp, self.momentum * old + (1 - self.momentum) * tp_mean, old)
        if self.training:
            self.prototypes.copy_(prototypes.detach())

        # Eq. 5: batch centres of the FN and FP samples of each class.
        fn_sum, fn_count = _class_means(label_hot * wrong, z)
        pred_hot = F.one_hot(pred, K).to(z.dtype)
        fp_sum, fp_count = _class_means(pred_hot * wrong, z)

        z = F.normalize(z, dim=1)
        cos = z @ F.normalize(prototypes, dim=1).t()  # (N, K)
        cos_fn = (z * F.normalize(fn_sum, dim=1)[labels]).sum(1)  # (N, )
        cos_fp = (z * F.normalize(fp_sum, dim=1)[labels]).sum(1)
        phi = (1. - cos_fn) * (fn_count[labels] > 0)  # Eq. 6
        psi = (1. + cos_fp) * (fp_count[labels] > 0)  # Eq. 7

        weight = torch.full_like(phi, self.alpha)
        if self.confidence_weighting:
            weight = weight * (1. - p_true[:, 0])
        if self.version == 'V1':
            weight = weight * tp[:, 0]
        loss = 0.
        for term in (phi, psi):  # Eq. 8: both calibrated classifications
            logits = (cos - (weight * term)[:, None] * label_hot)
            loss = loss + F.cross_entropy(logits / self.temperature, labels)
        return loss

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .class_prototypes import ClassPrototypes, class_sums


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

    The prototypes are a :class:`ClassPrototypes` (``memory``): a buffer
    saved in checkpoints, restored on resume and, under
    ``torch.distributed``, updated from the TP sums and counts of all ranks,
    so every rank holds the same prototypes.

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
        self.memory = ClassPrototypes(num_classes, feat_channels, momentum)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        """Read checkpoints written before the prototypes moved into
        ``memory`` (key ``<prefix>prototypes``)."""
        old = prefix + 'prototypes'
        if old in state_dict:
            state_dict[prefix + 'memory.prototypes'] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

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

        prototypes = self.memory(z, label_hot * tp)  # Eq. 3, (K, H)

        # Eq. 5: batch centres of the FN and FP samples of each class.
        fn_sum, fn_count = class_sums(label_hot * wrong, z)
        pred_hot = F.one_hot(pred, K).to(z.dtype)
        fp_sum, fp_count = class_sums(pred_hot * wrong, z)

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

"""The spatio-temporal focus of STF (Ke, Peng, Lyu, AAAI 2022).

Tags are those of ``docs/stf-notes.md``: [P] stated in the paper, [I]
inferred, [R] borrowed from its lineage (Grad-CAM / GAIN / Sharpen Focus),
[U] unknown, [S] our suggestion.
"""
from typing import List, Sequence

import torch
from mmaction.registry import MODELS

POOLINGS = ('channel', 'element')
NORMALIZATIONS = ('minmax', 'sum', 'none')
SCORES = ('logit', 'softmax')


@MODELS.register_module()
class SpatioTemporalFocus:
    """Gradient-based focus maps over frames x joints, one per tapped stage.

    For a stage output ``F`` of shape ``(C, T, V)`` per sample and person and
    the score ``y^c`` of a chosen class ``c``, with ``G = dy^c / dF``:

    * ``pooling='channel'`` (Grad-CAM [R]):
      ``M = ReLU(sum_i mean_{t,v}(G_i) * F_i)``;
    * ``pooling='element'`` [U]: ``M = ReLU(sum_i G_i * F_i)``, a weight per
      (t, v);

    then each ``(T, V)`` map is normalised per sample and person:
    ``'minmax'`` to [0, 1] (Grad-CAM / GAIN practice [R]), ``'sum'`` to a
    distribution over (T, V) [U], or ``'none'``.

    The scores of the chosen classes are summed over the batch before one
    ``autograd.grad`` call: samples are independent except through the batch
    statistics of train-mode batch norms, whose small cross-sample term is
    ignored, as in Grad-CAM-during-training methods.

    Args:
        pooling (str): ``'channel'`` or ``'element'``. Defaults to
            ``'channel'`` [R].
        normalize (str): ``'minmax'``, ``'sum'`` or ``'none'``. Defaults to
            ``'minmax'`` [R].
        score (str): Differentiate the ``'logit'`` (Grad-CAM [R]) or the
            ``'softmax'`` probability [U]. Defaults to ``'logit'``.
        create_graph (bool): Keep the graph of the gradient, so that losses
            on the maps also train through ``dy/dF`` (second order) [U].
            False treats ``G`` as a constant: the losses reach the
            parameters through ``F`` only (first order). Defaults to False.
        eps (float): Guards the normalisations. Defaults to 1e-6.
    """

    def __init__(self,
                 pooling: str = 'channel',
                 normalize: str = 'minmax',
                 score: str = 'logit',
                 create_graph: bool = False,
                 eps: float = 1e-6) -> None:
        for name, value, allowed in (('pooling', pooling, POOLINGS),
                                     ('normalize', normalize, NORMALIZATIONS),
                                     ('score', score, SCORES)):
            if value not in allowed:
                raise ValueError(f'{name} must be one of {allowed}, '
                                 f'got {value!r}')
        self.pooling = pooling
        self.normalize = normalize
        self.score = score
        self.create_graph = create_graph
        self.eps = eps

    def __call__(self, cls_scores: torch.Tensor, classes: torch.Tensor,
                 stage_feats: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        """Compute the focus of ``classes`` at every stage.

        Args:
            cls_scores (torch.Tensor): Logits ``(N, K)``, with their graph.
            classes (torch.Tensor): One class per sample ``(N, )``.
            stage_feats (Sequence[torch.Tensor]): Stage outputs
                ``(N * M, C, T_k, V)`` or ``(N, M, C, T_k, V)`` that
                ``cls_scores`` depends on.

        Returns:
            list[torch.Tensor]: One map ``(N, M, T_k, V)`` per stage, in
            fp32 (fp64 for fp64 scores).
        """
        N = cls_scores.size(0)
        # fp32 at least (also under AMP); fp64 stays fp64.
        dtype = torch.promote_types(cls_scores.dtype, torch.float32)
        scores = cls_scores.to(dtype)
        if self.score == 'softmax':
            scores = scores.softmax(1)
        target = scores.gather(1, classes.view(-1, 1)).sum()
        grads = torch.autograd.grad(
            target,
            list(stage_feats),
            retain_graph=True,
            create_graph=self.create_graph)
        maps = []
        with torch.autocast(cls_scores.device.type, enabled=False):
            for feat, grad in zip(stage_feats, grads):
                shape = (N, -1) + tuple(feat.shape[-3:])
                feat = feat.to(dtype).reshape(shape)  # (N, M, C, T, V)
                grad = grad.to(dtype).reshape(shape)
                if self.pooling == 'channel':
                    grad = grad.mean((3, 4), keepdim=True)  # (N, M, C, 1, 1)
                focus = (grad * feat).sum(2).relu()  # (N, M, T, V)
                maps.append(self._normalize(focus))
        return maps

    def _normalize(self, focus: torch.Tensor) -> torch.Tensor:
        """Normalise each ``(T, V)`` map of ``(N, M, T, V)``."""
        if self.normalize == 'none':
            return focus
        flat = focus.flatten(2)  # (N, M, T * V)
        if self.normalize == 'sum':
            flat = flat / flat.sum(-1, keepdim=True).clamp_min(self.eps)
        else:
            low = flat.amin(-1, keepdim=True)
            high = flat.amax(-1, keepdim=True)
            flat = (flat - low) / (high - low).clamp_min(self.eps)
        return flat.view_as(focus)

from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import ConfigType
from mmengine.model import BaseModule


class _DecoupledMeans(torch.autograd.Function):
    """Spatial and temporal components of a stage, with one backward pass.

    ``(N * M, C, T, V) -> (N, C, V), (N, C, T)``: the means over persons and
    time, and over persons and joints. Plain ``mean`` calls would copy the
    whole stage to average the persons first and, in backward, write two
    full-size gradients (one per mean) and add them; here the persons are
    averaged on the pooled (small) tensors and the gradient of the stage,
    ``g_s / (M T) + g_t / (M V)`` broadcast over (M, T, V), is written once,
    in the memory format of the stage (channels-last from the backbone), so
    that autograd accumulates it into the backbone's gradient cheaply.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, num_samples: int, dtype: torch.dtype):
        NM, C, T, V = x.shape
        N, M = num_samples, NM // num_samples
        ctx.shape, ctx.num_samples, ctx.x_dtype = x.shape, N, x.dtype
        ctx.channels_last = (not x.is_contiguous()) and x.is_contiguous(
            memory_format=torch.channels_last)
        # Accumulate in ``dtype`` (fp32 under AMP) without a cast copy.
        if ctx.channels_last:
            # Reduce the (N*M, T, V, C) view: PyTorch reduces a strided
            # dim of a channels-last tensor about 10x slower than the
            # outer dims of the same memory seen as contiguous.
            x = x.permute(0, 2, 3, 1)
            spatial = x.mean(1, dtype=dtype).view(N, M, V, C).mean(1)
            temporal = x.mean(2, dtype=dtype).view(N, M, T, C).mean(1)
            return spatial.transpose(1, 2), temporal.transpose(1, 2)
        spatial = x.mean(2, dtype=dtype).view(N, M, C, V).mean(1)
        temporal = x.mean(3, dtype=dtype).view(N, M, C, T).mean(1)
        return spatial, temporal

    @staticmethod
    def backward(ctx, g_spatial: torch.Tensor, g_temporal: torch.Tensor):
        NM, C, T, V = ctx.shape
        N = ctx.num_samples
        M = NM // N
        g_spatial = (g_spatial / (M * T)).to(ctx.x_dtype)
        g_temporal = (g_temporal / (M * V)).to(ctx.x_dtype)
        if ctx.channels_last:  # (N, M, T, V, C) memory
            g = g_spatial.new_empty(N, M, T, V, C)
            torch.add(
                g_spatial.transpose(1, 2).reshape(N, 1, 1, V,
                                                  C).expand(N, M, T, V, C),
                g_temporal.transpose(1, 2).reshape(N, 1, T, 1, C),
                out=g)
            return g.view(NM, T, V, C).permute(0, 3, 1, 2), None, None
        g = g_spatial.new_empty(N, M, C, T, V)
        torch.add(
            g_spatial.view(N, 1, C, 1, V).expand(N, M, C, T, V),
            g_temporal.view(N, 1, C, T, 1),
            out=g)
        return g.view(NM, C, T, V), None, None


def _squeeze(in_channels: int, out_channels: int) -> nn.Sequential:
    """1x1 convolution, batch norm and ReLU over a pooled axis."""
    return nn.Sequential(
        nn.Conv1d(in_channels, out_channels, 1), nn.BatchNorm1d(out_channels),
        nn.ReLU(inplace=True))


@MODELS.register_module()
class FRHead(BaseModule):
    """Feature Refinement Head ("Learning Discriminative Representations for
    Skeleton Based Action Recognition", CVPR 2023).

    An auxiliary, training-only head. For each tapped backbone stage it
    decouples the feature map into a spatial component (mean over persons and
    time, 1x1 conv to ``hidden_channels // V`` channels, flattened) and a
    temporal component (mean over persons and joints, 1x1 conv to
    ``hidden_channels // T`` channels, flattened), and refines each with its
    own refinement loss built from ``loss_cfg`` (by default a
    :class:`ContrastiveRefinementLoss`). The head loss is
    ``loss_weight * sum_s stage_weights[s] * (L_spatial + L_temporal)``
    (Eqs. 1, 2 and 10).

    No gradient of the FR loss reaches the classifier: the head receives
    the classifier's logits detached. Its maths runs in fp32, also under
    AMP.

    Args:
        num_classes (int): Number of classes. :class:`FRRecognizer` takes
            it from its ``cls_head`` when the config leaves it out.
        stage_shapes (Sequence[Sequence[int]]): ``(C, T, V)`` of each tapped
            stage output. :class:`FRRecognizer` fills this in by probing the
            backbone, so configs leave it out.
        hidden_channels (int): ``C_h``. Defaults to 256.
        stage_weights (Sequence[float]): ``lambda`` of each stage.
            Defaults to ``(0.1, 0.2, 0.5, 1.0)``.
        loss_weight (float): ``w_cl``. Defaults to 0.1.
        loss_cfg (dict): Config of the refinement loss of each branch,
            built through the ``MODELS`` registry with ``in_channels``,
            ``num_classes`` and ``hidden_channels`` added; ``type`` defaults
            to ``'ContrastiveRefinementLoss'``, whose other options are
            ``momentum``, ``temperature``, ``alpha``, ``use_projection``,
            ``version``, ``confidence_weighting`` and ``pred_threshold``.
            A loss is called as ``loss(feats (N, in_channels), detached
            logits (N, K), labels (N, ))`` and returns a scalar.
            Defaults to ``dict(type='ContrastiveRefinementLoss')``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
    """

    def __init__(self,
                 num_classes: int,
                 stage_shapes: Sequence[Sequence[int]],
                 hidden_channels: int = 256,
                 stage_weights: Sequence[float] = (0.1, 0.2, 0.5, 1.0),
                 loss_weight: float = 0.1,
                 loss_cfg: ConfigType = dict(type='ContrastiveRefinementLoss'),
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(stage_weights) != len(stage_shapes):
            raise ValueError(
                f'FRHead got {len(stage_shapes)} stages but '
                f'{len(stage_weights)} stage_weights {tuple(stage_weights)}')
        self.num_classes = num_classes
        self.stage_shapes = [tuple(s) for s in stage_shapes]
        self.stage_weights = tuple(stage_weights)
        self.loss_weight = loss_weight
        loss_cfg = dict(loss_cfg)
        loss_cfg.setdefault('type', 'ContrastiveRefinementLoss')

        def refinement(width: int) -> nn.Module:
            return MODELS.build(
                dict(
                    loss_cfg,
                    in_channels=width,
                    num_classes=num_classes,
                    hidden_channels=hidden_channels))

        self.spatial, self.temporal = nn.ModuleList(), nn.ModuleList()
        self.spatial_losses, self.temporal_losses = (nn.ModuleList(),
                                                     nn.ModuleList())
        for C, T, V in self.stage_shapes:
            if hidden_channels < max(T, V):
                raise ValueError(
                    f'hidden_channels={hidden_channels} is smaller than a '
                    f'stage with T={T}, V={V}')
            self.spatial.append(_squeeze(C, hidden_channels // V))
            self.temporal.append(_squeeze(C, hidden_channels // T))
            self.spatial_losses.append(refinement(hidden_channels // V * V))
            self.temporal_losses.append(refinement(hidden_channels // T * T))

    def loss(self, stage_feats: Sequence[torch.Tensor],
             cls_scores: torch.Tensor, labels: torch.Tensor) -> Dict:
        """Compute the multi-level refinement loss.

        Args:
            stage_feats (Sequence[torch.Tensor]): One feature map per stage,
                ``(N * M, C, T, V)`` or ``(N, M, C, T, V)``.
            cls_scores (torch.Tensor): Classifier logits ``(N, K)``; they are
                detached here.
            labels (torch.Tensor): Labels ``(N, )``.

        Returns:
            dict: ``{'loss_fr': loss}``.
        """
        N = labels.numel()
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(f'labels must lie in [0, {self.num_classes - 1}] '
                             f'(num_classes={self.num_classes}), got values '
                             f'{labels.min().item()}..{labels.max().item()}')
        if len(stage_feats) != len(self.stage_shapes):
            raise ValueError(f'FRHead expects {len(self.stage_shapes)} '
                             f'stage features, got {len(stage_feats)}')
        # fp32 at least (also under AMP); fp64 stays fp64.
        dtype = torch.promote_types(cls_scores.dtype, torch.float32)
        cls_scores = cls_scores.detach().to(dtype)
        total = 0.
        with torch.autocast(cls_scores.device.type, enabled=False):
            for s, feat in enumerate(stage_feats):
                C, T, V = self.stage_shapes[s]
                if feat.shape[-3:] != (C, T, V):
                    raise ValueError(
                        f'FR stage {s} expects (C, T, V)={(C, T, V)}, got '
                        f'{tuple(feat.shape[-3:])}: the clips do not have '
                        'the frame or joint count the head was built for')
                spatial, temporal = _DecoupledMeans.apply(
                    feat.reshape(-1, C, T, V), N, dtype)  # (N,C,V), (N,C,T)
                spatial = self.spatial[s](spatial).flatten(1)  # (N, h//V*V)
                temporal = self.temporal[s](temporal).flatten(1)  # (N,h//T*T)
                stage_loss = (
                    self.spatial_losses[s](spatial, cls_scores, labels) +
                    self.temporal_losses[s](temporal, cls_scores, labels))
                total = total + self.stage_weights[s] * stage_loss
        return dict(loss_fr=self.loss_weight * total)

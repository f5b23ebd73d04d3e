from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, OptSampleList
from mmengine.model import BaseModel, ExponentialMovingAverage

from .aimclr_stgcn import aimclr_init
from .projection_mlp import pool_features

KEY_INITS = ('copy', 'independent')


@MODELS.register_module()
class AimCLR(BaseModel):
    """AimCLR: MoCo v2 with an extremely augmented view, EADM, D3M and NNM.

    Guo et al., "Contrastive Learning from Extremely Augmented Skeleton
    Sequences for Self-supervised Action Recognition", AAAI 2022. The
    inputs ``(B, 3, M, T, V, C)`` are three views of every sample, in
    AimCLR's order: extreme, normal (query), normal (key). With ``q``,
    ``q_e``, ``q_ed`` the L2-normalised embeddings of the query, the extreme
    view and the extreme view after EADM, ``k`` the momentum encoder's key
    and ``Q`` the queue, each gives logits ``[a . k, a . Q] / T``;

    - ``loss_infonce``: InfoNCE of the query's logits; with :attr:`nnm` set
      (by ``NNMSwitchHook``) the queue entries nearest (top ``topk``) to
      ``q``, ``q_e`` or ``q_ed`` are positives too;
    - ``loss_d3m_e``, ``loss_d3m_ed``: D3M, the extreme distributions
      learning the detached normal one.

    The key encoder is an ``ExponentialMovingAverage`` of backbone + neck
    updated before the key forward (``k = m k + (1 - m) q``), then the keys
    are enqueued. It copies the query's buffers at every update (batch-norm
    statistics, adjacency), where AimCLR's key encoder keeps its own: both
    run the key forward in training mode, on batch statistics, so the keys
    are the same. ``predict`` and ``tensor`` modes give the pooled backbone
    features of the first view (for kNN monitoring and linear probes); the
    query backbone is ``backbone.``, so a classifier loads it with
    ``prefix='backbone.'``.

    Args:
        backbone (dict): Encoder config, e.g. :class:`AimCLRSTGCN`; any GCN
            backbone with ``(N, M, C, T, V)`` outputs.
        neck (dict): Projection config (:class:`ProjectionMLP`).
        eadm (dict): :class:`EnergyAttentionDrop` config.
        queue_size (int): Number of negatives K. Defaults to 32768.
        momentum (float): Momentum m of the key encoder. Defaults to 0.999.
        temperature (float): Temperature T of all logits. Defaults to 0.07.
        topk (int): Neighbours mined per branch by NNM. Defaults to 1.
        key_init (str): ``'copy'``: the key encoder starts as a copy of the
            query encoder (MoCo); ``'independent'``: from its own AimCLR
            random draw, as AimCLR's code does (its ``weights_init`` runs
            after the copy). Defaults to ``'copy'``.
        loss_infonce (dict): Config of the InfoNCE loss.
            Defaults to ``dict(type='InfoNCELoss')``.
        loss_d3m (dict): Config of the D3M loss (both terms).
            Defaults to ``dict(type='DistributionalDivergenceLoss')``.
        data_preprocessor (dict, optional): e.g. ``SkeletonPreprocessor``,
            whose streams are computed per view after augmentation.
        init_cfg (dict, optional): MMEngine init config. Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 neck: ConfigType = dict(type='ProjectionMLP'),
                 eadm: ConfigType = dict(type='EnergyAttentionDrop'),
                 queue_size: int = 32768,
                 momentum: float = 0.999,
                 temperature: float = 0.07,
                 topk: int = 1,
                 key_init: str = 'copy',
                 loss_infonce: ConfigType = dict(type='InfoNCELoss'),
                 loss_d3m: ConfigType = dict(
                     type='DistributionalDivergenceLoss'),
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if key_init not in KEY_INITS:
            raise ValueError(
                f'key_init must be one of {KEY_INITS}, got {key_init!r}')
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.eadm = MODELS.build(eadm)
        self.key_encoder = ExponentialMovingAverage(
            nn.Sequential(self.backbone, self.neck), momentum=1 - momentum)
        dim = self.neck.fc[-1].out_features
        self.queue = MODELS.build(
            dict(type='FeatureQueue', dim=dim, size=queue_size))
        self.loss_infonce = MODELS.build(loss_infonce)
        self.loss_d3m = MODELS.build(loss_d3m)
        self.temperature = temperature
        self.topk = topk
        self.key_init = key_init
        self.nnm = False

    def init_weights(self) -> None:
        """Initialise the query encoder; with ``key_init='independent'``
        the key encoder gets a random draw of its own."""
        super().init_weights()
        if self.key_init == 'independent':
            aimclr_init(self.key_encoder.module)
            self.key_encoder.steps.fill_(1)  # average from now, no copy

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Pooled backbone features ``(B, C)`` of ``(B, M, T, V, C)``."""
        return pool_features(self.backbone(inputs))

    def _logits(self, query: torch.Tensor, key: torch.Tensor,
                queue: torch.Tensor) -> Dict[str, torch.Tensor]:
        """MoCo logits ``(B, 1 + K)`` / T and similarities to the queue."""
        negatives = query @ queue  # (B, K)
        positive = (query * key).sum(1, keepdim=True)  # (B, 1)
        return torch.cat([positive, negatives], 1) / self.temperature

    def _mined_positives(self, *logits: torch.Tensor) -> torch.Tensor:
        """NNM mask ``(B, 1 + K)``: the key and, for each branch, its
        ``topk`` nearest queue entries (union over the branches)."""
        mask = torch.zeros_like(logits[0])
        mask[:, 0] = 1
        for branch in logits:
            top = branch[:, 1:].topk(self.topk, dim=1).indices  # (B, topk)
            mask[:, 1:].scatter_(1, top, 1.)
        return mask

    def loss(self, inputs: torch.Tensor,
             data_samples: OptSampleList = None) -> Dict[str, torch.Tensor]:
        """The three losses of a batch of ``(B, 3, M, T, V, C)`` views."""
        if inputs.dim() != 6 or inputs.size(1) != 3:
            raise ValueError('AimCLR needs (B, 3, M, T, V, C) inputs (views '
                             'extreme, query, key; MultiViewSkeleton), got '
                             f'{tuple(inputs.shape)}')
        im_e, im_q, im_k = inputs.unbind(1)  # each (B, M, T, V, C)
        q = F.normalize(self.neck(self.backbone(im_q)), dim=1)
        feat_e = self.backbone(im_e)  # (B, M, C, T', V)
        q_e = F.normalize(self.neck(feat_e), dim=1)
        q_ed = F.normalize(self.neck(self.eadm(feat_e)), dim=1)
        with torch.no_grad():
            self.key_encoder.update_parameters(
                nn.Sequential(self.backbone, self.neck))
            k = F.normalize(self.key_encoder(im_k), dim=1)  # (B, D)
            queue = self.queue.queue.clone()  # (D, K)
        z, z_e, z_ed = (self._logits(a, k, queue) for a in (q, q_e, q_ed))
        pos_mask = None
        if self.nnm:
            pos_mask = self._mined_positives(z.detach(), z_e.detach(),
                                             z_ed.detach())
        losses = dict(
            loss_infonce=self.loss_infonce(z, pos_mask),
            loss_d3m_e=self.loss_d3m(z_e, z),
            loss_d3m_ed=self.loss_d3m(z_ed, z))
        self.queue.enqueue(k)
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: OptSampleList = None) -> OptSampleList:
        """Data samples with the first view's pooled features as
        ``pooled_features``."""
        feats = self.extract_feat(inputs[:, 0])
        for sample, feat in zip(data_samples, feats):
            sample.set_field(feat, 'pooled_features')
        return data_samples

    def forward(self,
                inputs: torch.Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor'):
        """``'loss'``: the loss dict; ``'predict'``: data samples with
        ``pooled_features``; ``'tensor'``: pooled features ``(B, C)`` of
        view 0."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs[:, 0])
        raise RuntimeError(f'Invalid mode "{mode}"; only "loss", '
                           '"predict" and "tensor" are supported')

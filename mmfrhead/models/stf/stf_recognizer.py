"""Recognizers trained with STF's focus losses (Ke, Peng, Lyu, AAAI 2022)."""
from collections import defaultdict
from contextlib import nullcontext
from typing import Dict, List, Sequence

import torch
from mmaction.models import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, SampleList
from mmengine.logging import MessageHub

from ..necks import StageTaps
from ..recognizers import FRRecognizer

LOSS_KEYS = dict(
    exploration='loss_stf_e',
    coherence='loss_stf_c',
    divergence='loss_stf_d',
    adjacency='loss_stf_g')


class STFMixin:
    """STF's training objective on top of a recognizer's own ``loss``.

    ``loss`` runs the recognizer's own loss (``loss_cls``, and ``loss_fr``
    for :class:`FRRecognizer`) while :class:`StageTaps` capture the
    backbone's output, the STF stage outputs and their adjacencies; the
    logits are recomputed from the captured output (the classifier head is
    a pool and a linear layer), and the focus maps come from
    ``autograd.grad`` of those logits, one call per class choice. The STF
    losses that are active in the current epoch (MMEngine's ``MessageHub``
    ``'epoch'``, 0 outside a Runner) add ``loss_stf_e``, ``loss_stf_c``,
    ``loss_stf_d`` and ``loss_stf_g``. L_e's masked pass runs inside the
    backbone's ``first_order_pass()`` context where it has one
    (:meth:`STFCTRGCN.first_order_pass`). ``predict`` and ``tensor`` modes
    are the recognizer's own.
    """

    def init_stf(self, focus_stages: Sequence[str],
                 adjacency_stages: Sequence[str], focus_cfg: ConfigType,
                 stf_losses: ConfigType) -> None:
        """Build the taps, the focus and the losses (called by ``__init__``).

        Args:
            focus_stages (Sequence[str]): Backbone submodules whose outputs
                are the STF modules' feature maps, e.g. ``('gcn.4', ...,
                'gcn.9')``.
            adjacency_stages (Sequence[str]): The matching adjacency tap
                points, e.g. ``('gcn.4.gcn.adjacency', ...)``.
            focus_cfg (dict): Config of :class:`SpatioTemporalFocus`.
            stf_losses (dict): Loss configs by role, any of
                ``exploration``, ``coherence``, ``divergence`` and
                ``adjacency``; a role left out is not trained.
        """
        if len(adjacency_stages) != len(focus_stages):
            raise ValueError(
                f'{len(focus_stages)} focus_stages but '
                f'{len(adjacency_stages)} adjacency_stages')
        unknown = set(stf_losses) - set(LOSS_KEYS)
        if unknown:
            raise KeyError(f'unknown STF losses {sorted(unknown)}; the '
                           f'roles are {sorted(LOSS_KEYS)}')
        self.num_focus = len(focus_stages)
        self.stf_taps = StageTaps(('', ) + tuple(focus_stages) +
                                  tuple(adjacency_stages))
        self.stf_taps.modules(self.backbone)  # fail at build on a bad name
        focus_cfg = dict(focus_cfg)
        focus_cfg.setdefault('type', 'SpatioTemporalFocus')
        self.focus = MODELS.build(focus_cfg)
        self.stf_losses = torch.nn.ModuleDict(
            {role: MODELS.build(cfg)
             for role, cfg in stf_losses.items()})

    def _focus_needs(self, active: Dict) -> Dict[str, set]:
        """Stages (indices) whose focus each class choice must give."""
        K = self.num_focus
        needs = defaultdict(set)
        if 'adjacency' in active:
            needs[active['adjacency'].focus_class].update(range(K))
        if 'coherence' in active:
            loss = active['coherence']
            needs[loss.focus_class].update(s % K for s in loss.stages)
        if 'exploration' in active:
            needs['pred'].add(active['exploration'].stage % K)
        if 'divergence' in active:
            loss = active['divergence']
            for key in loss.class_keys:
                needs[key].add(loss.stage % K)
        return needs

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict:
        """The recognizer's losses plus the active STF losses.

        Args:
            inputs (torch.Tensor): Clips ``(B, num_clips, M, T, V, C)``.
            data_samples (list[ActionDataSample]): Samples with
                ``gt_label``.

        Returns:
            dict: The recognizer's losses and accuracies, and
            ``loss_stf_*`` of the active STF losses.
        """
        epoch = MessageHub.get_current_instance().get_info('epoch', 0)
        active = {
            role: loss
            for role, loss in self.stf_losses.items() if loss.active(epoch)
        }
        if not active:
            return super().loss(inputs, data_samples, **kwargs)
        with self.stf_taps.capture(self.backbone) as tapped:
            losses = super().loss(inputs, data_samples, **kwargs)
        K = self.num_focus
        out, feats, adjacencies = tapped[0], tapped[1:K + 1], tapped[K + 1:]
        cls_scores = self.cls_head(out)  # (N, K): the logits, with graph
        N = cls_scores.size(0)
        labels = torch.cat([s.gt_label.view(-1) for s in data_samples])
        labels = labels.to(cls_scores.device).repeat_interleave(
            N // labels.numel())
        scores = cls_scores.detach()
        top2 = scores.topk(2, dim=1).indices
        classes = dict(
            pred=top2[:, 0],
            second=top2[:, 1],
            label=labels,
            confuser=scores.scatter(1, labels.view(-1, 1),
                                    float('-inf')).argmax(1))
        maps: Dict[str, Dict[int, torch.Tensor]] = {}
        for key, stages in self._focus_needs(active).items():
            stages = sorted(stages)
            focus = self.focus(cls_scores, classes[key],
                               [feats[k] for k in stages])
            maps[key] = dict(zip(stages, focus))
        losses.update(
            self._stf_losses(active, maps, classes, inputs, adjacencies))
        return losses

    def _stf_losses(self, active: Dict, maps: Dict, classes: Dict,
                    inputs: torch.Tensor,
                    adjacencies: List[torch.Tensor]) -> Dict:
        K = self.num_focus
        losses = {}
        if 'adjacency' in active:
            loss = active['adjacency']
            losses[LOSS_KEYS['adjacency']] = loss(
                adjacencies, [maps[loss.focus_class][k] for k in range(K)])
        if 'coherence' in active:
            loss = active['coherence']
            a, b = (maps[loss.focus_class][s % K] for s in loss.stages)
            losses[LOSS_KEYS['coherence']] = loss(a, b)
        if 'divergence' in active:
            loss = active['divergence']
            first, second = (maps[key][loss.stage % K]
                             for key in loss.class_keys)
            losses[LOSS_KEYS['divergence']] = loss(first, second)
        if 'exploration' in active:
            loss = active['exploration']
            clips = inputs.reshape((-1, ) + inputs.shape[2:])  # N,M,T,V,C
            masked = loss.mask(clips, maps['pred'][loss.stage % K])
            # A backbone may run this first-order pass faster (STFCTRGCN).
            fast = getattr(self.backbone, 'first_order_pass', nullcontext)
            with loss.masked_pass(self), fast():
                feats, _ = self.extract_feat(masked.view_as(inputs))
                masked_scores = self.cls_head(feats)
            losses[LOSS_KEYS['exploration']] = loss(masked_scores,
                                                    classes['pred'])
        return losses


@MODELS.register_module()
class STFRecognizer(STFMixin, RecognizerGCN):
    """A GCN recognizer trained with STF ("Towards To-a-T Spatio-Temporal
    Focus for Skeleton-Based Action Recognition", AAAI 2022).

    ``loss`` adds STF's losses to ``loss_cls`` (see :class:`STFMixin`);
    ``predict`` and ``tensor`` are ``RecognizerGCN``'s. The STF losses have
    no parameters, so a checkpoint of an STF model with an
    :class:`STFCTRGCN` backbone loads into ``RecognizerGCN`` with
    ``CTRGCN`` as it is.

    Args:
        backbone (dict): Backbone config with STF adjacency tap points,
            e.g. :class:`STFCTRGCN`.
        cls_head (dict): Classification head config (e.g. ``GCNHead``).
        focus_stages (Sequence[str]): Backbone submodules whose outputs are
            the STF modules' feature maps.
        adjacency_stages (Sequence[str]): Their adjacency tap points.
        focus_cfg (dict): :class:`SpatioTemporalFocus` options.
            Defaults to ``dict()``.
        stf_losses (dict): Loss configs by role (``exploration``,
            ``coherence``, ``divergence``, ``adjacency``).
            Defaults to ``dict()``.
        **kwargs: ``train_cfg``, ``test_cfg``, ``data_preprocessor``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 focus_stages: Sequence[str],
                 adjacency_stages: Sequence[str],
                 focus_cfg: ConfigType = dict(),
                 stf_losses: ConfigType = dict(),
                 **kwargs) -> None:
        super().__init__(backbone=backbone, cls_head=cls_head, **kwargs)
        self.init_stf(focus_stages, adjacency_stages, focus_cfg, stf_losses)


@MODELS.register_module()
class STFFRRecognizer(STFMixin, FRRecognizer):
    """An :class:`FRRecognizer` also trained with STF: ``loss_cls``,
    ``loss_fr`` and the ``loss_stf_*`` in one model.

    Args:
        backbone (dict): Backbone config with STF adjacency tap points.
        cls_head (dict): Classification head config.
        taps (Sequence[str]): The FR head's stages.
        clip_shape (Sequence[int]): ``(M, T, V, C)`` of the clips.
        focus_stages (Sequence[str]): The STF modules' outputs.
        adjacency_stages (Sequence[str]): Their adjacency tap points.
        focus_cfg (dict): :class:`SpatioTemporalFocus` options.
            Defaults to ``dict()``.
        stf_losses (dict): STF loss configs by role. Defaults to ``dict()``.
        **kwargs: ``fr_head``, ``train_cfg``, ``test_cfg``,
            ``data_preprocessor``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 taps: Sequence[str],
                 clip_shape: Sequence[int],
                 focus_stages: Sequence[str],
                 adjacency_stages: Sequence[str],
                 focus_cfg: ConfigType = dict(),
                 stf_losses: ConfigType = dict(),
                 **kwargs) -> None:
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            taps=taps,
            clip_shape=clip_shape,
            **kwargs)
        self.init_stf(focus_stages, adjacency_stages, focus_cfg, stf_losses)

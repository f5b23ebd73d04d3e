from typing import Dict, Sequence

import torch
from mmaction.models import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ..necks import StageTaps


@MODELS.register_module()
class FRRecognizer(RecognizerGCN):
    """A GCN recognizer trained with an auxiliary FR Head.

    Training adds ``loss_fr`` (the multi-level contrastive refinement of
    :class:`FRHead`) to the classifier's ``loss_cls``. The FR head reads the
    backbone stages named in ``taps`` through forward hooks that exist only
    during :meth:`loss`, so ``predict`` and ``tensor`` modes are exactly
    MMAction2's ``RecognizerGCN``: the backbone and the classifier, with no
    FR time or memory. :func:`mmfrhead.apis.strip_fr_head` removes the FR
    weights so that ``RecognizerGCN`` loads the checkpoint.

    Args:
        backbone (dict): Backbone config, any MMAction2 GCN backbone taking
            ``(N, M, T, V, C)``.
        cls_head (dict): Classification head config (e.g. ``GCNHead``).
        taps (Sequence[str]): Backbone submodules whose outputs feed the FR
            head, e.g. ``('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9')``.
        clip_shape (Sequence[int]): ``(M, T, V, C)`` of the clips the
            pipeline produces (persons, frames, joints, channels). Checked at
            build time against the backbone and at every training step
            against the data.
        fr_head (dict): :class:`FRHead` config without ``stage_shapes``,
            which are probed from the backbone at build time;
            ``type`` defaults to ``'FRHead'`` and ``num_classes`` to that of
            ``cls_head``. Defaults to ``dict(type='FRHead')``.
        train_cfg (dict, optional): Training config. Defaults to None.
        test_cfg (dict, optional): Testing config. Defaults to None.
        data_preprocessor (dict, optional): Data preprocessor config.
            Defaults to None.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 taps: Sequence[str],
                 clip_shape: Sequence[int],
                 fr_head: ConfigType = dict(type='FRHead'),
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        if len(clip_shape) != 4:
            raise ValueError('clip_shape must be (M, T, V, C), got '
                             f'{tuple(clip_shape)}')
        self.clip_shape = tuple(clip_shape)
        self.taps = StageTaps(taps)
        stage_shapes = self.taps.probe(self.backbone, self.clip_shape)
        fr_head = dict(fr_head, stage_shapes=stage_shapes)
        fr_head.setdefault('type', 'FRHead')
        fr_head.setdefault('num_classes', self.cls_head.num_classes)
        self.fr_head = MODELS.build(fr_head)
        if self.fr_head.num_classes != self.cls_head.num_classes:
            raise ValueError(
                f'fr_head.num_classes={self.fr_head.num_classes} differs '
                f'from cls_head.num_classes={self.cls_head.num_classes}')

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict:
        """Classification loss plus the FR loss.

        Args:
            inputs (torch.Tensor): Clips ``(B, num_clips, M, T, V, C)``.
            data_samples (list[ActionDataSample]): Samples with
                ``gt_label``.

        Returns:
            dict: ``loss_cls``, ``loss_fr`` and the top-k accuracies.
        """
        if tuple(inputs.shape[2:]) != self.clip_shape:
            raise ValueError(
                f'clips of shape (M, T, V, C)={tuple(inputs.shape[2:])} do '
                f'not match FRRecognizer.clip_shape={self.clip_shape}: make '
                'the pipeline (frames, persons) and the model config agree')
        with self.taps.capture(self.backbone) as stage_feats:
            feats, _ = self.extract_feat(inputs)
        cls_scores = self.cls_head(feats)
        losses = self.cls_head.loss_by_feat(cls_scores, data_samples)
        labels = torch.cat([s.gt_label.view(-1) for s in data_samples])
        labels = labels.to(cls_scores.device).repeat_interleave(
            cls_scores.size(0) // labels.numel())
        losses.update(
            self.fr_head.loss(stage_feats, cls_scores.detach(), labels))
        return losses

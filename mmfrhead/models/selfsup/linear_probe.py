from typing import Dict, List

import torch
from mmaction.models import RecognizerGCN
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.runner.checkpoint import CheckpointLoader

from .projection_mlp import pool_features


@MODELS.register_module()
class LinearProbeGCN(RecognizerGCN):
    """A classifier on a frozen, pre-trained GCN encoder (linear evaluation).

    AimCLR's linear evaluation: the backbone (e.g. loaded with
    ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix='backbone.')``)
    gets no gradient and stays in ``eval()`` mode in training too (batch
    norms use their pre-trained statistics, dropout is off); only the head
    (``GCNHead``: ``Linear(256, classes)``) learns. The head reads pooled
    features ``(N, C)`` (as ``(N, 1, C, 1, 1)``, which ``GCNHead`` pools to
    the same values).

    With ``cache_features`` the pooled features of every sample are
    computed once and kept by ``frame_dir`` (packed as a meta key), so each
    later epoch costs only the head; this is exact when the pipeline is
    deterministic (no augmentation), as in AimCLR's protocol.

    A frozen backbone must be loaded from a checkpoint: ``init_weights``
    stops with a message naming the checkpoint and the prefix when its
    ``init_cfg`` is not ``Pretrained`` or when the checkpoint lacks a
    backbone tensor under the prefix (MMEngine would only log it and keep
    random weights); a fine-tuned backbone loaded from a checkpoint is
    checked the same way.

    Args:
        backbone (dict): Encoder config.
        cls_head (dict): Head config (``GCNHead``).
        frozen (bool): Freeze the backbone and keep it in eval mode; False
            fine-tunes everything. Defaults to True.
        backbone_eval (bool): Keep the backbone in eval mode while it is
            fine-tuned too (batch norms on the pre-trained statistics,
            dropout off), as AimCLR's fine-tuning (``model.eval()``
            throughout); a frozen backbone is always in eval mode.
            Defaults to False.
        cache_features (bool): Cache the frozen features by ``frame_dir``.
            Needs ``frozen``. Defaults to True.
        **kwargs: Other arguments of ``RecognizerGCN``.
    """

    def __init__(self,
                 backbone: Dict,
                 cls_head: Dict,
                 frozen: bool = True,
                 backbone_eval: bool = False,
                 cache_features: bool = True,
                 **kwargs) -> None:
        super().__init__(backbone=backbone, cls_head=cls_head, **kwargs)
        if cache_features and not frozen:
            raise ValueError('cache_features needs frozen=True: a trained '
                             'backbone changes its features')
        self.frozen = frozen
        self.backbone_eval = frozen or backbone_eval
        self.cache_features = cache_features
        self.cache: Dict[str, torch.Tensor] = {}
        if frozen:
            self.backbone.requires_grad_(False).eval()

    def _check_checkpoint(self) -> None:
        """Every backbone tensor is in the pre-training checkpoint."""
        init = self.backbone.init_cfg or {}
        if init.get('type') != 'Pretrained' or not init.get('checkpoint'):
            raise ValueError(
                'a frozen LinearProbeGCN needs model.backbone.init_cfg = '
                "dict(type='Pretrained', checkpoint=..., prefix='backbone.')"
                f', got {init or None}')
        path, prefix = init['checkpoint'], init.get('prefix', '')
        checkpoint = CheckpointLoader.load_checkpoint(path, 'cpu')
        state = checkpoint.get('state_dict', checkpoint)
        missing = [
            k for k, v in self.backbone.state_dict().items()
            if not k.endswith('num_batches_tracked') and (
                prefix + k not in state or state[prefix + k].shape != v.shape)
        ]
        if missing:
            raise ValueError(
                f'{path} has no encoder weights for the backbone '
                f'under the prefix {prefix!r} (model.backbone.init_cfg): '
                f'{len(missing)} tensors missing or mis-shaped, e.g. '
                f'{prefix}{missing[0]}')

    def init_weights(self) -> None:
        """Load the backbone (checked when frozen or pre-trained) and
        initialise the head."""
        init = self.backbone.init_cfg or {}
        if self.frozen or init.get('type') == 'Pretrained':
            self._check_checkpoint()
        super().init_weights()

    def train(self, mode: bool = True) -> 'LinearProbeGCN':
        """Train mode for the head; a frozen backbone (or one with
        ``backbone_eval``) stays in eval."""
        super().train(mode)
        if self.backbone_eval:
            self.backbone.eval()
        return self

    def _keys(self, data_samples: SampleList) -> List[str]:
        keys = [sample.metainfo.get('frame_dir') for sample in data_samples]
        if None in keys:
            raise ValueError(
                'LinearProbeGCN(cache_features=True) needs the frame_dir of '
                "every sample: pack it with PackActionInputs(meta_keys=("
                "'frame_dir', ))")
        return keys

    def _compute(self, inputs: torch.Tensor) -> torch.Tensor:
        bs, nc = inputs.shape[:2]
        x = inputs.reshape((bs * nc, ) + inputs.shape[2:])
        with torch.set_grad_enabled(not self.frozen and self.training):
            return pool_features(self.backbone(x)).view(bs, nc, -1)

    def pooled_features(self, inputs: torch.Tensor,
                        data_samples: SampleList) -> torch.Tensor:
        """Pooled features ``(B, num_clips, C)`` of ``(B, num_clips, M, T,
        V, C)`` inputs, from the cache where they are in it."""
        if not self.cache_features:
            return self._compute(inputs)
        keys = self._keys(data_samples)
        missing = [i for i, key in enumerate(keys) if key not in self.cache]
        if missing:
            feats = self._compute(inputs[missing]).detach().cpu()
            self.cache.update(zip((keys[i] for i in missing), feats))
        return torch.stack([self.cache[key] for key in keys]).to(inputs)

    def _head_input(self, inputs, data_samples) -> torch.Tensor:
        feats = self.pooled_features(inputs, data_samples)
        return feats.flatten(0, 1)[:, None, :, None, None]  # (BC, 1, C, 1, 1)

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """The head's loss on the (cached) frozen features."""
        return self.cls_head.loss(
            self._head_input(inputs, data_samples), data_samples)

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """The head's predictions on the (cached) frozen features."""
        return self.cls_head.predict(
            self._head_input(inputs, data_samples), data_samples)

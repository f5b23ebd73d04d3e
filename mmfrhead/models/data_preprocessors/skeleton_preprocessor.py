from typing import Sequence

import torch
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS

from mmfrhead.skeleton import get_layout

MODALITIES = ('j', 'b', 'jm', 'bm')


def skeleton_modality(joints: torch.Tensor, parents: torch.Tensor,
                      feats: Sequence[str]) -> torch.Tensor:
    """Derive bone and motion streams from joint coordinates.

    Args:
        joints (torch.Tensor): Joints ``(..., T, V, C)``.
        parents (torch.Tensor): Parent index of every joint ``(V, )``; the
            root is its own parent (zero bone).
        feats (Sequence[str]): Streams to concatenate on the last axis:
            ``'j'`` joints, ``'b'`` bones ``x[v] - x[parent(v)]``, ``'jm'``
            joint motion and ``'bm'`` bone motion (``x[t + 1] - x[t]``, the
            last frame zero).

    Returns:
        torch.Tensor: ``(..., T, V, C * len(feats))``.
    """

    def motion(x):
        diff = x[..., 1:, :, :] - x[..., :-1, :, :]  # (..., T - 1, V, C)
        return torch.cat([diff, torch.zeros_like(x[..., :1, :, :])], dim=-3)

    bones = joints - joints[..., parents, :]  # (..., T, V, C)
    streams = []
    for feat in feats:
        x = bones if feat.startswith('b') else joints
        streams.append(motion(x) if feat.endswith('m') else x)
    return torch.cat(streams, dim=-1)


@MODELS.register_module()
class SkeletonPreprocessor(ActionDataPreprocessor):
    """Stack skeleton clips and derive the input modality on the device.

    The pipeline always yields joints; bones and motions are computed here,
    batched and after every augmentation, as the FR Head reference does.
    So a modality is one line of config (``feats``) and costs no data
    loading time.

    Args:
        layout (str): Name of the skeleton layout whose parents define the
            bones (see :func:`mmfrhead.skeleton.get_layout`):
            ``'ntu_ctrgcn'`` or ``'nturgb+d'`` (the same bones),
            ``'nw_ucla'``, ... Defaults to ``'ntu_ctrgcn'``.
        feats (Sequence[str]): Streams among ``'j'``, ``'b'``, ``'jm'``,
            ``'bm'``, concatenated on the channel axis. Defaults to
            ``('j', )``.
        **kwargs: Other arguments of ``ActionDataPreprocessor``.
    """

    def __init__(self,
                 layout: str = 'ntu_ctrgcn',
                 feats: Sequence[str] = ('j', ),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        unknown = [f for f in feats if f not in MODALITIES]
        if unknown or not feats:
            raise ValueError(f'feats must be among {MODALITIES}, got {feats}')
        parents = torch.tensor(get_layout(layout).parents, dtype=torch.long)
        self.feats = tuple(feats)
        self.register_buffer('parents', parents, persistent=False)  # (V, )

    def forward(self, data: dict, training: bool = False) -> dict:
        """Stack the batch, then replace the joints by the chosen streams."""
        data = super().forward(data, training)
        inputs = data['inputs']  # (B, num_clips, M, T, V, C)
        if inputs.size(-2) != self.parents.numel():
            raise ValueError(
                f'clips have {inputs.size(-2)} joints but the bone layout '
                f'has {self.parents.numel()}')
        data['inputs'] = skeleton_modality(inputs, self.parents, self.feats)
        return data

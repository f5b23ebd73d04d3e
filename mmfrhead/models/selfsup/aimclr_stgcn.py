from typing import Dict, Optional

import torch.nn as nn
from mmaction.models.backbones.stgcn import STGCN, STGCNBlock
from mmaction.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm


def aimclr_init(module: nn.Module) -> None:
    """AimCLR's ``weights_init``, applied to every sub-module.

    Convolutions and linear layers get weights ``N(0, 0.02)``, batch norms
    weights ``N(1, 0.02)``; all their biases are zero. Other parameters
    (the edge-importance masks) are left as they are.

    Args:
        module (nn.Module): The module to initialise in place.
    """
    for m in module.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            nn.init.normal_(m.weight, 0., 0.02)
        elif isinstance(m, _BatchNorm) and m.affine:
            nn.init.normal_(m.weight, 1., 0.02)
        else:
            continue
        if m.bias is not None:
            nn.init.zeros_(m.bias)


@MODELS.register_module()
class AimCLRSTGCN(STGCN):
    """AimCLR's encoder: ST-GCN at a quarter of the width, 64 -> 256 last.

    MMAction2's ``STGCN`` with ``base_channels=16``, learnable edge
    importance (``gcn_adaptive='importance'``, the ``ones(K, V, V)`` masks
    that multiply ``A``), one data batch norm over ``V * C`` with persons
    folded into the batch (``data_bn_type='VC'``) and dropout in the
    temporal unit of blocks 2-10 (MMAction2 drops ``tcn_dropout`` from
    block 1, as AimCLR). Use it with ``graph_cfg=dict(layout=...,
    mode='stgcn_spatial')``: ST-GCN's spatial partition, as AimCLR's
    ``strategy='spatial'``. The block maths are AimCLR's (1x1 conv to
    ``K * C``, the same ``einsum``, BN, ReLU, 9x1 conv, BN, dropout,
    residual none / identity / 1x1 conv + BN, final ReLU).

    What differs from ``STGCN``: the last block goes from 64 to
    ``out_channels`` (256) channels, where ``STGCN``'s single ``ch_ratio``
    keeps 64; and, without an ``init_cfg``, the weights get AimCLR's
    initialisation (:func:`aimclr_init`) instead of MMAction2's Kaiming
    convolutions and unit batch norms.

    What differs from AimCLR's code: the input layout is MMAction2's
    ``(N, M, T, V, C)`` and the output ``(N, M, C, T', V)`` is not pooled
    (pooling and projection are :class:`ProjectionMLP`'s, so EADM can act
    between them); the adjacency is one buffer per block (``gcn.i.gcn.A``)
    instead of one shared ``A``.

    Args:
        graph_cfg (dict): Config of MMAction2's ``Graph``.
        in_channels (int): Channels of the input streams. Defaults to 3.
        base_channels (int): Channels of the first blocks. Defaults to 16.
        out_channels (int): Channels of the last block (AimCLR's
            ``hidden_dim``). Defaults to 256.
        dropout (float): Dropout of the temporal units of blocks 2-10.
            Defaults to 0.5.
        init_cfg (dict, optional): MMEngine init config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``;
            None for AimCLR's random initialisation. Defaults to None.
        **kwargs: Other arguments of ``STGCN`` (``num_stages``,
            ``inflate_stages``, ``down_stages``, ``gcn_*``, ``tcn_*``);
            the ``gcn_*`` / ``tcn_*`` ones as single values, which the
            replaced last block gets too.
    """

    def __init__(self,
                 graph_cfg: Dict,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 out_channels: int = 256,
                 dropout: float = 0.5,
                 init_cfg: Optional[Dict] = None,
                 **kwargs) -> None:
        kwargs.setdefault('gcn_adaptive', 'importance')
        super().__init__(
            graph_cfg,
            in_channels=in_channels,
            base_channels=base_channels,
            data_bn_type='VC',
            tcn_dropout=dropout,
            init_cfg=init_cfg,
            **kwargs)
        last = self.gcn[-1]
        self.gcn[-1] = STGCNBlock(
            last.gcn.in_channels,
            out_channels,
            last.gcn.A.clone(),
            stride=1,
            tcn_dropout=dropout,
            **kwargs)
        self.out_channels = out_channels

    def init_weights(self) -> None:
        """AimCLR's initialisation, or ``init_cfg``'s when one is set."""
        if self.init_cfg is not None:
            super().init_weights()
        else:
            aimclr_init(self)

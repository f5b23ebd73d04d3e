from typing import Dict, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from ..utils.ctrgcn_utils import CTRGCNBlock
from ..utils.graph import build_graph


@MODELS.register_module()
class CTRGCN(BaseModule):
    """CTR-GCN backbone, faithful to "Channel-wise Topology Refinement Graph
    Convolution for Skeleton-Based Action Recognition" (ICCV 2021).

    Ten blocks by default; the channels double and time halves at the
    ``inflate_stages`` / ``down_stages`` (blocks 5 and 8, 1-based). With the
    default arguments and a 120-class linear classifier the model has exactly
    1,462,092 parameters on NTU RGB+D, as the original.

    Args:
        graph_cfg (dict): Config of the graph, e.g.
            ``dict(layout='ntu_ctrgcn', mode='spatial')``; layouts are those
            of :func:`mmfrhead.models.utils.build_graph`.
        in_channels (int): Number of input channels. Defaults to 3.
        base_channels (int): Channels of the first block. Defaults to 64.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Blocks (1-based) that double the
            channels. Defaults to ``(5, 8)``.
        down_stages (Sequence[int]): Blocks (1-based) with temporal stride 2.
            Defaults to ``(5, 8)``.
        num_person (int): Number of persons, for the data batch norm over
            (M, V, C). Defaults to 2.
        kernel_size (int): Temporal kernel of the multi-scale TCN.
            Defaults to 5.
        dilations (Sequence[int]): Dilations of the multi-scale TCN.
            Defaults to ``(1, 2)``.
        init_cfg (dict or list[dict], optional): Initialization config.
            The blocks initialise themselves as CTR-GCN does.
            Defaults to None.

    Examples:
        >>> import torch
        >>> import mmfrhead  # noqa
        >>> from mmfrhead.models import CTRGCN
        >>> model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
        >>> x = torch.randn(2, 1, 52, 20, 3)  # (N, M, T, V, C)
        >>> model(x).shape  # (N, M, C, T, V)
        torch.Size([2, 1, 256, 13, 20])
    """

    def __init__(self,
                 graph_cfg: Dict,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 num_stages: int = 10,
                 inflate_stages: Sequence[int] = (5, 8),
                 down_stages: Sequence[int] = (5, 8),
                 num_person: int = 2,
                 kernel_size: int = 5,
                 dilations: Sequence[int] = (1, 2),
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.graph = build_graph(**graph_cfg)
        A = torch.tensor(self.graph.A, dtype=torch.float32)
        self.in_channels = in_channels
        self.num_person = num_person
        self.data_bn = nn.BatchNorm1d(num_person * in_channels * A.size(1))
        nn.init.ones_(self.data_bn.weight)
        nn.init.zeros_(self.data_bn.bias)

        blocks = []
        channels = base_channels
        for i in range(1, num_stages + 1):
            out_channels = channels * 2 if i in inflate_stages else channels
            blocks.append(
                CTRGCNBlock(
                    in_channels if i == 1 else channels,
                    out_channels,
                    A,
                    stride=2 if i in down_stages else 1,
                    residual=i != 1,
                    kernel_size=kernel_size,
                    dilations=dilations))
            channels = out_channels
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Defines the computation performed at every call.

        Args:
            x (torch.Tensor): Skeletons of shape ``(N, M, T, V, C)``.

        Returns:
            torch.Tensor: Features of shape ``(N, M, C', T', V)``.
        """
        N, M, T, V, C = x.shape
        if M * V * C != self.data_bn.num_features:
            raise ValueError(
                f'CTRGCN expects {self.num_person} person(s) x '
                f'{self.graph.num_node} joints x {self.in_channels} channels'
                f', got input of shape (N, M, T, V, C)={tuple(x.shape)}')
        x = x.permute(0, 1, 3, 4, 2).reshape(N, M * V * C, T)
        x = self.data_bn(x)  # batch norm over (M, V, C)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2)
        x = x.reshape(N * M, C, T, V)
        for block in self.gcn:
            x = block(x)
        # The blocks compute in channels-last on CPU (CTRGCNBlock); no copy
        # back to NCHW: the head pools it as well, and a copy would send
        # NCHW gradients into the channels-last blocks.
        return x.reshape((N, M) + x.shape[1:])

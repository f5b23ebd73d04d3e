from typing import Callable, Dict, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule


class StagedGCN(BaseModule):
    """Base of the CTR-GCN-style backbones: a batch norm of the input over
    (M, V, C), then a stack of blocks in which the channels double and time
    halves at given blocks. Subclasses build their blocks with
    :meth:`build_stages`, of the implementation ``impl``.

    Args:
        in_channels (int): Number of input channels.
        num_person (int): Number of persons.
        num_node (int): Number of joints.
        impl (str): ``'fast'``: the blocks laid out for speed
            (``models/utils/ctrgcn_fast.py``); ``'plain'``: the same
            functions with the same parameters, written plainly
            (``models/utils/ctrgcn_utils.py``). Defaults to ``'fast'``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 num_person: int,
                 num_node: int,
                 impl: str = 'fast',
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if impl not in ('fast', 'plain'):
            raise ValueError(f"impl must be 'fast' or 'plain', got {impl!r}")
        self.impl = impl
        self.in_channels = in_channels
        self.num_person = num_person
        self.num_node = num_node
        self.data_bn = nn.BatchNorm1d(num_person * in_channels * num_node)
        nn.init.ones_(self.data_bn.weight)
        nn.init.zeros_(self.data_bn.bias)

    def build_stages(self, make_block: Callable[..., nn.Module],
                     base_channels: int, num_stages: int,
                     inflate_stages: Sequence[int],
                     down_stages: Sequence[int]) -> None:
        """Build ``self.gcn``, the blocks, and set ``self.out_channels``.

        Args:
            make_block (Callable): ``make_block(in_channels, out_channels,
                stride, residual)`` returns one block.
            base_channels (int): Channels of the first block.
            num_stages (int): Number of blocks.
            inflate_stages (Sequence[int]): Blocks (1-based) that double the
                channels.
            down_stages (Sequence[int]): Blocks (1-based) with temporal
                stride 2.
        """
        blocks = []
        channels = base_channels
        for i in range(1, num_stages + 1):
            out_channels = channels * 2 if i in inflate_stages else channels
            blocks.append(
                make_block(
                    self.in_channels if i == 1 else channels,
                    out_channels,
                    stride=2 if i in down_stages else 1,
                    residual=i != 1))
            channels = out_channels
        self.gcn = nn.ModuleList(blocks)
        self.out_channels = channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Defines the computation performed at every call.

        Args:
            x (torch.Tensor): Skeletons of shape ``(N, M, T, V, C)``.

        Returns:
            torch.Tensor: Features of shape ``(N, M, C', T', V)``, in the
            memory format of the blocks (the fast CTR-GCN ones compute
            channels-last on CPU; a copy back to NCHW would only cost time:
            the head pools either).
        """
        N, M, T, V, C = x.shape
        if M * V * C != self.data_bn.num_features:
            raise ValueError(
                f'{type(self).__name__} expects {self.num_person} person(s) '
                f'x {self.num_node} joints x {self.in_channels} channels, '
                f'got input of shape (N, M, T, V, C)={tuple(x.shape)}')
        x = x.permute(0, 1, 3, 4, 2).reshape(N, M * V * C, T)
        x = self.data_bn(x)  # batch norm over (M, V, C)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2)
        x = x.reshape(N * M, C, T, V)
        for block in self.gcn:
            x = block(x)
        return x.reshape((N, M) + x.shape[1:])

from functools import partial
from typing import Dict, Optional, Sequence, Union

import torch
from mmaction.registry import MODELS

from ..utils.ctrgcn_fast import FastCTRGCNBlock
from ..utils.ctrgcn_utils import CTRGCNBlock
from ..utils.graph import build_graph
from .base import StagedGCN


@MODELS.register_module()
class CTRGCN(StagedGCN):
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
        impl (str): ``'fast'`` (:class:`FastCTRGCNBlock`) or ``'plain'``
            (:class:`CTRGCNBlock`): the same parameters, state-dict keys and
            function, laid out for speed or written plainly.
            Defaults to ``'fast'``.
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
                 impl: str = 'fast',
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        graph = build_graph(**graph_cfg)
        super().__init__(
            in_channels,
            num_person,
            graph.num_node,
            impl=impl,
            init_cfg=init_cfg)
        self.graph = graph
        A = torch.tensor(graph.A, dtype=torch.float32)
        block = FastCTRGCNBlock if impl == 'fast' else CTRGCNBlock
        self.build_stages(
            partial(block, A=A, kernel_size=kernel_size, dilations=dilations),
            base_channels, num_stages, inflate_stages, down_stages)

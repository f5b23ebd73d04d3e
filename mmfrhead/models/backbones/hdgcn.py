from functools import partial
from typing import Dict, Optional, Sequence, Union

import torch
from mmaction.registry import MODELS

from ..utils.graph import build_graph
from ..utils.hdgcn_utils import (FastHDGCNBlock, HDGCNBlock, edge_set_pooling,
                                 hd_graph, hierarchy_levels)
from .base import StagedGCN


@MODELS.register_module()
class HDGCN(StagedGCN):
    """HD-GCN backbone, from "Hierarchically Decomposed Graph Convolutional
    Networks for Skeleton-Based Action Recognition" (Lee et al., ICCV 2023,
    arXiv 2208.10741).

    The skeleton is decomposed into hierarchy levels by hop distance from a
    centre-of-mass (CoM) joint; every pair of neighbouring levels is one edge
    set of the HD-Graph (identity, centripetal and centrifugal subsets, the
    last two fully connected). Each layer runs an HD-GC (per edge set: graph
    aggregation per subset plus an EdgeConv among the joints), fuses the edge
    sets with attention-guided hierarchy aggregation (A-HA), then CTR-GCN's
    multi-scale TCN. Ten layers as CTR-GCN: channels double and time halves
    at ``inflate_stages`` / ``down_stages`` (layers 5 and 8, 1-based), and
    the input is normalised by a batch norm over (M, V, C).

    With the default arguments, the NTU RGB+D graph (``'nturgb+d'``, CoM =
    joint 21, spine shoulder, 7 levels, 6 edge sets) and a 120-class linear
    classifier the model has 1,678,104 parameters; the paper reports 1.68 M.
    The paper's six-stream ensemble trains joint and bone streams with three
    CoM joints (1, 2 and 21, 1-based): set ``graph_cfg['center']`` to 0, 1
    or 20. The neighbour counts of the two EdgeConvs (``edge_k``,
    ``aha_k``) do not change the parameter count.

    Args:
        graph_cfg (dict): ``layout`` (a name of
            :func:`mmfrhead.models.utils.build_graph`, e.g. ``'nturgb+d'`` or
            ``'nw_ucla'``, or a layout dict with ``num_node``, ``inward`` and
            ``center``) and optionally ``center``, the 0-based CoM joint
            (defaults to the layout's centre).
        in_channels (int): Number of input channels. Defaults to 3.
        base_channels (int): Channels of the first layer (a multiple of 4).
            Defaults to 64.
        num_stages (int): Number of layers. Defaults to 10.
        inflate_stages (Sequence[int]): Layers (1-based) that double the
            channels. Defaults to ``(5, 8)``.
        down_stages (Sequence[int]): Layers (1-based) with temporal stride 2.
            Defaults to ``(5, 8)``.
        num_person (int): Number of persons, for the data batch norm over
            (M, V, C). Defaults to 2.
        kernel_size (int): Temporal kernel of the multi-scale TCN.
            Defaults to 5.
        dilations (Sequence[int]): Dilations of the multi-scale TCN.
            Defaults to ``(1, 2)``.
        edge_k (int): Neighbours of the EdgeConv among joints in every
            HD-GC. Defaults to 5.
        aha_k (int): Neighbours of the EdgeConv among edge sets in A-HA.
            Defaults to 3.
        impl (str): ``'fast'`` (:class:`FastHDGCNBlock`, CTR-GCN's fast
            multi-scale TCN) or ``'plain'`` (:class:`HDGCNBlock`): the same
            parameters, state-dict keys and function.
            Defaults to ``'fast'``.
        init_cfg (dict or list[dict], optional): Initialization config.
            The layers initialise themselves. Defaults to None.

    Examples:
        >>> import torch
        >>> import mmfrhead  # noqa
        >>> from mmfrhead.models import HDGCN
        >>> model = HDGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
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
                 edge_k: int = 5,
                 aha_k: int = 3,
                 impl: str = 'fast',
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        graph_cfg = dict(graph_cfg)
        unknown = set(graph_cfg) - {'layout', 'center'}
        if unknown:
            raise ValueError(f'HDGCN graph_cfg takes layout and center, got '
                             f'{sorted(unknown)}')
        graph = build_graph(graph_cfg['layout'])
        super().__init__(
            in_channels,
            num_person,
            graph.num_node,
            impl=impl,
            init_cfg=init_cfg)
        center = graph_cfg.get('center')
        self.center = graph.center if center is None else center
        self.levels = hierarchy_levels(graph.num_node, graph.inward,
                                       self.center)
        A = torch.from_numpy(hd_graph(self.levels, graph.num_node))
        pool = edge_set_pooling(self.levels, graph.num_node)
        self.build_stages(
            partial(
                FastHDGCNBlock if impl == 'fast' else HDGCNBlock,
                A=A,
                pool=pool,
                kernel_size=kernel_size,
                dilations=dilations,
                edge_k=edge_k,
                aha_k=aha_k), base_channels, num_stages, inflate_stages,
            down_stages)

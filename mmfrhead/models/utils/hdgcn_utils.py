"""Building blocks of HD-GCN (Lee et al., "Hierarchically Decomposed Graph
Convolutional Networks for Skeleton-Based Action Recognition", ICCV 2023,
arXiv 2208.10741), written from the paper.

* **HD-Graph**: the joints are split into hierarchy levels ``V_0 ... V_H`` by
  their hop distance from a centre-of-mass (CoM) joint. Edge set ``l``
  (``l = 0 ... H - 1``) joins two neighbouring levels with three subsets:
  the identity of the joints of ``V_l`` and ``V_{l+1}``, and the fully
  connected centripetal (``V_{l+1} -> V_l``) and centrifugal
  (``V_l -> V_{l+1}``) edges, each normalised like the spatial graph of
  CTR-GCN / MMAction2.
* **HD-GC** (hierarchically decomposed graph convolution): per edge set, a
  1x1 reduction to ``C / 4`` channels, one graph aggregation and 1x1 conv per
  subset, and an EdgeConv that relates the joints by feature similarity; the
  four ``C / 4`` parts are concatenated, so every edge set gives a
  ``C``-channel map.
* **A-HA** (attention-guided hierarchy aggregation): temporal max pooling,
  a 1x1 reduction, representative spatial average pooling over the joints of
  each edge set, an EdgeConv among the edge sets, a 1x1 expansion and a
  sigmoid give one channel attention per edge set; the edge-set maps are
  summed with these weights.

As in ``ctrgcn_utils``, the per-edge-set and per-subset 1x1 convolutions run
as one (grouped) convolution each; the parameters are the same as separate
modules. The layers share CTR-GCN's multi-scale TCN: :class:`HDGCNBlock` has
the plain one, :class:`FastHDGCNBlock` that of ``ctrgcn_fast``.
"""
import math
from typing import List, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmaction.models.utils.graph import (edge2mat, get_hop_distance,
                                         normalize_digraph)

from .ctrgcn_fast import FastMultiScaleTCN
from .ctrgcn_utils import MultiScaleTCN, residual_branch


def hierarchy_levels(num_node: int, inward: Sequence[Tuple[int, int]],
                     center: int) -> List[List[int]]:
    """Split the joints by their hop distance from the CoM joint.

    Args:
        num_node (int): Number of joints.
        inward (Sequence[tuple[int, int]]): Skeleton edges (0-based).
        center (int): The CoM joint (0-based).

    Returns:
        list[list[int]]: The joints of each level, nearest first; level 0 is
        ``[center]``.
    """
    if not 0 <= center < num_node:
        raise ValueError(f'center={center} is not a joint of a {num_node}-'
                         'joint skeleton')
    hops = get_hop_distance(num_node, list(inward), max_hop=num_node)[center]
    if np.isinf(hops).any():
        lost = np.flatnonzero(np.isinf(hops)).tolist()
        raise ValueError(f'joints {lost} are not connected to the CoM joint '
                         f'{center}')
    return [
        np.flatnonzero(hops == h).tolist() for h in range(int(hops.max()) + 1)
    ]


def hd_graph(levels: Sequence[Sequence[int]], num_node: int) -> np.ndarray:
    """Adjacency of the HD-Graph.

    ``A[l, s, v, u]`` is the weight of the message from joint ``u`` to joint
    ``v`` in subset ``s`` (identity, centripetal, centrifugal) of edge set
    ``l``; the aggregation is ``y_v = sum_u A[l, s, v, u] x_u``.

    Args:
        levels (Sequence[Sequence[int]]): Joints per level, from
            :func:`hierarchy_levels`.
        num_node (int): Number of joints.

    Returns:
        np.ndarray: ``(len(levels) - 1, 3, V, V)``.
    """
    if len(levels) < 2:
        raise ValueError('the HD-Graph needs at least two levels')
    A = []
    for near, far in zip(levels[:-1], levels[1:]):
        identity = edge2mat([(v, v) for v in list(near) + list(far)],
                            num_node)
        centripetal = [(u, v) for u in far for v in near]  # far -> near
        centrifugal = [(u, v) for u in near for v in far]  # near -> far
        A.append(
            np.stack([
                identity,
                normalize_digraph(edge2mat(centripetal, num_node)),
                normalize_digraph(edge2mat(centrifugal, num_node))
            ]))
    return np.stack(A).astype(np.float32)


def edge_set_pooling(levels: Sequence[Sequence[int]],
                     num_node: int) -> torch.Tensor:
    """Averaging weights of the representative spatial average pooling.

    Returns:
        torch.Tensor: ``(L, V)``, row ``l`` averages the joints of levels
        ``l`` and ``l + 1`` (the joints of edge set ``l``).
    """
    pool = torch.zeros(len(levels) - 1, num_node)
    for i, (near, far) in enumerate(zip(levels[:-1], levels[1:])):
        members = list(near) + list(far)
        pool[i, members] = 1. / len(members)
    return pool


def _kaiming_(conv: nn.Module) -> None:
    nn.init.kaiming_normal_(conv.weight, mode='fan_out')
    if conv.bias is not None:
        nn.init.zeros_(conv.bias)


class EdgeConv(nn.Module):
    """EdgeConv (Wang et al., "Dynamic Graph CNN", 2019) on ``G`` graphs.

    Each node ``i`` takes its ``k`` nearest nodes ``j`` in feature space
    (itself included) and computes
    ``max_j LeakyReLU(BN(W [x_j - x_i, x_i]))``. The ``G`` graphs of a
    sample have their own weights ``W`` (one group each).

    Args:
        in_channels (int): Input channels per graph.
        out_channels (int): Output channels per graph.
        k (int): Number of neighbours (at most the number of nodes).
        groups (int): Number of graphs ``G``. Defaults to 1.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 k: int,
                 groups: int = 1) -> None:
        super().__init__()
        self.k = k
        self.groups = groups
        self.out_channels = out_channels
        self.conv = nn.Conv2d(
            2 * in_channels * groups,
            out_channels * groups,
            1,
            groups=groups,
            bias=False)
        self.bn = nn.BatchNorm2d(out_channels * groups)
        self.act = nn.LeakyReLU(0.2, inplace=True)
        # Kaiming fan-out of each graph's own convolution.
        nn.init.normal_(self.conv.weight, 0., math.sqrt(2. / out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, G, C, V) -> (N, G, C_out, V)."""
        N, G, C, V = x.shape
        k = min(self.k, V)
        with torch.no_grad():  # the neighbour choice is not differentiated
            inner = torch.einsum('ngcv,ngcu->ngvu', x, x)
            sq = inner.diagonal(dim1=-2, dim2=-1)  # (N, G, V)
            neg_dist = 2 * inner - sq.unsqueeze(-1) - sq.unsqueeze(-2)
            idx = neg_dist.topk(k, dim=-1).indices  # (N, G, V, k)
        idx = idx.reshape(N, G, 1, V * k).expand(N, G, C, V * k)
        neighbours = x.gather(3, idx).view(N, G, C, V, k)
        centre = x.unsqueeze(-1).expand_as(neighbours)
        feat = torch.cat([neighbours - centre, centre], dim=2)
        feat = self.act(self.bn(self.conv(feat.view(N, G * 2 * C, V, k))))
        return feat.amax(-1).view(N, G, self.out_channels, V)


class AttentionHierarchyAggregation(nn.Module):
    """A-HA: sum the edge-set maps with a learned channel attention.

    Args:
        channels (int): Channels ``C`` of every edge-set map.
        pool (torch.Tensor): ``(L, V)`` weights of the representative
            spatial average pooling (:func:`edge_set_pooling`).
        k (int): Neighbours of the EdgeConv among the edge sets.
            Defaults to 3.
        reduction (int): Channel reduction before the EdgeConv.
            Defaults to 4.
    """

    def __init__(self,
                 channels: int,
                 pool: torch.Tensor,
                 k: int = 3,
                 reduction: int = 4) -> None:
        super().__init__()
        mid = channels // reduction
        self.reduce = nn.Sequential(
            nn.Conv2d(channels, mid, 1), nn.BatchNorm2d(mid),
            nn.ReLU(inplace=True))
        self.edge_conv = EdgeConv(mid, mid, k)
        self.expand = nn.Conv1d(mid, channels, 1)
        self.register_buffer('pool', pool.clone(), persistent=False)
        _kaiming_(self.reduce[0])
        _kaiming_(self.expand)

    def forward(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """Aggregate the edge-set maps ``h_l = [z_l, e_l]``.

        Args:
            z (torch.Tensor): Graph-aggregated parts ``(N, L, C_z, T, V)``.
            e (torch.Tensor): EdgeConv parts, constant in time,
                ``(N, L, C - C_z, V)``.

        Returns:
            torch.Tensor: ``sum_l att_l * h_l``, shape ``(N, C, T, V)``.
        """
        N, L, Cz, T, V = z.shape
        # Temporal max pooling of h (e is constant in time).
        r = torch.cat([z.max(3).values, e], dim=2).transpose(1, 2)
        r = self.reduce(r)  # (N, c, L, V)
        r = torch.einsum('nclv,lv->ncl', r, self.pool)  # RSAP: (N, c, L)
        r = self.edge_conv(r.unsqueeze(1)).squeeze(1)  # among edge sets
        att = torch.sigmoid(self.expand(r))  # (N, C, L)
        out_z = torch.einsum('nlctv,ncl->nctv', z, att[:, :Cz])
        out_e = torch.einsum('nlcv,ncl->ncv', e, att[:, Cz:])
        return torch.cat([out_z, out_e.unsqueeze(2).expand(-1, -1, T, -1)],
                         dim=1)


class HDGC(nn.Module):
    """Hierarchically decomposed graph convolution with A-HA.

    ``BN(A-HA(HD-GC(x))) + down(x)``, then ReLU. The HD-Graph adjacency is a
    learnable parameter (``PA``), initialised with :func:`hd_graph`.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels (a multiple of the
            number of subsets + 1, i.e. 4).
        A (torch.Tensor): HD-Graph ``(L, S, V, V)``.
        pool (torch.Tensor): ``(L, V)`` RSAP weights.
        edge_k (int): Neighbours of the joint EdgeConv. Defaults to 5.
        aha_k (int): Neighbours of the EdgeConv of A-HA. Defaults to 3.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 A: torch.Tensor,
                 pool: torch.Tensor,
                 edge_k: int = 5,
                 aha_k: int = 3) -> None:
        super().__init__()
        L, S = A.shape[:2]
        if out_channels % (S + 1):
            raise ValueError(f'out_channels={out_channels} must be divisible'
                             f' by {S + 1} (the {S} subsets and the '
                             'EdgeConv)')
        c = out_channels // (S + 1)
        self.num_sets, self.num_subsets, self.inter_channels = L, S, c
        self.PA = nn.Parameter(A.clone())
        # The 1x1 reduction of every edge set, as one convolution.
        self.reduce = nn.Sequential(
            nn.Conv2d(in_channels, L * c, 1), nn.BatchNorm2d(L * c),
            nn.ReLU(inplace=True))
        # The 1x1 conv + BN after each (edge set, subset) aggregation.
        self.subset_conv = nn.Conv2d(L * S * c, L * S * c, 1, groups=L * S)
        self.subset_bn = nn.BatchNorm2d(L * S * c)
        self.edge_conv = EdgeConv(c, c, edge_k, groups=L)
        self.aha = AttentionHierarchyAggregation(out_channels, pool, aha_k)
        self.bn = nn.BatchNorm2d(out_channels)
        self.down = residual_branch(in_channels, out_channels, 1, True)
        self.relu = nn.ReLU(inplace=True)
        for conv in (self.reduce[0], self.subset_conv):
            # Kaiming fan-out of each separate 1x1 conv (fan-out c).
            nn.init.normal_(conv.weight, 0., math.sqrt(2. / c))
            nn.init.zeros_(conv.bias)
        nn.init.constant_(self.bn.weight, 1e-6)
        nn.init.zeros_(self.bn.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V)."""
        N, _, T, V = x.shape
        L, S, c = self.num_sets, self.num_subsets, self.inter_channels
        xd = self.reduce(x).view(N, L, c, T, V)
        z = torch.einsum('nlctu,lsvu->nlsctv', xd, self.PA)
        z = self.subset_bn(self.subset_conv(z.reshape(N, L * S * c, T, V)))
        e = self.edge_conv(xd.mean(3))  # (N, L, c, V), from the mean frame
        # A-HA over h_l = [z_l, e_l] (N, L, C, T, V), without building h.
        y = self.bn(self.aha(z.view(N, L, S * c, T, V), e))
        return self.relu(y + self.down(x))


class HDGCNBlock(nn.Module):
    """One HD-GCN layer: ``relu(tcn(hdgc(x)) + residual(x))``.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        A (torch.Tensor): HD-Graph ``(L, S, V, V)``.
        pool (torch.Tensor): ``(L, V)`` RSAP weights.
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Whether to add the residual path. Defaults to True.
        kernel_size (int): Kernel of the temporal branches. Defaults to 5.
        dilations (Sequence[int]): Temporal dilations. Defaults to (1, 2).
        edge_k (int): Neighbours of the joint EdgeConv. Defaults to 5.
        aha_k (int): Neighbours of the EdgeConv of A-HA. Defaults to 3.
    """

    tcn_cls = MultiScaleTCN

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 A: torch.Tensor,
                 pool: torch.Tensor,
                 stride: int = 1,
                 residual: bool = True,
                 kernel_size: int = 5,
                 dilations: Sequence[int] = (1, 2),
                 edge_k: int = 5,
                 aha_k: int = 3) -> None:
        super().__init__()
        self.gcn = HDGC(in_channels, out_channels, A, pool, edge_k, aha_k)
        self.tcn = self.tcn_cls(out_channels, out_channels, kernel_size,
                                stride, dilations)
        self.relu = nn.ReLU(inplace=True)
        self.residual = residual_branch(in_channels, out_channels, stride,
                                        residual)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T // stride, V)."""
        y = self.tcn(self.gcn(x))
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)


class FastHDGCNBlock(HDGCNBlock):
    """:class:`HDGCNBlock` with the multi-scale TCN of ``ctrgcn_fast``
    (:class:`~.ctrgcn_fast.FastMultiScaleTCN`): same parameters."""

    tcn_cls = FastMultiScaleTCN

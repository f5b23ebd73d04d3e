"""Building blocks of CTR-GCN (Chen et al., ICCV 2021), written plainly.

Each role of the original code is one convolution over all graph subsets
(or all TCN branches), so the parameters are few tensors with a fixed layout:

* ``CTRGC.rel_conv``: the relation convolutions ``phi_0 .. phi_{S-1}``, then
  ``psi_0 .. psi_{S-1}``, blocks of ``R`` output channels;
* ``CTRGC.topo_conv`` (``conv4`` of every subset, one group per subset) and
  ``CTRGC.value_conv`` (``xi`` of every subset): ``S`` blocks of ``O``
  output channels;
* ``MultiScaleTCN.reduce``: the 1x1 reductions of the branches, ``mid``
  output channels per branch.

:mod:`.ctrgcn_fast` computes the same functions with the same parameters, in
the layout that is fast on a CPU: its classes subclass these, replace only
``forward`` and name their fast children in the class attributes
(``ctrgc_cls``, ``temporal_conv_cls``, ``gcn_cls``, ``tcn_cls``). The
backbones choose with ``impl='fast'|'plain'``.
"""
import math
from typing import Optional, Sequence

import torch
import torch.nn as nn


def _kaiming_fan_out_(weight: torch.Tensor, fan_out: int) -> None:
    """Kaiming-normal init (ReLU gain) with an explicit per-subset fan-out."""
    nn.init.normal_(weight, 0., math.sqrt(2. / fan_out))


class CTRGC(nn.Module):
    """Channel-wise topology refinement graph convolution of every subset.

    For each subset ``s`` with prior topology ``A_s``, CTR-GC computes a
    channel-specific topology
    ``Q_s = alpha * conv4_s(tanh(phi_s(x)_u - psi_s(x)_v)) + A_s`` from the
    time-averaged features, then aggregates ``y = sum_s Q_s * xi_s(x)``
    per channel.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        num_subsets (int): Number of graph subsets (3 for the spatial graph).
        rel_reduction (int): Reduction of the relation channels.
            Defaults to 8 (inputs with 3 or 9 channels use 8 relation
            channels, as in CTR-GCN).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_subsets: int,
                 rel_reduction: int = 8) -> None:
        super().__init__()
        if in_channels in (3, 9):
            rel_channels = 8
        else:
            rel_channels = in_channels // rel_reduction
        self.num_subsets = num_subsets
        self.rel_channels = rel_channels
        self.out_channels = out_channels
        S, R, O = num_subsets, rel_channels, out_channels
        # phi and psi of every subset: (2 * S * R) output channels.
        self.rel_conv = nn.Conv2d(in_channels, 2 * S * R, 1)
        # conv4 of every subset, one group per subset: S * R -> S * O.
        self.topo_conv = nn.Conv2d(S * R, S * O, 1, groups=S)
        # xi of every subset: C -> S * O.
        self.value_conv = nn.Conv2d(in_channels, S * O, 1)
        for conv, fan_out in ((self.rel_conv, R), (self.topo_conv, O),
                              (self.value_conv, O)):
            _kaiming_fan_out_(conv.weight, fan_out)
            nn.init.zeros_(conv.bias)

    def forward(self, x: torch.Tensor, A: torch.Tensor,
                alpha: torch.Tensor) -> torch.Tensor:
        """Aggregate joint features with refined topologies.

        Args:
            x (torch.Tensor): Features of shape ``(N, C, T, V)``.
            A (torch.Tensor): Shared topologies ``(S, V, V)``.
            alpha (torch.Tensor): Scale of the refinement, shape ``(1, )``.

        Returns:
            torch.Tensor: Features of shape ``(N, out_channels, T, V)``.
        """
        N, _, T, V = x.shape
        S, R, O = self.num_subsets, self.rel_channels, self.out_channels
        # phi and psi are linear: relate the time-averaged features.
        rel = self.rel_conv(x.mean(2, keepdim=True))  # (N, 2SR, 1, V)
        phi, psi = rel.view(N, 2, S * R, V).unbind(1)  # (N, SR, V)
        rel = torch.tanh(phi.unsqueeze(-1) - psi.unsqueeze(-2))  # N,SR,U,V
        topo = self.topo_conv(rel).view(N, S, O, V, V)
        topo = topo * alpha + A.view(1, S, 1, V, V)  # Q_s
        value = self.value_conv(x).view(N, S, O, T, V)  # xi_s(x)
        return torch.einsum('nsouv,nsotv->notu', topo, value)


def residual_branch(in_channels: int, out_channels: int, stride: int,
                    residual: bool) -> Optional[nn.Module]:
    """The residual path of a CTR-GCN-style block (or of its graph unit,
    with ``stride`` 1).

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        stride (int): Temporal stride of the block.
        residual (bool): Whether the block has a residual path.

    Returns:
        nn.Module | None: None without a residual, ``nn.Identity`` when the
        shapes match, else a strided 1x1 convolution (Kaiming fan-out) and a
        batch norm.
    """
    if not residual:
        return None
    if in_channels == out_channels and stride == 1:
        return nn.Identity()
    branch = nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1)),
        nn.BatchNorm2d(out_channels))
    nn.init.kaiming_normal_(branch[0].weight, mode='fan_out')
    nn.init.zeros_(branch[0].bias)
    return branch


class CTRGCNUnitGCN(nn.Module):
    """Spatial unit of CTR-GCN: CTR-GC, batch norm, residual, ReLU.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        A (torch.Tensor): Prior topologies ``(S, V, V)``; they become a
            learnable parameter shared by the channels (``PA``).
    """

    ctrgc_cls = CTRGC

    def __init__(self, in_channels: int, out_channels: int,
                 A: torch.Tensor) -> None:
        super().__init__()
        self.PA = nn.Parameter(A.clone())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.ctrgc = self.ctrgc_cls(in_channels, out_channels, A.size(0))
        self.bn = nn.BatchNorm2d(out_channels)
        nn.init.constant_(self.bn.weight, 1e-6)
        nn.init.zeros_(self.bn.bias)
        self.down = residual_branch(in_channels, out_channels, 1, True)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V)."""
        y = self.bn(self.ctrgc(x, self.PA, self.alpha))
        return self.relu(y + self.down(x))


class TemporalConv(nn.Sequential):
    """(k, 1) convolution along time with dilation, then batch norm.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        kernel_size (int): Temporal kernel size.
        stride (int): Temporal stride. Defaults to 1.
        dilation (int): Temporal dilation. Defaults to 1.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int,
                 stride: int = 1,
                 dilation: int = 1) -> None:
        pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2
        super().__init__(
            nn.Conv2d(
                in_channels,
                out_channels, (kernel_size, 1),
                padding=(pad, 0),
                stride=(stride, 1),
                dilation=(dilation, 1)), nn.BatchNorm2d(out_channels))


class MultiScaleTCN(nn.Module):
    """Multi-scale temporal convolution of CTR-GCN.

    ``len(dilations) + 2`` branches of ``out_channels // branches`` channels,
    each behind its own 1x1 reduction and batch norm: one dilated temporal
    convolution per dilation (after a ReLU), a max-pool branch (ReLU,
    max-pool, batch norm) and a strided 1x1 branch, concatenated (no
    residual, no final activation).

    The 1x1 reductions of all branches are one convolution, ``reduce``
    (rows ``[b * mid, (b + 1) * mid)`` belong to branch ``b``);
    ``branches[b]`` holds the rest of branch ``b``. The strided 1x1 branch
    keeps every ``stride``-th frame of its reduction, which is what a
    strided 1x1 convolution computes.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        kernel_size (int): Kernel of the dilated branches. Defaults to 5.
        stride (int): Temporal stride. Defaults to 1.
        dilations (Sequence[int]): Dilations. Defaults to ``(1, 2)``.
    """

    temporal_conv_cls = TemporalConv

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 5,
                 stride: int = 1,
                 dilations: Sequence[int] = (1, 2)) -> None:
        super().__init__()
        num_branches = len(dilations) + 2
        mid = out_channels // num_branches
        if mid * num_branches != out_channels:
            raise ValueError(f'out_channels={out_channels} must be divisible '
                             f'by the {num_branches} branches')
        self.num_branches, self.mid, self.stride = num_branches, mid, stride
        self.reduce = nn.Conv2d(in_channels, num_branches * mid, 1)

        def bn_relu():
            return [nn.BatchNorm2d(mid), nn.ReLU(inplace=True)]

        self.branches = nn.ModuleList([
            nn.Sequential(
                *bn_relu(),
                self.temporal_conv_cls(mid, mid, kernel_size, stride, d))
            for d in dilations
        ])
        self.branches.append(
            nn.Sequential(*bn_relu(), nn.MaxPool2d((3, 1),
                                                   (stride, 1), (1, 0)),
                          nn.BatchNorm2d(mid)))
        self.branches.append(nn.Sequential(nn.BatchNorm2d(mid)))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out')
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.normal_(m.weight, 1., 0.02)
                nn.init.zeros_(m.bias)
        # Kaiming fan-out of one branch's reduction, as four separate convs.
        _kaiming_fan_out_(self.reduce.weight, mid)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T // stride, V)."""
        h = list(self.reduce(x).split(self.mid, dim=1))  # (N, mid, T, V)
        h[-1] = h[-1][:, :, ::self.stride]  # the strided 1x1 branch
        return torch.cat([branch(t) for branch, t in zip(self.branches, h)],
                         dim=1)


class CTRGCNBlock(nn.Module):
    """One CTR-GCN layer: ``relu(tcn(gcn(x)) + residual(x))``.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        A (torch.Tensor): Prior topologies ``(S, V, V)``.
        stride (int): Temporal stride. Defaults to 1.
        residual (bool): Whether to add the residual path. Defaults to True.
        kernel_size (int): Kernel of the temporal branches. Defaults to 5.
        dilations (Sequence[int]): Temporal dilations. Defaults to (1, 2).
    """

    gcn_cls = CTRGCNUnitGCN
    tcn_cls = MultiScaleTCN

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 A: torch.Tensor,
                 stride: int = 1,
                 residual: bool = True,
                 kernel_size: int = 5,
                 dilations: Sequence[int] = (1, 2)) -> None:
        super().__init__()
        self.gcn = self.gcn_cls(in_channels, out_channels, A)
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

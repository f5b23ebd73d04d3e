"""MMAction2's ST-GCN with STF adjacency units (STF, AAAI 2022).

Tags as in ``docs/stf-notes.md`` ([P] paper, [I] inferred, [R] lineage,
[U] unknown, [S] ours).
"""
from typing import Dict, Sequence

import torch
import torch.nn as nn
from mmaction.models import STGCN
from mmaction.models.utils import unit_gcn
from mmaction.registry import MODELS


class STFUnitGCN(unit_gcn):
    """ST-GCN's spatial unit with an STF adjacency [S].

    ``A_k(x) = A + B_k + beta * C_k(x)``: the physical graph ``A`` (a
    buffer), a learnable offset ``B_k`` (MMAction2's ``adaptive='offset'``
    ``PA``, initialised near 0) and an instance-dependent part, the
    embedded similarity of 2s-AGCN,
    ``C_k(x)[u, v] = softmax_u(theta_s(x)_u . phi_s(x)_v / (E T))``, with a
    learnable gate ``beta`` per subset initialised to 0 (the unit starts as
    ST-GCN with an offset graph). The adjacency, of shape ``(N, S, V, V)``
    and indexed ``[receiving joint, sending joint]`` as CTR-GCN's, passes
    through the parameter-free tap point ``adjacency`` for L_Gk.

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        A (torch.Tensor): Physical graph ``(S, V, V)``, MMAction2's
            ``[sending, receiving]`` order.
        embed_channels (int): ``E`` of theta and phi, per subset.
            Defaults to 16.
        **kwargs: ``with_res``, ``norm``, ``act`` of ``unit_gcn``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 A: torch.Tensor,
                 embed_channels: int = 16,
                 **kwargs) -> None:
        super().__init__(
            in_channels, out_channels, A, adaptive='offset', conv_pos='pre',
            **kwargs)
        S = self.num_subsets
        self.embed_channels = embed_channels
        self.embed = nn.Conv2d(in_channels, 2 * S * embed_channels, 1)
        self.beta = nn.Parameter(torch.zeros(S))
        self.adjacency = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V)."""
        N, _, T, V = x.shape
        S, E = self.num_subsets, self.embed_channels
        res = self.down(x) if self.with_res else 0
        theta, phi = self.embed(x).view(N, 2, S, E * T, V).unbind(1)
        similarity = torch.einsum('nseu,nsev->nsuv', theta, phi) / (E * T)
        similarity = similarity.softmax(2)  # over the receiving joints u
        graph = (self.A + self.PA).transpose(1, 2)  # (S, V_recv, V_send)
        adjacency = self.adjacency(graph + self.beta.view(1, S, 1, 1) *
                                   similarity)  # (N, S, V, V)
        x = self.conv(x).view(N, S, -1, T, V)
        x = torch.einsum('nsctv,nsuv->nctu', x, adjacency).contiguous()
        return self.act(self.bn(x) + res)


@MODELS.register_module()
class STFSTGCN(STGCN):
    """MMAction2's ST-GCN whose blocks ``stf_stages`` have
    :class:`STFUnitGCN` spatial units.

    Args:
        graph_cfg (dict): MMAction2 graph config.
        stf_stages (Sequence[int]): Blocks (0-based indices of ``gcn``)
            that are STF modules [S]. Defaults to ``(4, 5, 6, 7, 8, 9)``.
        embed_channels (int): Embedding channels of the instance-dependent
            part [S]. Defaults to 16.
        **kwargs: The other arguments of MMAction2's ``STGCN``; of the
            ``gcn_*`` ones the STF units use ``gcn_with_res``.
    """

    def __init__(self,
                 graph_cfg: Dict,
                 stf_stages: Sequence[int] = (4, 5, 6, 7, 8, 9),
                 embed_channels: int = 16,
                 **kwargs) -> None:
        super().__init__(graph_cfg, **kwargs)
        if not all(0 <= k < len(self.gcn) for k in stf_stages):
            raise ValueError(f'stf_stages {tuple(stf_stages)} must lie in '
                             f'[0, {len(self.gcn) - 1}]')
        self.stf_stages = tuple(stf_stages)
        for k in self.stf_stages:
            old = self.gcn[k].gcn
            self.gcn[k].gcn = STFUnitGCN(
                old.in_channels,
                old.out_channels,
                old.A.detach().clone(),
                embed_channels=embed_channels,
                with_res=old.with_res)

"""CTR-GCN with STF adjacency units (STF, Ke, Peng, Lyu, AAAI 2022).

Tags as in ``docs/stf-notes.md`` ([P] paper, [I] inferred, [R] lineage,
[U] unknown, [S] ours).
"""
from contextlib import contextmanager
from typing import Dict, Iterator, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS

from ..backbones.base import StagedGCN
from ..utils.ctrgcn_fast import (FastCTRGC, FastCTRGCNBlock, FastCTRGCNUnitGCN,
                                 FastMultiScaleTCN, FastTemporalConv)
from ..utils.ctrgcn_utils import (CTRGC, CTRGCNBlock, CTRGCNUnitGCN,
                                  MultiScaleTCN, TemporalConv)
from ..utils.graph import build_graph


class STFCTRGCNUnit(CTRGCNUnitGCN):
    """CTR-GCN's spatial unit with its adjacency exposed for L_Gk.

    The STF adjacency of a module is [P] learnable, instance-dependent and
    its own; its form is [U]. Here [S] it is CTR-GC's refined topology

    ``A_k(x) = A + B_k + C_k(x)``, with ``A + B_k = PA`` (the learnable
    topology shared by the channels, initialised to the physical graph
    ``A``) and ``C_k(x) = alpha * conv4(tanh(phi(x)_u - psi(x)_v))`` (the
    channel-wise, instance-dependent refinement),

    of shape ``(N, S, C_out, V, V)`` (subsets, channels). It passes through
    the parameter-free tap point ``adjacency``, so
    :class:`mmfrhead.models.StageTaps` reads it under the name
    ``'gcn.<k>.gcn.adjacency'``. The unit has exactly the parameters and
    the function of :class:`CTRGCNUnitGCN`: a checkpoint loads into CTR-GCN
    as it is. The focus supervises the adjacency through L_Gk only; it does
    not enter the forward pass, so inference is CTR-GCN's [I].

    Args:
        in_channels (int): Number of input channels.
        out_channels (int): Number of output channels.
        A (torch.Tensor): Physical graph ``(S, V, V)``.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 A: torch.Tensor) -> None:
        super().__init__(in_channels, out_channels, A)
        self.adjacency = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V)."""
        ctrgc = self.ctrgc
        N, _, T, V = x.shape
        S, R, O = ctrgc.num_subsets, ctrgc.rel_channels, ctrgc.out_channels
        rel = ctrgc.rel_conv(x.mean(2, keepdim=True))  # (N, 2SR, 1, V)
        phi, psi = rel.view(N, 2, S * R, V).unbind(1)  # (N, SR, V)
        rel = torch.tanh(phi.unsqueeze(-1) - psi.unsqueeze(-2))  # N,SR,U,V
        refinement = ctrgc.topo_conv(rel).view(N, S, O, V, V) * self.alpha
        adjacency = self.adjacency(refinement + self.PA.view(1, S, 1, V, V))
        value = ctrgc.value_conv(x).view(N, S, O, T, V)
        y = torch.einsum('nsouv,nsotv->notu', adjacency, value)
        return self.relu(self.bn(y) + self.down(x))


class STFCTRGCNBlock(CTRGCNBlock):
    """A CTR-GCN block whose spatial unit is :class:`STFCTRGCNUnit`."""

    gcn_cls = STFCTRGCNUnit


# The fast twin of each plain class of the blocks: a subclass in
# ``ctrgcn_fast.py`` that replaces only ``forward`` and adds no attribute, so
# a module of the plain class runs as its twin by switching its class.
FAST_TWINS = {
    STFCTRGCNBlock: FastCTRGCNBlock,
    CTRGCNBlock: FastCTRGCNBlock,
    STFCTRGCNUnit: FastCTRGCNUnitGCN,
    CTRGCNUnitGCN: FastCTRGCNUnitGCN,
    CTRGC: FastCTRGC,
    MultiScaleTCN: FastMultiScaleTCN,
    TemporalConv: FastTemporalConv,
}


@MODELS.register_module()
class STFCTRGCN(StagedGCN):
    """CTR-GCN whose blocks ``stf_stages`` are STF modules.

    The paper has six STF modules [P] on a backbone it does not describe in
    the available text [U]; here [S] they are blocks 5-10 of CTR-GCN
    (0-based ``(4, ..., 9)``), so the last two, compared by L_c, have the
    same shape. The STF modules are CTR-GCN's plain blocks: the focus needs
    ``autograd.grad`` through them, also of second order, which the fast
    blocks' custom autograd functions do not support, and L_Gk needs their
    adjacency, which the fast unit never forms. The other blocks lie before
    every STF module, so the focus gradients never pass through them (the
    losses back-propagate through them once, of first order, also with
    ``create_graph=True``): ``impl`` chooses their implementation, and that
    of every block in :meth:`first_order_pass`.
    Parameters and state-dict keys are those of :class:`CTRGCN`, whose
    ``impl='fast'`` runs a trained STF model at CTR-GCN's speed.

    Args:
        graph_cfg (dict): Config of the graph, e.g.
            ``dict(layout='nw_ucla', mode='spatial')``.
        in_channels (int): Number of input channels. Defaults to 3.
        base_channels (int): Channels of the first block. Defaults to 64.
        num_stages (int): Number of blocks. Defaults to 10.
        inflate_stages (Sequence[int]): Blocks (1-based) that double the
            channels. Defaults to ``(5, 8)``.
        down_stages (Sequence[int]): Blocks (1-based) with temporal stride 2.
            Defaults to ``(5, 8)``.
        num_person (int): Number of persons. Defaults to 2.
        kernel_size (int): Temporal kernel of the multi-scale TCN.
            Defaults to 5.
        dilations (Sequence[int]): Dilations of the multi-scale TCN.
            Defaults to ``(1, 2)``.
        stf_stages (Sequence[int]): Blocks (0-based) that are STF modules.
            Defaults to ``(4, 5, 6, 7, 8, 9)``.
        impl (str): The blocks before the first STF module, and all blocks
            in :meth:`first_order_pass`: ``'fast'`` (the layout of
            :class:`FastCTRGCNBlock`) or ``'plain'`` (:class:`CTRGCNBlock`),
            the same function. Defaults to ``'fast'``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to None.
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
                 stf_stages: Sequence[int] = (4, 5, 6, 7, 8, 9),
                 impl: str = 'fast',
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        graph = build_graph(**graph_cfg)
        super().__init__(
            in_channels,
            num_person,
            graph.num_node,
            impl=impl,
            init_cfg=init_cfg)
        if not stf_stages or not all(0 <= k < num_stages
                                     for k in stf_stages):
            raise ValueError(f'stf_stages {tuple(stf_stages)} must be '
                             f'blocks in [0, {num_stages - 1}]')
        self.graph = graph
        self.stf_stages = tuple(stf_stages)
        A = torch.tensor(graph.A, dtype=torch.float32)
        early = FastCTRGCNBlock if impl == 'fast' else CTRGCNBlock
        first = min(self.stf_stages)
        blocks = iter(STFCTRGCNBlock if k in self.stf_stages else
                      early if k < first else CTRGCNBlock
                      for k in range(num_stages))

        def make_block(*args, **kwargs) -> nn.Module:
            return next(blocks)(
                *args,
                A=A,
                kernel_size=kernel_size,
                dilations=dilations,
                **kwargs)

        self.build_stages(make_block, base_channels, num_stages,
                          inflate_stages, down_stages)

    @contextmanager
    def first_order_pass(self) -> Iterator[None]:
        """Run every block in the fast layout inside the context.

        For a pass that is differentiated once and whose adjacencies are not
        read, such as L_e's masked pass: each module of a plain or STF block
        runs as its fast twin (``FAST_TWINS``), the same function with
        custom first-order autograd, and gets its class back on exit. The
        autograd graph recorded inside stays valid after the exit. A no-op
        with ``impl='plain'``.
        """
        if self.impl != 'fast':
            yield
            return
        plain = [(m, type(m)) for m in self.modules() if type(m) in FAST_TWINS]
        try:
            for module, cls in plain:
                module.__class__ = FAST_TWINS[cls]
            yield
        finally:
            for module, cls in plain:
                module.__class__ = cls

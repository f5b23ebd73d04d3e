"""CTR-GCN blocks laid out for speed on a CPU (the backbones' default).

Every class here subclasses its plain twin in :mod:`.ctrgcn_utils` and only
replaces ``forward``: the parameters, their initialisation and the
state-dict keys are the plain ones, and so is the function computed (up to
rounding). What changes is the layout of the computation, because the
straightforward one wastes much of the time on a CPU
(``benchmarks/step_time.py`` measures it; ``benchmarks/README.md`` has the
profile behind each choice):

* CTR-GC: the relation convolutions run on the time-averaged features;
  ``conv4`` of a subset is one batched GEMM that writes the final topology
  ``alpha * (...) + A``; the value projections and the channel-wise
  aggregation run in one autograd function with a hand-written backward
  (:class:`_ValueAggregation`), and without autograd in reused buffers
  (:func:`_aggregate_no_grad`).
* The blocks compute in channels-last memory on CPU (:func:`_compute_format`);
  the multi-scale TCN splits and concatenates its branches with autograd
  functions that keep that format (:class:`_SplitChannels`,
  :class:`_CatChannels`).
* At inference every batch norm is folded into the linear op before it
  (:func:`_conv_bn`).
"""
import threading
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .ctrgcn_utils import (CTRGC, CTRGCNBlock, CTRGCNUnitGCN, MultiScaleTCN,
                           TemporalConv)


def _memory_format(x: torch.Tensor) -> torch.memory_format:
    """channels_last if x is (strictly) channels-last, else contiguous."""
    if x.is_contiguous() or not x.is_contiguous(
            memory_format=torch.channels_last):
        return torch.contiguous_format
    return torch.channels_last


def _compute_format(x: torch.Tensor) -> torch.memory_format:
    """Memory format the blocks compute in.

    Channels-last on CPU: oneDNN's fp32 / bf16 kernels for the 1x1 and
    temporal convolutions, batch norms and max-pool are several times faster
    in it. fp64 (no oneDNN kernels; slow fallbacks in channels-last) and
    GPUs keep the format they are given.
    """
    if x.device.type == 'cpu' and x.dtype != torch.float64:
        return torch.channels_last
    return _memory_format(x)


def _time_mean(x: torch.Tensor) -> torch.Tensor:
    """``x.mean(2, keepdim=True)`` of ``(N, C, T, V)``, fast in channels-last.

    PyTorch reduces the strided T axis of a channels-last tensor about 10x
    slower than the same memory viewed as a contiguous ``(N, T, V, C)``.
    """
    if _memory_format(x) != torch.channels_last:
        return x.mean(2, keepdim=True)
    return x.permute(0, 2, 3, 1).mean(1, keepdim=True).permute(0, 3, 1, 2)


def _bn_affine(bn: nn.BatchNorm2d) -> Optional[Tuple[torch.Tensor, ...]]:
    """``(scale, shift)`` with ``bn(x) == x * scale + shift`` per channel
    when ``bn`` normalises with its running statistics (eval), else None."""
    if bn.training or bn.running_mean is None:
        return None
    scale = torch.rsqrt(bn.running_var + bn.eps)
    if bn.weight is not None:
        scale = scale * bn.weight
    shift = -bn.running_mean * scale
    if bn.bias is not None:
        shift = shift + bn.bias
    return scale, shift


def _conv_bn(x: torch.Tensor, conv: nn.Conv2d,
             bn: nn.BatchNorm2d) -> torch.Tensor:
    """``bn(conv(x))``; at inference the batch norm is folded into the
    convolution's weights (one pass over the output less)."""
    affine = _bn_affine(bn)
    if affine is None:
        return bn(conv(x))
    scale, shift = affine
    bias = shift if conv.bias is None else conv.bias * scale + shift
    return F.conv2d(x, conv.weight * scale.view(-1, 1, 1, 1), bias,
                    conv.stride, conv.padding, conv.dilation, conv.groups)


def _matmul_dtype(x: torch.Tensor) -> torch.dtype:
    """The dtype of the aggregation matmuls: autocast's when it is on (as
    autocast would pick for matmuls), else that of ``x``."""
    device = x.device.type
    if torch.is_autocast_enabled(device):
        return torch.get_autocast_dtype(device)
    return x.dtype


def _add_subset(y: Optional[torch.Tensor], value: torch.Tensor,
                topo: torch.Tensor,
                shift: Optional[torch.Tensor]) -> torch.Tensor:
    """``y + value @ topo`` for one subset, ``(N * O, T, V) @ (N * O, V, U)``,
    accumulated in place; the first subset (``y`` None) starts the output,
    plus ``shift`` (``(O, )``, or None) per output channel."""
    if y is not None:
        return y.baddbmm_(value, topo)
    if shift is None:
        return torch.bmm(value, topo)
    O = shift.numel()
    shift = shift.to(value.dtype).view(1, O, 1).expand(
        value.size(0) // O, O, 1)
    return torch.baddbmm(shift.reshape(-1, 1, 1), value, topo)


_WORKSPACES = threading.local()


def _workspace(name: str, numel: int, like: torch.Tensor) -> torch.Tensor:
    """A flat buffer of at least ``numel`` elements of ``like``'s dtype and
    device, kept between calls (per thread) and grown when too small.

    Used only for temporaries that are dead when the call returns (the
    buffers of :func:`_aggregate_no_grad`): reusing them across layers and
    calls keeps inference from touching fresh memory; it holds the largest
    layer's value and topology buffers (about 35 MB at the NTU shape,
    batch 16).
    """
    # Buffers made under torch.inference_mode are inference tensors, which
    # cannot be written outside it: one set of buffers per mode.
    key = (name, like.dtype, like.device, torch.is_inference_mode_enabled())
    buffers = getattr(_WORKSPACES, 'buffers', None)
    if buffers is None:
        buffers = _WORKSPACES.buffers = {}
    buffer = buffers.get(key)
    if buffer is None or buffer.numel() < numel:
        buffer = buffers[key] = like.new_empty(numel)
    return buffer[:numel]


def _aggregate_no_grad(x: torch.Tensor, weight: torch.Tensor,
                       bias: torch.Tensor, shift: Optional[torch.Tensor],
                       w_topo: torch.Tensor,
                       rel: torch.Tensor) -> torch.Tensor:
    """The forward of :class:`_ValueAggregation` without autograd, one
    subset at a time in two reused buffers.

    Nothing is kept for a backward, so the topology and the values of a
    subset are consumed before the next subset writes the same buffers:
    ``2 * (S - 1)`` large temporaries fewer per layer than building all
    topologies first. Fresh memory is what costs here: on the Linux VMs
    measured, first-touch page faults of freshly allocated (or
    heap-trimmed) memory took as long as the matmuls writing it.

    Args:
        x: ``(N, C, T, V)``; weight: ``(S, O, C)``; bias: ``(S, O, 1)``;
        shift: ``(O, )`` added to the output, or None;
        w_topo: ``(S, O, R + 2)``; rel: ``(S, N, R + 2, V * U)``.

    Returns:
        ``(N, O, T, U)``, contiguous.
    """
    N, C, T, V = x.shape
    S, O, _ = weight.shape
    dtype = _matmul_dtype(x)
    x2 = x.to(dtype).flatten(2)  # (N, C, T*V), a view in both formats
    weight, bias = weight.to(dtype), bias.to(dtype)
    w_topo, rel = w_topo.to(dtype), rel.to(dtype)
    K = w_topo.size(-1)
    value = _workspace('value', N * O * T * V, x2).view(N, O, T * V)
    topo = _workspace('topo', N * O * V * V, x2).view(N, O, V * V)
    y = None
    for s in range(S):
        torch.bmm(w_topo[s].expand(N, O, K), rel[s], out=topo)
        torch.baddbmm(bias[s], weight[s].expand(N, O, C), x2, out=value)
        y = _add_subset(y, value.view(N * O, T, V), topo.view(N * O, V, V),
                        shift)
    return y.view(N, O, T, V)


class _ValueAggregation(torch.autograd.Function):
    """``y = sum_s Q_s * xi_s(x)``: the value projections and the
    channel-wise aggregation of all subsets, with a hand-written backward.

    Forward, per subset: ``xi_s(x)`` as one GEMM per sample,
    ``(O, C) @ (C, T*V)``, which writes ``(N, O, T*V)`` contiguous whatever
    the layout of ``x`` (a channels-last ``x`` is read as a transposed
    matrix, with no copy): the layout of the aggregation, a batched matmul
    over ``(n, o)``, ``y[n, o] += xi_s[n, o] (T, V) @ Q_s^T[n, o] (V, U)``,
    accumulated in place over the subsets (one output buffer). ``einsum``
    would copy the values to another layout first.

    Backward computes the gradient of ``x`` in the memory format of ``x``
    (autograd's would be NCHW for a channels-last ``x``, making every later
    elementwise op mix layouts) and accumulates the subsets in place instead
    of adding S full-size tensors.

    Args (of ``apply``):
        x: ``(N, C, T, V)``; weight: ``(S, O, C)``; bias: ``(S, O, 1)``;
        shift: ``(O, )`` added to the output, or None;
        *topo: ``S`` tensors ``(N * O, V, U)`` (``Q_s^T``).

    Returns:
        ``(N, O, T, U)``, contiguous.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, shift, *topo):
        N, C, T, V = x.shape
        S, O, _ = weight.shape
        # Under autocast, compute in its dtype, as autocast would for the
        # matmuls; the backward then only sees that dtype (autograd casts
        # the returned gradients to the dtypes of the inputs).
        dtype = _matmul_dtype(x)
        x, weight, bias = x.to(dtype), weight.to(dtype), bias.to(dtype)
        topo = [t.to(dtype) for t in topo]
        x2 = x.flatten(2)  # (N, C, T*V), a view in both memory formats
        values, y = [], None
        for s in range(S):
            value = torch.baddbmm(bias[s], weight[s].expand(N, O, C), x2)
            value = value.view(N * O, T, V)
            values.append(value)
            y = _add_subset(y, value, topo[s], shift)
        ctx.save_for_backward(x, weight, *values, *topo)
        return y.view(N, O, T, V)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors[:2]
        S, O, C = weight.shape
        values, topo = ctx.saved_tensors[2:2 + S], ctx.saved_tensors[2 + S:]
        N, _, T, V = x.shape
        grad = grad.contiguous().view(N * O, T, V)
        channels_last = _memory_format(x) == torch.channels_last
        x2 = x.flatten(2)  # (N, C, T*V)
        grad_x = None
        grad_w, grad_b, grad_topo = [], [], []
        for s in range(S):
            grad_topo.append(torch.bmm(values[s].transpose(1, 2), grad))
            g = torch.bmm(grad, topo[s].transpose(1, 2)).view(N, O, T * V)
            grad_w.append(torch.bmm(g, x2.transpose(1, 2)).sum(0))
            grad_b.append(g.sum((0, 2)))
            if not ctx.needs_input_grad[0]:
                continue
            w = weight[s].expand(N, O, C)
            if channels_last:  # (N, T*V, C): x's memory layout
                a, b = g.transpose(1, 2), w
            else:  # (N, C, T*V)
                a, b = w.transpose(1, 2), g
            grad_x = (
                torch.bmm(a, b) if grad_x is None else grad_x.baddbmm_(a, b))
        if grad_x is not None:
            grad_x = (
                grad_x.view(N, T, V, C).permute(0, 3, 1, 2)
                if channels_last else grad_x.view(N, C, T, V))
        grad_shift = (
            grad.view(N, O, -1).sum(
                (0, 2)) if ctx.needs_input_grad[3] else None)
        return (grad_x, torch.stack(grad_w), torch.stack(grad_b)[..., None],
                grad_shift, *grad_topo)


class _SplitChannels(torch.autograd.Function):
    """``x.split(size, dim=1)`` into contiguous pieces, in the memory format
    of ``x``; backward concatenates the gradients in one pass.

    The channel slices of a channels-last tensor are strided; batch norm,
    max-pool and convolutions are several times slower on them than the one
    copy made here (and autograd would write one zero-padded full-size
    gradient per slice).
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, size: int):
        ctx.memory_format = _memory_format(x)
        return tuple(
            t.contiguous(memory_format=ctx.memory_format)
            for t in x.split(size, dim=1))

    @staticmethod
    def backward(ctx, *grads: torch.Tensor):
        grads = [g.contiguous(memory_format=ctx.memory_format) for g in grads]
        return torch.cat(grads, dim=1), None


class _CatChannels(torch.autograd.Function):
    """``torch.cat(xs, dim=1)`` whose backward hands every input a
    contiguous gradient in its memory format (not a strided channel slice,
    see :class:`_SplitChannels`)."""

    @staticmethod
    def forward(ctx, *xs: torch.Tensor) -> torch.Tensor:
        ctx.sizes = [x.size(1) for x in xs]
        ctx.memory_format = _memory_format(xs[0])
        return torch.cat(xs, dim=1)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        return tuple(
            g.contiguous(memory_format=ctx.memory_format)
            for g in grad.split(ctx.sizes, dim=1))


class FastCTRGC(CTRGC):
    """:class:`CTRGC` as batched GEMMs.

    The relations are built transposed and ``conv4`` writes ``Q_s^T`` in one
    GEMM per subset, so the topology is the right operand of the
    aggregation matmul as it comes (see :meth:`forward`); the values and the
    aggregation are :class:`_ValueAggregation`, or
    :func:`_aggregate_no_grad` without autograd.
    """

    def forward(
        self,
        x: torch.Tensor,
        A: torch.Tensor,
        alpha: torch.Tensor,
        out_affine: Optional[Tuple[torch.Tensor, torch.Tensor]] = None
    ) -> torch.Tensor:
        """Aggregate joint features with refined topologies.

        Args:
            x (torch.Tensor): Features of shape ``(N, C, T, V)``, in any
                memory format (the blocks pass channels-last on CPU).
            A (torch.Tensor): Shared topologies ``(S, V, V)``.
            alpha (torch.Tensor): Scale of the refinement, shape ``(1, )``.
            out_affine (tuple[torch.Tensor], optional): Per output channel
                ``(scale, shift)`` applied to the result, folded into the
                value projection (the aggregation is linear in it):
                :class:`FastCTRGCNUnitGCN` folds its batch norm this way at
                inference. Defaults to None.

        Returns:
            torch.Tensor: Features of shape ``(N, out_channels, T, V)``,
            contiguous (NCHW).
        """
        N, C, T, V = x.shape
        S, R, O = self.num_subsets, self.rel_channels, self.out_channels
        # Relations from the time average (phi and psi are linear).
        rel = self.rel_conv(_time_mean(x))  # (N, 2SR, 1, V)
        # Subset-major layout (2, S, N, R, V), so that the relations of one
        # subset are one contiguous (N, R, V*V) block below. The relation
        # matrix is built transposed, rel[v, u] = tanh(phi_u - psi_v), so
        # that the topology comes out as the (V, U) right operand of the
        # aggregation matmul without a transposed view (whose gradient
        # would need a copy).
        phi, psi = rel.view(N, 2, S, R, V).permute(1, 2, 0, 3, 4)
        rel = torch.tanh(phi.unsqueeze(-2) - psi.unsqueeze(-1))  # S,N,R,V,U
        # Q_s^T = alpha * (W4_s rel_s + b4_s) + A_s^T as ONE batched GEMM per
        # subset that writes the final (N, O, V*U) topology: alpha is folded
        # into the (small) weights, and the bias b4 (x) 1 + 1 (x) A^T into
        # the contraction as two extra rows of rel ([1, A_s^T]) and columns
        # of W4 ([alpha * b4_s, 1]). A broadcast bias (baddbmm) is 2-3x
        # slower here: with K = R + 2 the GEMM is bound by writing Q.
        extra = torch.stack([torch.ones_like(A), A.transpose(1, 2)], 1)
        rel = torch.cat([rel, extra.unsqueeze(1).expand(S, N, 2, V, V)],
                        dim=2).view(S, N, R + 2, V * V)
        w_topo = torch.cat([
            self.topo_conv.weight.view(S, O, R) * alpha,
            self.topo_conv.bias.view(S, O, 1) * alpha,
            torch.ones_like(self.topo_conv.bias).view(S, O, 1)
        ], 2)  # (S, O, R + 2)
        w_value = self.value_conv.weight.view(S, O, C)
        b_value = self.value_conv.bias.view(S, O, 1)
        shift = None
        if out_affine is not None:
            scale, shift = out_affine
            w_value = w_value * scale.view(1, O, 1)
            b_value = b_value * scale.view(1, O, 1)
        if not torch.is_grad_enabled():
            return _aggregate_no_grad(x, w_value, b_value, shift, w_topo, rel)
        topo = [
            torch.bmm(w_topo[s].expand(N, O, R + 2), rel[s]).view(N * O, V, V)
            for s in range(S)
        ]  # S x (N*O, V, U)
        return _ValueAggregation.apply(x, w_value, b_value, shift, *topo)


class FastCTRGCNUnitGCN(CTRGCNUnitGCN):
    """:class:`CTRGCNUnitGCN` in the memory format of its input, with its
    batch norms folded at inference (the GCN one into the value projection
    of :class:`FastCTRGC`, the ``down`` one into its convolution)."""

    ctrgc_cls = FastCTRGC

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V), in the memory format of x."""
        if isinstance(self.down, nn.Sequential):
            res = _conv_bn(x, self.down[0], self.down[1])
        else:
            res = x
        affine = _bn_affine(self.bn)
        if affine is None:
            # The aggregation writes NCHW; the blocks run channels-last on
            # CPU (see _compute_format), so switch back once here.
            y = self.ctrgc(x, self.PA, self.alpha)
            y = self.bn(y.contiguous(memory_format=_memory_format(x)))
            return self.relu(y + res)
        # Inference: the batch norm is folded into the value projection,
        # and the layout switch is done by the residual sum (one pass).
        y = self.ctrgc(x, self.PA, self.alpha, out_affine=affine)
        memory_format = _memory_format(x)
        if torch.is_grad_enabled() and (y.requires_grad or res.requires_grad):
            y = y.contiguous(memory_format=memory_format) + res  # frozen BN
        else:
            out = torch.empty_like(
                y,
                dtype=torch.promote_types(y.dtype, res.dtype),
                memory_format=memory_format)
            y = torch.add(y, res, out=out)
        return self.relu(y)


class FastTemporalConv(TemporalConv):
    """:class:`TemporalConv` with its batch norm folded into the
    convolution at inference (:func:`_conv_bn`)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _conv_bn(x, self[0], self[1])


class FastMultiScaleTCN(MultiScaleTCN):
    """:class:`MultiScaleTCN` with one GEMM for all reductions, contiguous
    branch inputs and gradients, and batch norms folded at inference.

    The fused reduction runs much closer to peak than four with
    ``out_channels / 4`` columns, but its channel slices would be strided in
    channels-last memory: :class:`_SplitChannels` copies them into
    contiguous pieces once, and :class:`_CatChannels` hands the branches
    contiguous gradients. With a temporal stride the strided branch keeps
    its own (strided) slice of the weights, so it only computes the frames
    it keeps. At inference the batch norms after the reductions are folded
    into the reduction weights.
    """

    temporal_conv_cls = FastTemporalConv

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T // stride, V)."""
        w, b = self.reduce.weight, self.reduce.bias
        mid, s = self.mid, self.stride
        branches = self.branches
        affines = [_bn_affine(branch[0]) for branch in branches]
        if all(a is not None for a in affines):
            # Inference: the batch norms after the reductions are folded
            # into the reduction weights; the branches skip them.
            scale = torch.cat([a[0] for a in affines])
            w = w * scale.view(-1, 1, 1, 1)
            b = b * scale + torch.cat([a[1] for a in affines])
            branches = [branch[1:] for branch in branches]
        if s == 1:
            h = _SplitChannels.apply(F.conv2d(x, w, b), mid)
        else:
            k = (self.num_branches - 1) * mid
            h = _SplitChannels.apply(F.conv2d(x, w[:k], b[:k]), mid) + (
                F.conv2d(x, w[k:], b[k:], stride=(s, 1)), )
        return _CatChannels.apply(
            *[branch(t) for branch, t in zip(branches, h)])


class FastCTRGCNBlock(CTRGCNBlock):
    """:class:`CTRGCNBlock` of the fast units, computing channels-last on
    CPU (:func:`_compute_format`), its residual batch norm folded at
    inference and the residual added in place without autograd."""

    gcn_cls = FastCTRGCNUnitGCN
    tcn_cls = FastMultiScaleTCN

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T // stride, V).

        The output is channels-last on CPU (see ``_compute_format``); the
        input may be in any memory format (converted once, a no-op between
        blocks).
        """
        x = x.contiguous(memory_format=_compute_format(x))
        y = self.tcn(self.gcn(x))  # a fresh tensor
        if isinstance(self.residual, nn.Sequential):
            res = _conv_bn(x, self.residual[0], self.residual[1])
        else:
            res = x if self.residual is not None else None
        if res is not None:
            # Without autograd, add in place: one fresh full-size tensor
            # less per block (see _aggregate_no_grad).
            y = y + res if torch.is_grad_enabled() else y.add_(res)
        return self.relu(y)

"""Checkpoints of the authors' FR-Head code with its CTR-GCN backbone.

The public FR-Head code (``model.ctrgcn.Model``: CTR-GCN's names plus the FR
modules) keeps one module per graph subset and per TCN branch; mmfrhead
fuses them (see :mod:`mmfrhead.models.utils.ctrgcn_utils`). For block
``l{i}`` (mmfrhead's ``backbone.gcn.{i-1}``, written ``G`` below), subsets
``s < S`` and TCN branches ``b < B``, reference -> mmfrhead:

* ``data_bn`` -> ``backbone.data_bn`` (both order its channels (M, V, C));
* ``l{i}.gcn1.{PA, alpha, bn, down.0, down.1}`` -> ``G.gcn.{...}``;
* ``l{i}.gcn1.convs.{s}.conv1`` / ``.conv2`` (phi_s / psi_s) -> the rows of
  ``G.gcn.ctrgc.rel_conv``, ``[conv1_0 .. conv1_{S-1}, conv2_0 ..
  conv2_{S-1}]``;
* ``l{i}.gcn1.convs.{s}.conv4`` -> block ``s`` of ``G.gcn.ctrgc.topo_conv``
  (grouped per subset), ``.conv3`` -> block ``s`` of
  ``G.gcn.ctrgc.value_conv``;
* ``l{i}.tcn1.branches.{b}.0`` (1x1 convolution) -> block ``b`` of
  ``G.tcn.reduce``; ``.1`` (its batch norm) -> ``G.tcn.branches.{b}.0``;
* dilated branches (``b < B - 2``): ``.3.conv`` / ``.3.bn`` ->
  ``G.tcn.branches.{b}.2.0`` / ``.2.1``; the max-pool branch: ``.4`` ->
  ``G.tcn.branches.{B-2}.3``;
* ``l{i}.residual.conv`` / ``.bn`` -> ``G.residual.0`` / ``.1``;
* ``fc`` -> ``cls_head.fc``;
* ``ren_low``, ``ren_mid``, ``ren_high``, ``ren_fin`` -> FR stages 0-3:
  ``.spatio_squeeze.{0,1}`` (Conv2d, BN) -> ``fr_head.spatial.{stage}.{0,1}``
  (Conv1d, BN), ``.tempor_squeeze`` -> ``fr_head.temporal.{stage}``,
  ``.spatio_cl_net.cl_fc`` / ``.tempor_cl_net.cl_fc`` ->
  ``fr_head.{spatial,temporal}_losses.{stage}.projection``.

Both models pool the classifier features alike (mean over time and joints,
then over persons; the reference's dropout is off by default, as
``GCNHead``'s). The FR prototypes are not in the reference's state dict, so
none are converted (:data:`PROTOTYPE_NOTE`).
"""
from typing import Dict

import torch

from .base import SourceState, StateDict

LAYOUT = "FR-Head / CTR-GCN reference code's"
FR_STAGES = ('ren_low', 'ren_mid', 'ren_high', 'ren_fin')
PROTOTYPE_NOTE = (
    'FR prototypes: not converted (the reference code keeps them outside '
    'its state dict and draws them anew from N(0, 1) on every start). A '
    'model loading this checkpoint keeps its own initial N(0, 1) '
    'prototypes; from the first training iterations on, the moving average '
    'of each class\'s true positives (momentum 0.9) takes them over, as '
    'when the reference code restarts.')


def _params(src: SourceState,
            ref: str,
            dst: str,
            out: Dict[str, torch.Tensor],
            names=('weight', 'bias')) -> None:
    """Copy the entries ``names`` of module ``ref`` to module ``dst``."""
    for name in names:
        out[f'{dst}.{name}'] = src.take(f'{ref}.{name}')


def _batch_norm(src: SourceState, ref: str, dst: str,
                out: Dict[str, torch.Tensor]) -> None:
    """Copy a batch norm; ``num_batches_tracked`` only where saved."""
    _params(src, ref, dst, out,
            ('weight', 'bias', 'running_mean', 'running_var'))
    if src.has(f'{ref}.num_batches_tracked'):
        _params(src, ref, dst, out, ('num_batches_tracked', ))


def _conv_bn(src: SourceState, ref_conv: str, ref_bn: str, dst: str,
             out: Dict[str, torch.Tensor]) -> None:
    """A convolution and its batch norm into ``dst.0`` and ``dst.1``."""
    _params(src, ref_conv, f'{dst}.0', out)
    _batch_norm(src, ref_bn, f'{dst}.1', out)


def _unit_gcn(src: SourceState, ref: str, dst: str,
              out: Dict[str, torch.Tensor]) -> None:
    """``unit_gcn`` (one CTR-GC per subset) into ``CTRGCNUnitGCN``."""
    _params(src, ref, dst, out, ('PA', 'alpha'))
    S = src.count(f'{ref}.convs.{{}}.conv1.weight')
    convs = [f'{ref}.convs.{s}' for s in range(S)]
    ctrgc = f'{dst}.ctrgc'
    for name in ('weight', 'bias'):
        phi = [f'{c}.conv1.{name}' for c in convs]
        psi = [f'{c}.conv2.{name}' for c in convs]
        out[f'{ctrgc}.rel_conv.{name}'] = src.cat(phi + psi)  # (2SR, C, 1, 1)
        out[f'{ctrgc}.topo_conv.{name}'] = src.cat(
            [f'{c}.conv4.{name}' for c in convs])  # (S * O, R, 1, 1)
        out[f'{ctrgc}.value_conv.{name}'] = src.cat(
            [f'{c}.conv3.{name}' for c in convs])  # (S * O, C, 1, 1)
    _batch_norm(src, f'{ref}.bn', f'{dst}.bn', out)
    if src.has(f'{ref}.down.0.weight'):
        _conv_bn(src, f'{ref}.down.0', f'{ref}.down.1', f'{dst}.down', out)


def _multiscale_tcn(src: SourceState, ref: str, dst: str,
                    out: Dict[str, torch.Tensor]) -> None:
    """``MultiScale_TemporalConv`` (four separate branches) into
    ``MultiScaleTCN`` (their 1x1 reductions fused into ``reduce``)."""
    B = src.count(f'{ref}.branches.{{}}.0.weight')
    branches = [f'{ref}.branches.{b}' for b in range(B)]
    for name in ('weight', 'bias'):
        out[f'{dst}.reduce.{name}'] = src.cat(
            [f'{b}.0.{name}' for b in branches])  # (B * mid, C, 1, 1)
    for b, branch in enumerate(branches):
        new = f'{dst}.branches.{b}'
        _batch_norm(src, f'{branch}.1', f'{new}.0', out)
        if b < B - 2:  # BN, ReLU, TemporalConv(conv, bn)
            _conv_bn(src, f'{branch}.3.conv', f'{branch}.3.bn', f'{new}.2',
                     out)
        elif b == B - 2:  # BN, ReLU, max-pool, BN
            _batch_norm(src, f'{branch}.4', f'{new}.3', out)


def _fr_stage(src: SourceState, ref: str, stage: int,
              out: Dict[str, torch.Tensor]) -> None:
    """``ST_RenovateNet`` of one stage into the modules of ``FRHead``."""
    for ref_part, part in (('spatio', 'spatial'), ('tempor', 'temporal')):
        squeeze, new = f'{ref}.{ref_part}_squeeze', f'fr_head.{part}.{stage}'
        # Conv2d on (N, C, 1, V) / (N, C, T, 1) -> Conv1d on (N, C, V | T).
        weight = src.take(f'{squeeze}.0.weight')  # (O, C, 1, 1)
        out[f'{new}.0.weight'] = weight.flatten(2)  # (O, C, 1)
        _params(src, f'{squeeze}.0', f'{new}.0', out, ('bias', ))
        _batch_norm(src, f'{squeeze}.1', f'{new}.1', out)
        _params(src, f'{ref}.{ref_part}_cl_net.cl_fc',
                f'fr_head.{part}_losses.{stage}.projection', out)


def convert_frhead_ctrgcn(
        state_dict: StateDict,
        source: str = 'the state dict') -> Dict[str, torch.Tensor]:
    """Convert a state dict of the authors' FR-Head (CTR-GCN) code.

    The blocks, graph subsets and TCN branches are counted from the keys;
    the FR modules are converted where present (all four stages, or none
    for a plain CTR-GCN). Every source key must be used by the mapping.

    Args:
        state_dict (Mapping[str, torch.Tensor]): State dict of the
            reference ``Model`` (``l1.gcn1.PA``, ``data_bn.*``, ``fc.*``,
            ``ren_low.*`` ...).
        source (str): Where it comes from (a file name), for the errors.
            Defaults to ``'the state dict'``.

    Returns:
        dict[str, torch.Tensor]: The state dict of mmfrhead's recognizer
        (``FRRecognizer``, or ``RecognizerGCN`` without FR modules) with a
        ``CTRGCN`` backbone and a ``GCNHead``, keys prefixed
        ``backbone.``, ``cls_head.`` and ``fr_head.``; no prototypes.

    Raises:
        ValueError: Naming ``source`` and the key, for a state dict that
            is not in the reference layout, lacks a key, has keys the
            mapping does not know or pieces of mismatched shapes.
    """
    src = SourceState(state_dict, source, LAYOUT)
    if not src.has('l1.gcn1.PA'):
        found = ', '.join(list(src.state)[:3])
        raise src.error(f'not in the {LAYOUT} layout: no key '
                        f"'l1.gcn1.PA' (found {found or 'no keys'})")
    out = {}
    _batch_norm(src, 'data_bn', 'backbone.data_bn', out)
    for i in range(src.count('l{}.gcn1.PA', start=1)):
        ref, new = f'l{i + 1}', f'backbone.gcn.{i}'
        _unit_gcn(src, f'{ref}.gcn1', f'{new}.gcn', out)
        _multiscale_tcn(src, f'{ref}.tcn1', f'{new}.tcn', out)
        if src.has(f'{ref}.residual.conv.weight'):
            _conv_bn(src, f'{ref}.residual.conv', f'{ref}.residual.bn',
                     f'{new}.residual', out)
    _params(src, 'fc', 'cls_head.fc', out)
    if any(k.startswith(tuple(f'{s}.' for s in FR_STAGES)) for k in src.state):
        for stage, ref in enumerate(FR_STAGES):
            _fr_stage(src, ref, stage, out)
    src.check_all_used()
    return out

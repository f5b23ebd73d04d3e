"""Checkpoints of the authors' AimCLR code (ST-GCN encoder), converted.

AimCLR's pre-training model (``net.aimclr.AimCLR``) keeps the query encoder
``encoder_q`` (``net.st_gcn.Model`` with its projection MLP in ``fc``), the
momentum encoder ``encoder_k`` (same layout), ``queue`` and ``queue_ptr``.
For an encoder ``E`` (``encoder_q`` -> ``backbone.`` / ``neck.``,
``encoder_k`` -> ``key_encoder.module.0.`` / ``key_encoder.module.1.``),
block ``i`` (mmfrhead's ``G = gcn.{i}`` of :class:`AimCLRSTGCN`):

* ``E.data_bn`` -> ``data_bn`` (both order its channels (V, C));
* ``E.A`` (one adjacency for all blocks) -> ``G.gcn.A`` of every block;
* ``E.edge_importance.{i}`` -> ``G.gcn.PA``;
* ``E.st_gcn_networks.{i}.gcn.conv`` -> ``G.gcn.conv``;
* ``.tcn.0`` (the BN after the graph convolution) -> ``G.gcn.bn``;
  ``.tcn.2`` / ``.tcn.3`` (9x1 conv, BN) -> ``G.tcn.conv`` / ``G.tcn.bn``;
* ``.residual.0`` / ``.residual.1`` -> ``G.residual.conv`` / ``.bn``;
* ``E.fc.0`` / ``E.fc.2`` -> ``fc.0`` / ``fc.2`` of :class:`ProjectionMLP`;
* ``queue`` / ``queue_ptr`` -> ``queue.queue`` / ``queue.ptr``.

A converted momentum encoder gets ``key_encoder.steps = 1``, so that the
model goes on averaging instead of copying the query encoder.
"""
from typing import Dict

import torch

from .base import SourceState, StateDict

LAYOUT = "AimCLR reference code's"
ENCODERS = (('encoder_q', 'backbone', 'neck'),
            ('encoder_k', 'key_encoder.module.0', 'key_encoder.module.1'))


def _module(src: SourceState, ref: str, dst: str,
            out: Dict[str, torch.Tensor]) -> None:
    """Copy every entry ``ref.*`` of a conv, linear or batch norm (the
    batch-norm counter only where saved) to ``dst.*``."""
    names = ['weight', 'bias']
    if src.has(f'{ref}.running_mean'):
        names += ['running_mean', 'running_var']
        if src.has(f'{ref}.num_batches_tracked'):
            names.append('num_batches_tracked')
    for name in names:
        out[f'{dst}.{name}'] = src.take(f'{ref}.{name}')


def _encoder(src: SourceState, ref: str, backbone: str, neck: str,
             out: Dict[str, torch.Tensor]) -> None:
    """``net.st_gcn.Model`` with its MLP into AimCLRSTGCN + ProjectionMLP."""
    _module(src, f'{ref}.data_bn', f'{backbone}.data_bn', out)
    for i in range(src.count(f'{ref}.st_gcn_networks.{{}}.gcn.conv.weight')):
        block, new = f'{ref}.st_gcn_networks.{i}', f'{backbone}.gcn.{i}'
        out[f'{new}.gcn.A'] = src.take(f'{ref}.A')
        out[f'{new}.gcn.PA'] = src.take(f'{ref}.edge_importance.{i}')
        _module(src, f'{block}.gcn.conv', f'{new}.gcn.conv', out)
        _module(src, f'{block}.tcn.0', f'{new}.gcn.bn', out)
        _module(src, f'{block}.tcn.2', f'{new}.tcn.conv', out)
        _module(src, f'{block}.tcn.3', f'{new}.tcn.bn', out)
        if src.has(f'{block}.residual.0.weight'):
            _module(src, f'{block}.residual.0', f'{new}.residual.conv', out)
            _module(src, f'{block}.residual.1', f'{new}.residual.bn', out)
    for layer in (0, 2):
        _module(src, f'{ref}.fc.{layer}', f'{neck}.fc.{layer}', out)


def convert_aimclr_stgcn(
        state_dict: StateDict,
        source: str = 'the state dict') -> Dict[str, torch.Tensor]:
    """Convert a state dict of the authors' AimCLR pre-training model.

    Converts the query encoder and, where present, the momentum encoder
    and the queue; every source key must be used by the mapping.

    Args:
        state_dict (Mapping[str, torch.Tensor]): State dict of AimCLR's
            ``net.aimclr.AimCLR`` (``encoder_q.*``, ``encoder_k.*``,
            ``queue``, ``queue_ptr``), or of its query encoder alone.
        source (str): Where it comes from (a file name), for the errors.
            Defaults to ``'the state dict'``.

    Returns:
        dict[str, torch.Tensor]: The state dict of mmfrhead's
        :class:`AimCLR` (``backbone.``, ``neck.``, ``key_encoder.``,
        ``queue.``); a classifier loads its encoder with
        ``prefix='backbone.'``.

    Raises:
        ValueError: Naming ``source`` and the key, for a state dict that is
            not in AimCLR's layout, lacks a key or has keys the mapping does
            not know.
    """
    src = SourceState(state_dict, source, LAYOUT)
    if not src.has('encoder_q.data_bn.weight'):
        found = ', '.join(list(src.state)[:3])
        raise src.error(f'not in the {LAYOUT} layout: no key '
                        f"'encoder_q.data_bn.weight' (found "
                        f"{found or 'no keys'})")
    out = {}
    for ref, backbone, neck in ENCODERS:
        if ref == 'encoder_q' or src.has(f'{ref}.data_bn.weight'):
            _encoder(src, ref, backbone, neck, out)
    if src.has('encoder_k.data_bn.weight'):
        out['key_encoder.steps'] = torch.tensor(1)
    if src.has('queue'):
        out['queue.queue'] = src.take('queue')
        out['queue.ptr'] = src.take('queue_ptr').long()
    src.check_all_used()
    return out

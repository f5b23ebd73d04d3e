"""Fixes for the known breakages of the pinned OpenMMLab stack.

Every fix here was verified against the pin set in ``requirements/runtime.txt``
(torch 2.13, mmengine 0.10.7, mmcv-lite 2.1.0, mmaction2 1.2.0). They are
applied once, by :func:`apply_stack_fixes`, when :mod:`mmfrhead` is imported,
so configs that load the package through ``custom_imports`` get them too.
The distributed fixes only concern CPU runs and are applied by the tools.
"""
import importlib.util
import os
import sys
import types
import warnings

import torch

_APPLIED = False


def _stub_missing_drn() -> None:
    """Provide ``mmaction.models.localizers.drn`` when the wheel lacks it.

    The mmaction2 1.2.0 wheel on PyPI ships without that folder (upstream
    issue #2714), so ``import mmaction.models`` fails and ``RecognizerGCN``
    never registers. An empty stand-in module with a ``DRN`` name is enough:
    DRN is a video localizer that skeleton models never use.
    """
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return
    spec = importlib.util.find_spec('mmaction')
    if spec is None or spec.submodule_search_locations is None:
        return
    root = list(spec.submodule_search_locations)[0]
    if os.path.isdir(os.path.join(root, 'models', 'localizers', 'drn')):
        return
    drn = types.ModuleType(name)
    drn_drn = types.ModuleType(name + '.drn')

    class DRN:  # noqa: D401 - placeholder with the upstream name
        """Placeholder for the DRN localizer missing from the wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'DRN is not shipped in the mmaction2 1.2.0 wheel '
                '(mmaction2 issue #2714).')

    drn.DRN = drn_drn.DRN = DRN
    drn.drn = drn_drn
    sys.modules[name] = drn
    sys.modules[name + '.drn'] = drn_drn


def _allow_checkpoint_globals() -> None:
    """Let ``torch.load(weights_only=True)`` read MMEngine checkpoints.

    Since torch 2.6, resume, ``load_from`` and ``tools/test.py`` fail with
    ``Unsupported global: mmengine.logging.history_buffer.HistoryBuffer``.
    We allow exactly the types an MMEngine checkpoint stores in its
    ``message_hub``, rather than turning ``weights_only`` off for every file.
    """
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer

    safe = [HistoryBuffer, np.ndarray, np.dtype, getattr]
    core = getattr(np, '_core', None) or np.core
    safe += [core.multiarray._reconstruct, core.multiarray.scalar]
    safe += [
        cls for cls in vars(np.dtypes).values()
        if isinstance(cls, type) and issubclass(cls, np.dtype)
    ]
    torch.serialization.add_safe_globals(safe)


def _quiet_known_warnings() -> None:
    """Silence warnings that are harmless on this stack."""
    for message in ('Fail to import ``MultiScaleDeformableAttention``',
                    'pkg_resources is deprecated', '.*FileClient.*',
                    '.*HardDiskBackend.*'):
        warnings.filterwarnings('ignore', message=message)


def _bfloat16_scores_to_float() -> None:
    """Let MMAction2's heads compute their losses on bfloat16 scores.

    Under bfloat16 autocast (``AmpOptimWrapper(dtype='bfloat16')`` on a GPU,
    ``torch.autocast('cpu')`` on a CPU) the classifier returns bfloat16
    scores, and ``BaseHead.loss_by_feat`` crashes in the top-k accuracy with
    ``TypeError: Got unsupported ScalarType BFloat16``: it calls
    ``.numpy()``, which has no bfloat16. The scores are handed to it in
    float32, the dtype in which autocast computes the cross-entropy anyway,
    so the loss is unchanged and its gradient flows back in bfloat16.
    """
    from mmaction.models.heads.base import BaseHead
    loss_by_feat = BaseHead.loss_by_feat
    if getattr(loss_by_feat, '_mmfrhead_fix', False):
        return

    def fixed(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return loss_by_feat(self, cls_scores, data_samples)

    fixed._mmfrhead_fix = True
    fixed.__doc__ = loss_by_feat.__doc__
    BaseHead.loss_by_feat = fixed


def apply_stack_fixes() -> None:
    """Apply the import-time fixes once per process."""
    global _APPLIED
    if _APPLIED:
        return
    _quiet_known_warnings()
    _stub_missing_drn()
    _allow_checkpoint_globals()
    _bfloat16_scores_to_float()
    _APPLIED = True


def setup_cpu_distributed(cfg, launcher: str) -> None:
    """Prepare a config for ``torch.distributed`` training without CUDA.

    MMEngine assumes CUDA when it starts a distributed run: it calls
    ``torch.cuda.set_device`` (which does not exist on a CPU build) and gives
    ``DistributedDataParallel`` a ``device_ids`` list (which DDP rejects on
    CPU). On a machine without CUDA we therefore start the gloo process group
    ourselves from the launcher's environment variables (MMEngine skips its own
    initialisation when a group exists) and build DDP with
    ``device_ids=None``. With CUDA present nothing is changed.

    Args:
        cfg (mmengine.Config): The config the Runner will be built from.
        launcher (str): The launcher. Only ``'pytorch'`` (torchrun) runs
            are changed; Slurm clusters have CUDA.
    """
    if launcher != 'pytorch' or torch.cuda.is_available():
        return
    import torch.distributed as dist
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('broadcast_buffers', False)  # as MMEngine on GPUs
    cfg.model_wrapper_cfg = wrapper
    if dist.is_initialized():
        return
    dist.init_process_group(backend='gloo', init_method='env://')

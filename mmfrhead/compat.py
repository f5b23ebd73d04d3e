"""Fixes of the known breakages of the pinned OpenMMLab stack.

Each fix repairs one breakage of the library versions it names (verified on
the pins of ``requirements/runtime.txt``) and does nothing at any other
version. ``tests/test_compat.py`` checks for every fix that the breakage is
still there without it and that the fix is applied, so a pin change fails a
test until the fix is checked again: its versions extended, or the fix
removed.

Nothing is applied on import. :func:`apply_stack_fixes` applies the fixes
that importing and running MMAction2's models needs; :mod:`mmfrhead.models`
calls it before it imports them, so every way of registering mmfrhead
(:func:`mmfrhead.utils.register_all_modules`, ``custom_imports`` in a
config) applies them. :func:`setup_cpu_distributed` fixes a config for a
CPU ``torchrun``; ``tools/train.py`` and ``tools/test.py`` call it through
:func:`mmfrhead.apis.cli.apply_runner_args`.
"""
import importlib.metadata
import importlib.util
import inspect
import os
import sys
import types
import warnings
from typing import Dict, Optional, Sequence

import torch

# The versions each fix was verified to need, by distribution.
DRN_MISSING = {'mmaction2': ('1.2.0', )}
BFLOAT16_TOP_K = {'mmaction2': ('1.2.0', )}
WEIGHTS_ONLY_LOAD = {'torch': ('2.13.0', )}
CPU_DISTRIBUTED = {'mmengine': ('0.10.7', )}
# Warning message (a regex) to the versions that emit it.
KNOWN_WARNINGS = {
    'Fail to import ``MultiScaleDeformableAttention``': {
        'mmcv-lite': ('2.1.0', )
    },
    'pkg_resources is deprecated': {
        'mmengine': ('0.10.7', )
    },
}


def installed_version(package: str) -> Optional[str]:
    """The installed version of a distribution, without a local label.

    Args:
        package (str): Distribution name, e.g. ``'mmaction2'``.

    Returns:
        str, optional: ``'2.13.0'`` for torch ``2.13.0+cpu``; None if the
        distribution is not installed.
    """
    try:
        return importlib.metadata.version(package).split('+')[0]
    except importlib.metadata.PackageNotFoundError:
        return None


def needs_fix(versions: Dict[str, Sequence[str]]) -> bool:
    """Whether every named distribution is at a version the fix is for.

    Args:
        versions (dict[str, Sequence[str]]): Distribution name to the
            versions that need the fix.

    Returns:
        bool: True if all are installed at one of their versions.
    """
    return all(
        installed_version(package) in accepted
        for package, accepted in versions.items())


def quiet_known_warnings() -> None:
    """Silence the harmless warnings of the pinned stack.

    mmcv-lite 2.1.0 warns on import that it lacks the compiled
    ``MultiScaleDeformableAttention`` (skeleton models never use it), and
    mmengine 0.10.7 imports the deprecated ``pkg_resources`` to resolve
    ``mmaction::`` config bases.
    """
    for message, versions in KNOWN_WARNINGS.items():
        if needs_fix(versions):
            warnings.filterwarnings('ignore', message=message)


def stub_missing_drn() -> None:
    """Provide ``mmaction.models.localizers.drn`` where the wheel lacks it.

    The mmaction2 1.2.0 wheel on PyPI ships without that folder (upstream
    issue #2714), so ``import mmaction.models`` fails and ``RecognizerGCN``
    never registers. An empty stand-in module with a ``DRN`` name is enough:
    DRN is a video localizer that skeleton models never use. Must run before
    anything imports ``mmaction.models``; an install from source, which has
    the folder, is left alone.
    """
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules or not needs_fix(DRN_MISSING):
        return
    spec = importlib.util.find_spec('mmaction')
    root = list(spec.submodule_search_locations)[0]
    if os.path.isdir(os.path.join(root, 'models', 'localizers', 'drn')):
        return
    drn = types.ModuleType(name)
    drn_drn = types.ModuleType(name + '.drn')

    class DRN:
        """Placeholder for the DRN localizer missing from the wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'DRN is not shipped in the mmaction2 1.2.0 wheel '
                '(mmaction2 issue #2714).')

    drn.DRN = drn_drn.DRN = DRN
    drn.drn = drn_drn
    sys.modules[name] = drn
    sys.modules[name + '.drn'] = drn_drn


def cast_bfloat16_head_scores() -> None:
    """Let MMAction2's heads compute their losses on bfloat16 scores.

    Under bfloat16 autocast (``AmpOptimWrapper(dtype='bfloat16')`` on a GPU,
    ``torch.autocast('cpu')`` on a CPU) the classifier returns bfloat16
    scores, and mmaction2 1.2.0's ``BaseHead.loss_by_feat`` crashes in the
    top-k accuracy with ``TypeError: Got unsupported ScalarType BFloat16``:
    it calls ``.numpy()``, which has no bfloat16. The scores are handed to it
    in float32, the dtype in which autocast computes the cross-entropy
    anyway, so the loss is unchanged and its gradient flows back in
    bfloat16. The original method stays reachable as ``__wrapped__``.
    """
    if not needs_fix(BFLOAT16_TOP_K):
        return
    from mmaction.models.heads.base import BaseHead
    loss_by_feat = BaseHead.loss_by_feat
    if hasattr(loss_by_feat, '__wrapped__'):
        return

    def fixed(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return loss_by_feat(self, cls_scores, data_samples)

    fixed.__wrapped__ = loss_by_feat
    fixed.__doc__ = loss_by_feat.__doc__
    BaseHead.loss_by_feat = fixed


def allow_checkpoint_globals() -> None:
    """Let ``torch.load(weights_only=True)`` read MMEngine checkpoints.

    Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``, and
    resume, ``load_from`` and ``tools/test.py`` fail with ``Unsupported
    global: mmengine.logging.history_buffer.HistoryBuffer``. We allow exactly
    the types an MMEngine checkpoint stores in its ``message_hub``, rather
    than turning ``weights_only`` off for every file.
    """
    if not needs_fix(WEIGHTS_ONLY_LOAD):
        return
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer

    safe = [HistoryBuffer, np.ndarray, np.dtype, getattr]
    core = getattr(np, '_core', None) or np.core  # numpy 2 or 1
    safe += [core.multiarray._reconstruct, core.multiarray.scalar]
    safe += [
        cls for cls in vars(np.dtypes).values()
        if isinstance(cls, type) and issubclass(cls, np.dtype)
    ]
    torch.serialization.add_safe_globals(safe)


def apply_stack_fixes() -> None:
    """Apply the fixes that importing and running MMAction2's models needs.

    Each applies only at the versions it names, and at most once.
    """
    quiet_known_warnings()
    stub_missing_drn()
    cast_bfloat16_head_scores()
    allow_checkpoint_globals()


def setup_cpu_distributed(cfg, launcher: str) -> None:
    """Prepare a config for ``torch.distributed`` training without CUDA.

    mmengine 0.10.7 assumes CUDA when it starts a distributed run: it calls
    ``torch.cuda.set_device`` (which does not exist on a CPU build) and gives
    ``DistributedDataParallel`` a ``device_ids`` list (which DDP rejects on
    CPU). On a machine without CUDA we therefore start the gloo process group
    ourselves from the launcher's environment variables (MMEngine skips its
    own initialisation when a group exists) and build DDP with
    ``device_ids=None``. Without CUDA a run of any launcher gets gloo in
    place of the default NCCL backend, so that the environment block of
    the log does not claim NCCL. With CUDA present nothing is changed.

    Args:
        cfg (mmengine.Config): The config the Runner will be built from.
        launcher (str): The launcher. Only ``'pytorch'`` (torchrun) runs
            are changed; Slurm clusters have CUDA.
    """
    if torch.cuda.is_available():
        return
    dist_cfg = cfg.get('env_cfg', {}).get('dist_cfg', {})
    if dist_cfg.get('backend') == 'nccl':  # logged in the environment block
        dist_cfg.backend = 'gloo'
    if launcher != 'pytorch' or not needs_fix(CPU_DISTRIBUTED):
        return
    import torch.distributed as dist
    cfg.merge_from_dict({'env_cfg.dist_cfg.backend': 'gloo'})
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    # No buffer broadcast before every forward, as MMEngine on GPUs; torch
    # 2.13 deprecates ``broadcast_buffers`` for ``forward_sync_buffers``
    # (which still syncs the buffers once, when DDP is built).
    if 'broadcast_buffers' not in wrapper:
        ddp_args = inspect.signature(
            torch.nn.parallel.DistributedDataParallel).parameters
        name = ('forward_sync_buffers' if 'forward_sync_buffers' in ddp_args
                else 'broadcast_buffers')
        wrapper.setdefault(name, False)
    cfg.model_wrapper_cfg = wrapper
    if dist.is_initialized():
        return
    dist.init_process_group(backend='gloo', init_method='env://')

"""Every stack fix of ``mmfrhead.compat``: still needed, and applied.

For each fix, one test shows the breakage in a fresh interpreter that has
not applied it (``mmfrhead.compat`` applies nothing on import): it fails
once the installed version no longer breaks, and the fix is to be removed.
Another shows that the fix is applied at the installed versions (this
process registered everything in ``conftest.py``): it fails when a pin moves
past the versions the fix names, and the fix is to be checked again.
"""
import copy
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from _models import FR_CFG
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mmfrhead import compat

REPO_ROOT = Path(__file__).resolve().parents[1]
STUB_DRN = ('from mmfrhead import compat\n'
            'compat.stub_missing_drn()  # to import mmaction.models\n')


def _without_fix(code: str, env=None, stub_drn=False) -> str:
    """Run ``code`` in a fresh interpreter; return its stdout and stderr.

    With ``stub_drn``, only the DRN fix is applied first.
    """
    code = (STUB_DRN if stub_drn else '') + textwrap.dedent(code)
    result = subprocess.run([sys.executable, '-c', code],
                            cwd=REPO_ROOT,
                            env=dict(os.environ, **(env or {})),
                            capture_output=True,
                            text=True,
                            timeout=300)
    return result.stdout + result.stderr


def _samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


def _checkpoint(path):
    """What MMEngine's CheckpointHook saves besides the weights."""
    from mmengine.logging.history_buffer import HistoryBuffer
    torch.save(
        dict(
            state_dict=dict(w=torch.zeros(2)),
            message_hub=dict(log_scalars=dict(loss=HistoryBuffer([1.], [1]))),
            meta=dict(seed=np.int64(1), shape=np.zeros(2))), path)


@pytest.mark.parametrize('versions', [
    compat.DRN_MISSING, compat.BFLOAT16_TOP_K, compat.WEIGHTS_ONLY_LOAD,
    compat.CPU_DISTRIBUTED, *compat.KNOWN_WARNINGS.values()
])
def test_every_fix_names_the_installed_version(versions):
    installed = {p: compat.installed_version(p) for p in versions}
    assert compat.needs_fix(versions), (
        f'installed {installed}, the fix is for {versions}: check whether '
        'its breakage remains (the test below), then add the version or '
        'remove the fix')


# --- mmaction2 1.2.0 lacks mmaction/models/localizers/drn -------------------
def test_drn_stub_still_needed():
    out = _without_fix('import mmaction.models')
    assert "No module named 'mmaction.models.localizers.drn'" in out, out


def test_drn_stub_applied():
    import mmaction.models.localizers as localizers
    assert localizers.DRN.__doc__.startswith('Placeholder')
    assert MODELS.get('RecognizerGCN') is not None


# --- mmaction2 1.2.0 BaseHead top-k accuracy on bfloat16 scores -------------
def test_bfloat16_scores_still_crash_the_head_loss():
    out = _without_fix(
        """
        import torch
        from mmaction.models import GCNHead
        from mmaction.structures import ActionDataSample
        head = GCNHead(num_classes=5, in_channels=8)
        samples = [ActionDataSample().set_gt_label(i) for i in range(4)]
        head.loss_by_feat(torch.randn(4, 5, dtype=torch.bfloat16), samples)
    """,
        stub_drn=True)
    assert 'Got unsupported ScalarType BFloat16' in out, out


def test_gcn_head_loss_under_bfloat16_autocast():
    head = MODELS.build(dict(type='GCNHead', num_classes=5, in_channels=8))
    assert hasattr(type(head).loss_by_feat, '__wrapped__')  # the fix
    feats = torch.randn(4, 1, 8, 6, 5)  # (N, M, C, T, V)
    labels = torch.tensor([0, 1, 2, 3])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        scores = head(feats)
        assert scores.dtype == torch.bfloat16  # the case that crashed
        losses = head.loss_by_feat(scores, _samples(labels))
    expected = torch.nn.functional.cross_entropy(scores.float(), labels)
    torch.testing.assert_close(losses['loss_cls'], expected)
    assert 0 <= float(losses['top1_acc']) <= 1


def test_fr_recognizer_trains_under_bfloat16_autocast():
    model = MODELS.build(copy.deepcopy(FR_CFG))
    inputs = torch.randn(4, 1, 1, 16, 20, 3)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model(inputs, _samples([0, 1, 2, 3]), mode='loss')
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    loss.backward()
    assert torch.isfinite(loss)
    grads = [p.grad for p in model.backbone.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


# --- torch 2.13 torch.load(weights_only=True) and MMEngine checkpoints ------
def test_mmengine_checkpoints_still_refused_by_torch_load(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    _checkpoint(path)
    out = _without_fix(f'import torch; torch.load({str(path)!r})')
    assert ('Unsupported global: GLOBAL '
            'mmengine.logging.history_buffer.HistoryBuffer') in out, out


def test_mmengine_checkpoints_load_with_weights_only(tmp_path):
    path = tmp_path / 'epoch_1.pth'
    _checkpoint(path)
    checkpoint = torch.load(path, weights_only=True)
    assert checkpoint['message_hub']['log_scalars']['loss'].current() == 1.


# --- mmengine 0.10.7 torchrun on a CPU build --------------------------------
def _torchrun_env():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return dict(
        RANK='0',
        LOCAL_RANK='0',
        WORLD_SIZE='1',
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port))


def test_mmengine_still_needs_cuda_for_torchrun():
    out = _without_fix(
        """
        import torch
        import torch.distributed as dist
        from mmengine.dist import init_dist
        from mmengine.model import MMDistributedDataParallel
        try:
            init_dist('pytorch', backend='gloo')
        except AttributeError as err:
            print(err)
        dist.init_process_group('gloo', init_method='env://')
        MMDistributedDataParallel(module=torch.nn.Linear(2, 2),
                                  device_ids=[0])
    """, _torchrun_env())
    assert "no attribute '_cuda_setDevice'" in out, out
    assert ('DistributedDataParallel device_ids and output_device arguments '
            'only work with single-device/multiple-device GPU modules or CPU '
            'modules') in out, out


def test_cpu_torchrun_gets_gloo_and_no_device_ids():
    out = _without_fix(
        """
        import warnings
        warnings.simplefilter('always')
        import torch
        from mmengine.config import Config
        from mmengine.model import MMDistributedDataParallel
        from mmfrhead.compat import setup_cpu_distributed
        cfg = Config(dict())
        setup_cpu_distributed(cfg, 'pytorch')
        print(cfg.env_cfg.dist_cfg.backend, cfg.model_wrapper_cfg.device_ids)
        wrapper = dict(cfg.model_wrapper_cfg)
        wrapper.pop('type')
        MMDistributedDataParallel(module=torch.nn.Linear(2, 2), **wrapper)
        print('wrapped')
    """, _torchrun_env())
    assert 'gloo None\nwrapped' in out, out
    assert 'broadcast_buffers' not in out, out


def test_other_launchers_are_left_alone():
    cfg = Config(dict())
    compat.setup_cpu_distributed(cfg, 'none')
    assert 'model_wrapper_cfg' not in cfg and 'env_cfg' not in cfg


@pytest.mark.skipif(torch.cuda.is_available(), reason='a CPU-only run')
def test_a_cpu_run_does_not_claim_nccl():
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    compat.setup_cpu_distributed(cfg, 'none')
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert 'model_wrapper_cfg' not in cfg


# --- harmless warnings of mmcv-lite 2.1.0 and mmengine 0.10.7 ---------------
WARNINGS = """
    import warnings
    warnings.simplefilter('always')
    with warnings.catch_warnings(record=True) as caught:
        {fix}
        import mmcv.cnn.bricks.transformer
        from mmengine.utils import get_installed_path
        get_installed_path('mmaction2')  # as 'mmaction::' config bases
    print([str(w.message) for w in caught])
"""


def test_known_warnings_still_emitted():
    out = _without_fix(WARNINGS.format(fix='pass'))
    for message in compat.KNOWN_WARNINGS:
        assert message in out, out


def test_known_warnings_quiet():
    out = _without_fix(
        WARNINGS.format(fix='from mmfrhead import compat; '
                        'compat.quiet_known_warnings()'))
    for message in compat.KNOWN_WARNINGS:
        assert message not in out, out

"""End-to-end training with MMEngine's Runner on real NW-UCLA sequences.

The configs are the shipped ones, made small (16 base channels, 20 frames,
60 real sequences) only through config overrides, so the code paths are the
real ones: tools/train.py, tools/test.py, tools/dist_train.sh, checkpoints on
disk, a SIGKILLed run resumed, two gloo processes.
"""
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmfrhead.analysis import load_dump
from mmfrhead.apis.cli import follow_max_epochs, training_summary

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTOTYPES = 'fr_head.spatial_losses.0.memory.prototypes'


def small_config(config: str,
                 ann_file: Path,
                 work_dir: Path,
                 max_epochs: int = 2) -> Config:
    """A shipped config shrunk for CPU tests, written next to work_dir."""
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    cfg.model.backbone.base_channels = 16
    cfg.model.cls_head.in_channels = 64
    if cfg.model.type == 'FRRecognizer':
        cfg.model.clip_shape = (1, 20, 20, 3)
    train_set = cfg.train_dataloader.dataset
    train_set.times = 1
    for dataset in (train_set.dataset, cfg.val_dataloader.dataset,
                    cfg.test_dataloader.dataset):
        dataset.ann_file = str(ann_file)
        for transform in dataset.pipeline:
            if transform.type == 'ResampleFrames':
                transform.clip_len = 20
    for loader in (cfg.train_dataloader, cfg.val_dataloader,
                   cfg.test_dataloader):
        loader.batch_size = 8
        loader.num_workers = 0
        loader.persistent_workers = False
    shipped_epochs = cfg.train_cfg.max_epochs
    cfg.train_cfg.max_epochs = max_epochs
    follow_max_epochs(cfg, shipped_epochs)  # as --cfg-options would
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir.parent / f'{work_dir.name}_{config}'
    cfg.dump(path)
    return Config.fromfile(path)


def run_tool(*args, port='29500', timeout=300):
    env = dict(os.environ, PYTHONUNBUFFERED='1', PORT=port)
    return subprocess.run(
        args,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout)


def dist_train(config: str) -> str:
    """Train ``config`` with ``tools/dist_train.sh`` on two gloo processes
    (a free rendezvous port) and check it wrote its first checkpoint.

    Returns:
        tuple: The finished process of the tool and the text log.
    """
    with socket.socket() as s:  # a free port for the rendezvous
        s.bind(('127.0.0.1', 0))
        port = str(s.getsockname()[1])
    result = run_tool('bash', 'tools/dist_train.sh', config, '2', port=port)
    assert result.returncode == 0, result.stderr[-3000:]
    work_dir = Path(Config.fromfile(config).work_dir)
    assert (work_dir / 'epoch_1.pth').exists()
    log = next(work_dir.glob('*/*.log')).read_text()
    assert 'GPU number: 2' in log  # MMEngine's name for the world size
    return result, log


def last_val_accuracy(work_dir: Path) -> float:
    scalars = sorted(work_dir.glob('*/vis_data/scalars.json'))[-1]
    accs = [
        json.loads(line)['acc/top1']
        for line in scalars.read_text().split('\n') if 'acc/top1' in line
    ]
    return accs[-1]


def test_train_validate_checkpoint(ucla_subset, tmp_path):
    cfg = small_config('ctrgcn_frhead_ucla_j_short.py', ucla_subset,
                       tmp_path / 'fr')
    runner = Runner.from_cfg(cfg)
    runner.train()

    work_dir = Path(cfg.work_dir)
    assert (work_dir / 'epoch_1.pth').exists()
    assert (work_dir / 'epoch_2.pth').exists()
    assert list(work_dir.glob('best_acc_top1_epoch_*.pth'))
    assert 0. <= last_val_accuracy(work_dir) <= 1.
    state = torch.load(work_dir / 'epoch_2.pth')['state_dict']
    model = runner.model
    assert torch.equal(state[PROTOTYPES], model.state_dict()[PROTOTYPES].cpu())
    log = next(work_dir.glob('*/*.log')).read_text()
    assert re.search(r'loss_cls: [\d.]+\s+loss_fr: [\d.]+', log)
    check_summary(runner, cfg.filename)


def check_summary(runner, config):
    """The end-of-training summary gives the run's numbers and paths, and
    its dump and analysis commands work as printed."""
    summary = training_summary(runner, config, seconds=75)
    work_dir = Path(runner.work_dir)
    best = next(work_dir.glob('best_acc_top1_epoch_*.pth'))
    assert 'epoch 2, iteration 10, 1 min 15 s' in summary
    best_score = runner.message_hub.get_info('best_score')
    assert (f'acc/top1: {100 * last_val_accuracy(work_dir):.2f} % after the '
            f'last epoch, best {100 * best_score:.2f} %') in summary
    assert f'Best checkpoint: {best}' in summary
    assert f'Last checkpoint: {work_dir / "epoch_2.pth"}' in summary
    assert f'{runner.log_dir}/{runner.timestamp}.log' in summary
    commands = [line.strip() for line in summary.splitlines()
                if line.startswith('  python')]
    test, dump, analyse = map(shlex.split, commands)
    assert test == ['python', 'tools/test.py', config, str(best)]
    assert dump[-2:] == ['--classes', 'ucla']
    for command in (dump, analyse):
        result = run_tool(sys.executable, *command[1:])
        assert result.returncode == 0, result.stderr[-3000:]
    scores = load_dump(work_dir / 'scores.pkl')
    assert len(scores['names']) == 20 and len(scores['classes']) == 10
    assert (work_dir / 'report' / 'report.md').is_file()


class RecordPrototypes(Hook):
    """Keeps the prototypes the model holds when training (re)starts."""

    def before_train(self, runner):
        self.at_start = runner.model.state_dict()[PROTOTYPES].clone()


def _last_epoch(work_dir: Path) -> int:
    """Epoch of the checkpoint named in ``last_checkpoint`` (0 if none)."""
    try:
        name = (work_dir / 'last_checkpoint').read_text().strip()
    except FileNotFoundError:
        return 0
    match = re.search(r'epoch_(\d+)\.pth$', name)
    return int(match.group(1)) if match else 0


def test_killed_run_resumes_with_its_prototypes(ucla_subset, tmp_path):
    cfg = small_config(
        'ctrgcn_frhead_ucla_j_short.py',
        ucla_subset,
        tmp_path / 'resume',
        max_epochs=50)  # far more than it gets to run before the kill
    work_dir = Path(cfg.work_dir)
    proc = subprocess.Popen([sys.executable, 'tools/train.py', cfg.filename],
                            cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    # Epoch 2, not 1: this tiny model classifies nothing right in its first
    # epoch, so only from epoch 2 on do prototypes differ from their init.
    # MMEngine names a checkpoint in `last_checkpoint` once it is written.
    while _last_epoch(work_dir) < 2:
        assert proc.poll() is None, 'training ended before epoch 2'
        assert time.time() < deadline, 'no checkpoint after 300 s'
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    latest = (work_dir / 'last_checkpoint').read_text().strip()
    checkpoint = torch.load(latest)
    saved = checkpoint['state_dict'][PROTOTYPES]
    done = checkpoint['meta']['epoch']
    assert 2 <= done < 50

    cfg.resume = True
    cfg.train_cfg.max_epochs = done + 1
    runner = Runner.from_cfg(cfg)
    fresh = runner.model.state_dict()[PROTOTYPES].clone()
    recorder = RecordPrototypes()
    runner.register_hook(recorder)
    runner.train()

    assert not torch.equal(saved, fresh)  # training moved the prototypes
    assert torch.equal(recorder.at_start, saved)
    final = torch.load(work_dir / f'epoch_{done + 1}.pth')['state_dict']
    assert not torch.equal(final[PROTOTYPES], saved)


def test_dist_train_two_gloo_processes(ucla_subset, tmp_path):
    cfg = small_config(
        'ctrgcn_frhead_ucla_j_short.py',
        ucla_subset,
        tmp_path / 'dist',
        max_epochs=1)
    result, log = dist_train(cfg.filename)
    assert 'Distributed launcher: pytorch' in log
    assert "'backend': 'gloo'" in log and 'nccl' not in log
    assert 'broadcast_buffers' not in result.stderr
    # 40 training clips, 8 per process and step: 3 steps, not 5.
    assert 'Epoch(train) [1][3/3]' in log
    # the summary, from rank 0 only
    assert log.count('Training finished: epoch 1, iteration 3') == 1
    assert (result.stdout + result.stderr).count('Training finished') == 1


def test_test_tool_and_stripped_checkpoint(ucla_subset, tmp_path):
    cfg = small_config(
        'ctrgcn_frhead_ucla_j_short.py',
        ucla_subset,
        tmp_path / 'fr',
        max_epochs=1)
    Runner.from_cfg(cfg).train()
    checkpoint = Path(cfg.work_dir) / 'epoch_1.pth'

    def top1(config, ckpt):
        result = run_tool(sys.executable, 'tools/test.py', config, str(ckpt),
                          '--work-dir', str(tmp_path / 'test'))
        assert result.returncode == 0, result.stderr[-3000:]
        return float(
            re.findall(r'acc/top1: ([\d.]+)',
                       result.stdout + result.stderr)[-1])

    stripped = tmp_path / 'deploy.pth'
    result = run_tool(sys.executable, 'tools/strip_fr_head.py',
                      str(checkpoint), str(stripped))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'removed' in result.stdout
    keys = torch.load(stripped)['state_dict']
    assert keys and not any(k.startswith('fr_head.') for k in keys)

    plain = small_config('ctrgcn_ucla_j_short.py', ucla_subset,
                         tmp_path / 'plain')
    assert top1(cfg.filename, checkpoint) == top1(plain.filename, stripped)


def test_seed_options_reach_a_config_without_randomness(monkeypatch):
    """Configs over MMAction2's set no ``randomness``: ``--seed`` must still
    arrive, and MMEngine's required ``seed`` key exist without it."""
    from _tiny import load_tool
    train = load_tool('tools/train.py')
    config = REPO_ROOT / 'configs' / 'stgcn_frhead_ntu60_xsub_2d_j.py'
    for argv, seed in (([], None), (['--seed', '5', '--deterministic'], 5)):
        monkeypatch.setattr(sys, 'argv', ['train.py', str(config), *argv])
        args = train.parse_args()
        cfg = Config.fromfile(config)
        assert 'randomness' not in cfg
        cfg = train.merge_args(cfg, args)
        assert cfg.randomness == dict(
            seed=seed, diff_rank_seed=False, deterministic=bool(argv))


def test_amp_is_bfloat16_on_a_cpu_and_float16_on_a_gpu(monkeypatch):
    from _tiny import load_tool
    train = load_tool('tools/train.py')
    config = REPO_ROOT / 'configs' / 'ctrgcn_frhead_ucla_j.py'
    monkeypatch.setattr(sys, 'argv', ['train.py', str(config), '--amp'])
    args = train.parse_args()
    for cuda, wrapper in ((False, 'BF16OptimWrapper'),
                          (True, 'AmpOptimWrapper')):
        monkeypatch.setattr(torch.cuda, 'is_available', lambda: cuda)
        cfg = train.merge_args(Config.fromfile(config), args)
        assert cfg.optim_wrapper.type == wrapper

"""Parameters and training step time of every backbone with and without FR
Head, as the paper's Table 3 (a markdown table).

Every model is built from its shipped NTU-60 x-sub FR config (so the table
describes what the configs train), with a 120-class classifier (NTU-120, as
the paper's Table 3) and FR Head probed for the timing clip. The baseline is
the same config without FR Head (``RecognizerGCN``).

* Parameters: inference = backbone + classifier; training = inference +
  FR Head (the prototypes are buffers, not parameters).
* Step time: forward + backward + SGD step of ``model.loss`` on a random
  batch, the baseline and the FR model alternating step by step so that a
  change of machine load hits both; median (and range) of ``--repeats``
  steps after ``--warmup`` steps. On a loaded machine the difference of two
  step times is noisy, so the FR Head's own forward + backward on the
  batch's stage features is timed as well.

Example::

    python tools/analysis/model_table.py --out work_dirs/model_table.md
"""
import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mmfrhead.utils import register_all_modules

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
# (name in the table, FR config of the model on NTU-60 x-sub)
MODELS_TABLE = (
    ('ST-GCN', 'stgcn_frhead_ntu60_xsub_j.py'),
    ('STGCN++', 'stgcnpp_frhead_ntu60_xsub_j.py'),
    ('2s-AGCN', 'agcn_frhead_ntu60_xsub_j.py'),
    ('MS-AAGCN', 'msaagcn_frhead_ntu60_xsub_j.py'),
    ('CTR-GCN', 'ctrgcn_frhead_ntu60_xsub_j.py'),
    ('HD-GCN', 'hdgcn_frhead_ntu60_xsub_j.py'),
)
FR_KEYS = ('fr_head', 'taps', 'clip_shape')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--frames', type=int, default=64)
    parser.add_argument('--num-classes', type=int, default=120)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument(
        '--models',
        nargs='+',
        default=[name for name, _ in MODELS_TABLE],
        help='a subset of the table rows')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='also write the table to this file')
    return parser.parse_args()


def build_pair(config: str, num_classes: int, clip_shape: tuple):
    """The FR model of ``config`` and its baseline (no FR Head)."""
    cfg = Config.fromfile(CONFIG_DIR / config)
    model = cfg.model
    model.cls_head.num_classes = num_classes
    model.fr_head.num_classes = num_classes
    model.clip_shape = clip_shape
    fr_model = MODELS.build(model)
    plain = model.copy()
    for key in FR_KEYS:
        plain.pop(key)
    plain.type = 'RecognizerGCN'
    return fr_model, MODELS.build(plain)


def cpu_name() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def num_params(*modules) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


class Stepper:
    """One SGD training step of ``model.loss`` on a fixed random batch."""

    def __init__(self, model, inputs, samples):
        self.model = model.train()
        self.inputs, self.samples = inputs, samples
        self.optimizer = torch.optim.SGD(
            model.parameters(),
            lr=0.01,
            momentum=0.9,
            nesterov=True,
            weight_decay=4e-4)

    def __call__(self) -> float:
        start = time.perf_counter()
        self.optimizer.zero_grad()
        losses = self.model.loss(self.inputs, self.samples)
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        loss.backward()
        self.optimizer.step()
        return time.perf_counter() - start


class FRHeadStepper:
    """Forward + backward of the FR Head alone, on the batch's stage
    features (what FR Head adds to a step, without the backbone's share of
    the backward through the taps)."""

    def __init__(self, model, inputs, samples):
        model.train()
        with torch.no_grad():
            with model.taps.capture(model.backbone) as feats:
                last, _ = model.extract_feat(inputs)
            self.scores = model.cls_head(last)
        self.feats = [f.detach().requires_grad_() for f in feats]
        self.labels = torch.tensor([s.gt_label.item() for s in samples])
        self.fr_head = model.fr_head

    def __call__(self) -> float:
        start = time.perf_counter()
        loss = self.fr_head.loss(self.feats, self.scores, self.labels)
        loss['loss_fr'].backward()
        return time.perf_counter() - start


def fmt_params(n: int) -> str:
    return f'{n / 1e6:.2f} M'


def fmt_time(times) -> str:
    return (f'{statistics.median(times):.2f} '
            f'({min(times):.2f}-{max(times):.2f})')


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    register_all_modules()
    B, T, M, V, C = args.batch_size, args.frames, 2, 25, 3
    clip_shape = (M, T, V, C)
    inputs = torch.randn(B, 1, M, T, V, C)
    labels = torch.randint(args.num_classes, (B, )).tolist()
    samples = [ActionDataSample().set_gt_label(k) for k in labels]
    load_start = os.getloadavg()

    rows = []
    for name, config in MODELS_TABLE:
        if name not in args.models:
            continue
        fr_model, plain = build_pair(config, args.num_classes, clip_shape)
        infer = num_params(plain.backbone, plain.cls_head)
        assert infer == num_params(fr_model.backbone, fr_model.cls_head)
        fr = num_params(fr_model.fr_head)
        steps = (Stepper(plain, inputs, samples),
                 Stepper(fr_model, inputs, samples),
                 FRHeadStepper(fr_model, inputs, samples))
        for _ in range(args.warmup):
            for step in steps:
                step()
        times = ([], [], [])
        for _ in range(args.repeats):
            for step, record in zip(steps, times):
                record.append(step())
        base, with_fr, _ = (statistics.median(t) for t in times)
        load = os.getloadavg()[0]
        rows.append(
            f'| {name} | `{config}` | {fmt_params(infer)} | '
            f'{fmt_params(infer + fr)} | +{fr / 1e6:.3f} M | '
            f'{fmt_time(times[0])} | {fmt_time(times[1])} | '
            f'{100 * (with_fr / base - 1):+.0f} % | {fmt_time(times[2])} | '
            f'{load:.1f} |')
        print(rows[-1], flush=True)
        del fr_model, plain, steps

    load_end = os.getloadavg()
    lines = [
        f'Training step = forward + backward + SGD step, batch {B} of '
        f'NTU-shaped clips (M, T, V, C) = {clip_shape} (2 persons x {T} '
        f'frames x {V} joints x xyz) for every backbone, '
        f'{args.num_classes} classes; median (min-max) of {args.repeats} '
        f'steps after {args.warmup} warm-up steps, baseline and FR '
        'alternating. FR Head alone: forward + backward of the FR loss on '
        "the batch's stage features. Parameters: inference = backbone + "
        'classifier, training = + FR Head.',
        '',
        f'Machine: {cpu_name()}, '
        f'{os.cpu_count()} CPUs, torch {torch.__version__}, '
        f'{args.threads} threads. Load average (1, 5, 15 min) at start '
        f'{", ".join(f"{x:.1f}" for x in load_start)}, at end '
        f'{", ".join(f"{x:.1f}" for x in load_end)}; the last column is the '
        '1-min load after each row (the machine is shared).',
        '',
        '| backbone | FR config | params (inference) | params (training, '
        'with FR) | FR Head | step (s), baseline | step (s), with FR | '
        'difference | FR Head alone (s) | load |',
        '| --- | --- |' + ' ---: |' * 8,
    ] + rows
    table = '\n'.join(lines)
    print()
    print(table)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(table + '\n')


if __name__ == '__main__':
    main()

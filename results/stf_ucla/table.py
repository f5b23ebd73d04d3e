"""Print the STF table of README.md from the runs' work dirs.

For each model, with all and with 20 % of the training data: top-1 on view
3 at the last test and the best test (epoch), and the median logged seconds
per training iteration from the epoch the STF losses start (``--from-epoch``,
1-based, default 6; the same epochs for the four models) with its ratio to
CTR-GCN's. Usage (from the repository root)::

    python results/stf_ucla/table.py RUNS_DIR [--seeds 1 2]

where ``RUNS_DIR`` holds ``{model}_{full,20pc}_s{seed}`` work dirs, model in
``ctrgcn``, ``ctrgcn_frhead``, ``ctrgcn_stf``, ``ctrgcn_stf_frhead``.
"""
import argparse
from pathlib import Path

from mmfrhead.analysis.curves import load_scalars, median_step_time

MODELS = dict(
    ctrgcn='CTR-GCN',
    ctrgcn_frhead='+ FR Head',
    ctrgcn_stf='+ STF',
    ctrgcn_stf_frhead='+ STF + FR Head')


def summary(work_dir: Path, from_epoch: int):
    """``((epoch, last top-1), (epoch, best top-1), median s/iter)``, or
    None where the run has no test (or no work dir) yet."""
    if not work_dir.is_dir():
        return None
    scalars = load_scalars(work_dir)
    tests = [(r['step'], 100 * r['acc/top1']) for r in scalars['val']]
    if not tests:
        return None
    best = max(tests, key=lambda t: t[1])
    return tests[-1], best, median_step_time(scalars, from_epoch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('runs_dir', type=Path)
    parser.add_argument('--seeds', type=int, nargs='+', default=[1])
    parser.add_argument('--from-epoch', type=int, default=6)
    args = parser.parse_args()
    print('| training data | model | seed | last (epoch) | best (epoch) | '
          's/iter | ratio |')
    print('| --- | --- | --- | --- | --- | --- | --- |')
    for data in ('full', '20pc'):
        for seed in args.seeds:
            if not any((args.runs_dir / f'{key}_{data}_s{seed}').is_dir()
                       for key in MODELS):
                continue
            base = None
            for key, name in MODELS.items():
                work_dir = args.runs_dir / f'{key}_{data}_s{seed}'
                row = summary(work_dir, args.from_epoch)
                if row is None:
                    print(f'| {data} | {name} | {seed} | not run | | | |')
                    continue
                (last_e, last), (best_e, best), step = row
                base = step if key == 'ctrgcn' else base
                ratio = f'{step / base:.2f}x' if base else '-'
                print(f'| {data} | {name} | {seed} | {last:.2f} ({last_e}) '
                      f'| {best:.2f} ({best_e}) | {step:.2f} | {ratio} |')


if __name__ == '__main__':
    main()

"""Plot the training curves of MMEngine runs: losses, learning rate and
validation accuracy per epoch, one PNG per run and one comparing the runs.

    python tools/analysis/plot_curves.py WORK_DIR [WORK_DIR ...] \
        --labels NAME [NAME ...] --out-dir results/nw_ucla

Reads ``vis_data/scalars.json`` (or the logger's ``<timestamp>.json``) of
every run folder in each work dir, resumed runs joined, and prints a table
of each run's last and best metric and median seconds per training
iteration (the logged ``time``, data loading included). Needs matplotlib
(``pip install matplotlib``); imports neither torch nor MMAction2.
"""
import argparse
import math
from pathlib import Path

from mmfrhead.analysis.curves import (epoch_curves, load_scalars,
                                      median_step_time)

LOSSES = ('loss', 'loss_cls', 'loss_fr')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('work_dirs', nargs='+', help='MMEngine work dirs')
    parser.add_argument(
        '--labels', nargs='+', help='a name per run (default: folder names)')
    parser.add_argument(
        '--out-dir', default='.', help='where the PNGs are written')
    parser.add_argument(
        '--metric', default='acc/top1', help='validation metric to plot')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.work_dirs):
        parser.error(f'{len(args.work_dirs)} work dirs but '
                     f'{len(args.labels)} labels')
    args.labels = args.labels or [Path(d).name for d in args.work_dirs]
    return args


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise SystemExit('plot_curves.py needs matplotlib: '
                         'pip install matplotlib') from None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def plot_run(plt, curves: dict, label: str, metric: str, path: Path):
    """One run: losses, learning rate and the metric, per epoch."""
    fig, (ax_loss, ax_lr, ax_acc) = plt.subplots(1, 3, figsize=(15, 4))
    for key in LOSSES:
        if key in curves:
            ax_loss.plot(curves['epoch'], curves[key], label=key)
    ax_loss.set(xlabel='epoch', ylabel='training loss (epoch mean)')
    ax_loss.legend()
    ax_lr.plot(curves['epoch'], curves['lr'])
    ax_lr.set(xlabel='epoch', ylabel='learning rate', yscale='log')
    if len(curves.get(metric, ())):
        acc = 100 * curves[metric]
        ax_acc.plot(curves['val_epoch'], acc)
        best = acc.argmax()
        ax_acc.plot(curves['val_epoch'][best], acc[best], 'o',
                    label=f'best {acc[best]:.2f} (epoch '
                    f'{curves["val_epoch"][best]})')
        ax_acc.legend()
    ax_acc.set(xlabel='epoch', ylabel=f'val {metric} (%)')
    fig.suptitle(label)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_comparison(plt, runs: dict, metric: str, path: Path):
    """All runs: the metric and the classification loss, per epoch."""
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(12, 4))
    for label, curves in runs.items():
        if metric in curves:
            ax_acc.plot(curves['val_epoch'], 100 * curves[metric],
                        label=label)
        ax_loss.plot(curves['epoch'], curves['loss_cls'], label=label)
    ax_acc.set(xlabel='epoch', ylabel=f'val {metric} (%)')
    ax_loss.set(xlabel='epoch', ylabel='loss_cls (epoch mean)')
    for ax in (ax_acc, ax_loss):
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    scalars = {
        label: load_scalars(work_dir)
        for label, work_dir in zip(args.labels, args.work_dirs)
    }
    runs = {label: epoch_curves(lines) for label, lines in scalars.items()}
    plt = _pyplot()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f'| run | epochs | last {args.metric} | best (epoch) | '
          's/iter (median) |')
    print('| --- | --- | --- | --- | --- |')
    for label, curves in runs.items():
        plot_run(plt, curves, label, args.metric, out_dir / f'{label}.png')
        last = best = '-'
        if len(curves.get(args.metric, ())):
            acc = 100 * curves[args.metric]
            last, i = f'{acc[-1]:.2f}', int(acc.argmax())
            best = f'{acc[i]:.2f} ({curves["val_epoch"][i]})'
        step = median_step_time(scalars[label])
        step = '-' if math.isnan(step) else f'{step:.3f}'  # NaN: no times
        print(f'| {label} | {len(curves["epoch"])} | {last} | {best} | '
              f'{step} |')
    if len(runs) > 1:
        plot_comparison(plt, runs, args.metric, out_dir / 'comparison.png')
    print(f'wrote {len(runs)} run figure(s)' +
          (' and comparison.png' if len(runs) > 1 else '') + f' to {out_dir}')


if __name__ == '__main__':
    main()

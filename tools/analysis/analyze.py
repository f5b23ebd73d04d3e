"""Analyse score dumps as the FR Head paper, Sec. 4.5, into a report.

Per-class accuracy, hard / medium / easy tiers (by the baseline's per-class
accuracy: < 70 %, 70-90 %, > 90 %), ambiguous groups (an anchor class and
the three classes the baseline most often predicts for it), confusion
matrices and t-SNE maps of ambiguous groups, in ``OUT_DIR/report.md``.

Example:
    python tools/test.py configs/ctrgcn_ucla_j.py base.pth --dump base.pkl
    python tools/test.py configs/ctrgcn_frhead_ucla_j.py fr.pth \\
        --dump fr.pkl --dump-features
    python tools/analysis/analyze.py --dump fr.pkl --baseline base.pkl \\
        --classes ucla --out-dir report/

The tables need numpy only; the figures need matplotlib and scikit-learn
(``pip install -e ".[optional]"``), ``--no-figures`` writes the tables only.
"""
import argparse
from pathlib import Path

from mmfrhead.analysis import load_dump, write_report
from mmfrhead.datasets.class_names import DATASET_CLASSES


def parse_args():
    parser = argparse.ArgumentParser(description='Analyse score dumps')
    parser.add_argument(
        '--dump', nargs='+', required=True, help='dumps of the models')
    parser.add_argument(
        '--baseline',
        help='dump of the baseline, which defines the tiers and the '
        'ambiguous groups (default: the first --dump)')
    parser.add_argument(
        '--classes',
        choices=sorted(DATASET_CLASSES),
        help='class names (default: those stored in the dump, else the '
        'class indices)')
    parser.add_argument(
        '--tsne-anchors',
        type=int,
        nargs='+',
        help='anchor classes of the groups drawn with t-SNE (default: the '
        "baseline's least accurate group)")
    parser.add_argument(
        '--no-figures',
        action='store_true',
        help='write the tables only, without the confusion matrices and '
        't-SNE maps (which need matplotlib and scikit-learn)')
    parser.add_argument('--out-dir', required=True, help='report folder')
    return parser.parse_args()


def model_names(paths):
    """File stems as model names, or the paths if two stems coincide."""
    stems = [Path(p).stem for p in paths]
    return stems if len(set(stems)) == len(stems) else list(paths)


def analyze(args):
    paths = ([args.baseline] if args.baseline else []) + args.dump
    dumps = dict(zip(model_names(paths), map(load_dump, paths)))
    reference = next(iter(dumps))
    first = dumps[reference]
    if args.classes:
        class_names = DATASET_CLASSES[args.classes]
    else:
        class_names = first.get(
            'classes', [str(c) for c in range(first['logits'].shape[1])])
    report = write_report(
        dumps,
        reference,
        args.out_dir,
        class_names,
        args.tsne_anchors,
        figures=not args.no_figures)
    print(report.read_text())
    print(f'report written to {report}')


def main():
    args = parse_args()
    try:
        analyze(args)
    except ModuleNotFoundError as err:  # matplotlib, scikit-learn
        raise SystemExit(f'error: {err}, or pass --no-figures')
    except (OSError, ValueError) as err:
        raise SystemExit(f'error: {err}')


if __name__ == '__main__':
    main()

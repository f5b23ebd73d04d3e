"""Convert a folder of per-sample skeleton arrays + a labels CSV to a pose pkl.

Examples (from the repository root)::

    python tools/data/arrays_to_pkl.py --src my_skeletons/ \\
        --labels my_skeletons/labels.csv --out data/mine/mine.pkl \\
        --split subject --train-values 1,3,5
    python tools/data/arrays_to_pkl.py --src my_skeletons/ \\
        --labels labels.csv --out data/mine/mine.pkl \\
        --split random --val-fraction 0.2 --seed 0

The folder holds one ``<sample>.npy`` (``(T, V, C)`` or ``(M, T, V, C)``)
or ``<sample>.json`` file per sample; the CSV has the columns
``sample,label`` and optionally ``subject``, ``view``, ``camera``. See
:mod:`mmfrhead.datasets.array_folder` for the formats and the checks. The
summary lists the classes, the samples per split and class, the frame,
joint, channel and person counts, and the ``dataset_meta`` options to
train on the file with.
"""
import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional

try:
    import mmfrhead  # noqa: F401
except ImportError:  # not installed: use the checkout this script is in
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from mmfrhead.datasets.array_folder import SPLIT_RULES, convert_arrays
from mmfrhead.skeleton import LAYOUTS


def _names(text: str) -> List[str]:
    return [name.strip() for name in text.split(',') if name.strip()]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a folder of .npy / .json skeleton arrays and a '
        'labels CSV to a PoseDataset pkl')
    parser.add_argument(
        '--src', required=True, help='folder of <sample>.npy / .json files')
    parser.add_argument(
        '--labels',
        required=True,
        help='CSV with the columns sample,label[,subject,view,camera]')
    parser.add_argument(
        '--out', required=True, help='pickle to write (its folder is made)')
    parser.add_argument(
        '--split',
        choices=SPLIT_RULES,
        default='random',
        help='split by a CSV column or at random, stratified per class '
        '(default: random)')
    parser.add_argument(
        '--train-values',
        type=_names,
        help='comma-separated values of the --split column that form the '
        'train split, e.g. 1,3,5 (all other samples: the val split)')
    parser.add_argument(
        '--val-fraction',
        type=float,
        default=0.2,
        help='share of each class in the val split (random split; '
        'default 0.2)')
    parser.add_argument(
        '--seed', type=int, default=0, help='random split seed (default 0)')
    parser.add_argument(
        '--split-names',
        type=_names,
        default=['train', 'val'],
        help='names of the two splits (default: train,val)')
    parser.add_argument(
        '--classes',
        help='file of class names in label order, one a line: the CSV '
        'labels must be among them (default: the labels define the classes)')
    return parser.parse_args(argv)


def read_classes(path: Optional[str]) -> Optional[List[str]]:
    """Class names, one a line (blank lines skipped), or None."""
    if path is None:
        return None
    with open(path, encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip()]


def print_summary(summary: dict, seconds: float) -> None:
    """Print what :func:`convert_arrays` wrote."""
    classes = summary['classes']
    num_classes = summary['num_classes']
    splits = summary['splits']
    print(f"wrote {summary['out_file']} in {seconds:.1f} s: "
          f'{sum(splits.values())} samples, {num_classes} classes')
    if classes is None:
        print(f'classes: 0-based ids 0..{num_classes - 1} (no names)')
    else:
        print(f'classes (label order, also under "classes" in the pkl): '
              f"{', '.join(f'{i} {n}' for i, n in enumerate(classes))}")
    print('samples per split: ' +
          ', '.join(f'{name} {count}' for name, count in splits.items()))
    print('samples per class:')
    print('  label ' + ''.join(f'{name:>8s}' for name in splits) + '  class')
    for label in range(num_classes):
        counts = ''.join(f'{summary["per_class"][name][label]:8d}'
                         for name in splits)
        name = classes[label] if classes else ''
        print(f'  {label:5d} {counts}  {name}')
    layouts = [n for n, lay in LAYOUTS.items()
               if lay.num_joints == summary['joints']]
    print('frames: {}..{}'.format(*summary['frames']))
    print(f"joints: {summary['joints']} (layouts with as many: "
          f"{', '.join(layouts) or 'none'})")
    score = ' + keypoint_score' if summary['keypoint_score'] else ''
    print(f"channels: {summary['channels']}{score}")
    print('persons: {}..{}'.format(*summary['persons']))
    for warning in summary['warnings']:
        print(f'warning: {warning}')
    names = list(splits)
    options = (f"dataset_meta.ann_file={summary['out_file']} "
               f'dataset_meta.train_split={names[0]} '
               f'dataset_meta.val_split={names[1]} '
               f'dataset_meta.num_classes={num_classes}')
    if summary['persons'][1] > 1:
        options += f" dataset_meta.num_person={summary['persons'][1]}"
    print(f'train with: --cfg-options {options}')


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        summary = convert_arrays(
            args.src,
            args.labels,
            args.out,
            split=args.split,
            train_values=args.train_values,
            val_fraction=args.val_fraction,
            seed=args.seed,
            split_names=args.split_names,
            classes=read_classes(args.classes))
    except (OSError, ValueError) as err:
        raise SystemExit(f'error: {err}')
    print_summary(summary, time.perf_counter() - start)


if __name__ == '__main__':
    main()

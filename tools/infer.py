"""Recognise one skeleton sequence and print its most likely classes.

INPUT is a raw NTU RGB+D ``.skeleton`` file, a raw NW-UCLA ``.json`` file, a
``.npy`` array ``(M, T, V, C)`` or ``(T, V, C)``, or a pose annotation
``.pkl`` (choose the entry with ``--index`` or ``--name``). The sequence gets
the preprocessing of the config's test pipeline.

Examples:
    python tools/infer.py configs/ctrgcn_frhead_ucla_j.py fr.pth \\
        ../shared/data/nw_ucla/all_sqe/a01_s01_e00_v03.json
    python tools/infer.py configs/ctrgcn_frhead_ucla_j.py fr.pth \\
        data/nw_ucla/nw_ucla_3d.pkl --name a12_s10_e04_v03 --top-k 3
"""
import argparse

from mmfrhead.apis import (infer_skeleton, init_recognizer, load_skeleton,
                           top_k_classes)
from mmfrhead.apis.cli import check_config
from mmfrhead.datasets.class_names import DATASET_CLASSES
from mmfrhead.datasets.nw_ucla_json_file import load_ucla_label
from mmfrhead.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Recognise one sequence')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('input', help='.skeleton, .json, .npy or .pkl file')
    entry = parser.add_mutually_exclusive_group()
    entry.add_argument('--index', type=int, help='entry of a .pkl file')
    entry.add_argument('--name', help='frame_dir of the entry of a .pkl')
    parser.add_argument(
        '--top-k', type=int, default=5, help='classes printed (default 5)')
    parser.add_argument(
        '--classes',
        choices=sorted(DATASET_CLASSES),
        help='class names (default: the dataset with as many classes as '
        'the model)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    return parser.parse_args()


def infer(args):
    check_config(args.config)
    register_all_modules(init_default_scope=False)
    sequence = load_skeleton(args.input, args.index, args.name)
    if args.input.lower().endswith('.json'):  # NW-UCLA records its label
        sequence['label'] = load_ucla_label(args.input)
    model = init_recognizer(args.config, args.checkpoint, args.device)
    result = infer_skeleton(model, sequence, name=args.input)
    num_classes = len(result.pred_score)
    if args.classes:
        class_names = DATASET_CLASSES[args.classes]
    else:
        class_names = next((names for names in DATASET_CLASSES.values()
                            if len(names) == num_classes), None)
    persons, frames, joints = sequence['keypoint'].shape[:3]
    print(f'{sequence["frame_dir"]} ({args.input}): {persons} person(s), '
          f'{frames} frames, {joints} joints')
    label = sequence.get('label')
    if label is not None:
        known = class_names and label < len(class_names)
        name = class_names[label] if known else f'class {label}'
        print(f'ground truth: {name} (label {label})')
    print(f'top-{args.top_k} classes:')
    for rank, (label, name, prob) in enumerate(
            top_k_classes(result.pred_score, args.top_k, class_names), 1):
        print(f'{rank:3d}. {name:40s} {100 * prob:6.2f} %  (label {label})')


def main():
    args = parse_args()
    try:
        infer(args)
    except (OSError, ValueError) as err:
        raise SystemExit(f'error: {err}')


if __name__ == '__main__':
    main()

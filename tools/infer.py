"""Recognise one skeleton sequence and print its most likely classes.

INPUT is a raw NTU RGB+D ``.skeleton`` file, a raw NW-UCLA ``.json`` file,
MMPose's 2D pose predictions on a video (``.json``: a list of frames with
``instances``, or ``{'instance_info': [...]}``), a ``.npy`` array
``(M, T, V, C)`` or ``(T, V, C)``, or a 3D or 2D pose annotation ``.pkl``
(choose the entry with ``--index`` or ``--name``). The sequence gets the
preprocessing of the config's test pipeline. Of MMPose's predictions, each
frame keeps the config's number of persons, the best scored first, as
MMAction2's skeleton demo does; ``--img-shape`` gives the video's size, by
which MMAction2's ``PreNormalize2D`` normalises the 2D keypoints.

Examples:
    python tools/infer.py configs/ctrgcn_frhead_ucla_j.py fr.pth \\
        ../shared/data/nw_ucla/all_sqe/a01_s01_e00_v03.json
    python tools/infer.py configs/ctrgcn_frhead_ucla_j.py fr.pth \\
        data/nw_ucla/nw_ucla_3d.pkl --name a12_s10_e04_v03 --top-k 3
    python tools/infer.py configs/ctrgcn_frhead_ntu60_xsub_2d_j.py fr_2d.pth \\
        predictions/video.json --img-shape 1080 1920
"""
import argparse
from pathlib import Path

from mmfrhead.apis import (infer_skeleton, init_recognizer, load_skeleton,
                           top_k_classes)
from mmfrhead.apis.cli import check_config
from mmfrhead.apis.inference import model_skeleton
from mmfrhead.datasets.class_names import DATASET_CLASSES
from mmfrhead.utils import register_all_modules


def parse_args():
    parser = argparse.ArgumentParser(description='Recognise one sequence')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        'input', help='.skeleton, .json (NW-UCLA or MMPose), .npy or .pkl')
    entry = parser.add_mutually_exclusive_group()
    entry.add_argument('--index', type=int, help='entry of a .pkl file')
    entry.add_argument('--name', help='frame_dir of the entry of a .pkl')
    parser.add_argument(
        '--top-k', type=int, default=5, help='classes printed (default 5)')
    parser.add_argument(
        '--classes',
        help=f'class names: one of {sorted(DATASET_CLASSES)} or a text file '
        'with one name per line (default: those the .pkl records, else the '
        'dataset with as many classes as the model)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='height and width of the video of 2D poses (default: the '
        "input's img_shape, else PreNormalize2D's default)")
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    return parser.parse_args()


def infer(args):
    check_config(args.config)
    register_all_modules(init_default_scope=False)
    model = init_recognizer(args.config, args.checkpoint, args.device)
    sequence = load_skeleton(args.input, args.index, args.name,
                             **model_skeleton(model))
    if args.img_shape:
        sequence['img_shape'] = tuple(args.img_shape)
    file_classes = sequence.pop('classes', None)
    result = infer_skeleton(model, sequence, name=args.input)
    class_names, source = _class_names(args.classes, file_classes,
                                       len(result.pred_score))
    persons, frames, joints, channels = sequence['keypoint'].shape
    score = ' and a score' if 'keypoint_score' in sequence else ''
    print(f'{sequence["frame_dir"]} ({args.input}): {persons} person(s), '
          f'{frames} frames, {joints} joints, {channels} coordinates{score}')
    if source:
        print(f'class names: {source}')
    label = sequence.get('label')
    if label is not None:
        known = class_names and label < len(class_names)
        name = class_names[label] if known else f'class {label}'
        print(f'ground truth: {name} (label {label})')
    print(f'top-{args.top_k} classes:')
    for rank, (label, name, prob) in enumerate(
            top_k_classes(result.pred_score, args.top_k, class_names), 1):
        print(f'{rank:3d}. {name:40s} {100 * prob:6.2f} %  (label {label})')


def _class_names(option, file_classes, num_classes):
    """The class names to print and where they come from."""
    if option in DATASET_CLASSES:
        names, source = DATASET_CLASSES[option], option
    elif option:
        try:
            lines = Path(option).read_text().splitlines()
        except OSError as err:
            raise ValueError(f'--classes {option}: not one of '
                             f'{sorted(DATASET_CLASSES)} and not a readable '
                             f'file ({err.strerror})') from None
        names, source = [n.strip() for n in lines if n.strip()], option
    elif file_classes is not None:
        names, source = file_classes, 'those the .pkl records'
    else:
        key = next((key for key, names in DATASET_CLASSES.items()
                    if len(names) == num_classes), None)
        if key is None:
            return None, None
        return DATASET_CLASSES[key], (
            f'{key}, the dataset with as many classes as the model '
            '(--classes sets others)')
    if len(names) != num_classes:
        raise ValueError(f'--classes: {source} has {len(names)} class names, '
                         f'the model {num_classes} classes')
    return names, source


def main():
    args = parse_args()
    try:
        infer(args)
    except (OSError, ValueError) as err:
        raise SystemExit(f'error: {err}')


if __name__ == '__main__':
    main()

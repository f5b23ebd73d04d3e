"""Fuse the score dumps of several streams and report the accuracy.

Examples:
    # the paper's NW-UCLA weights for J, B, JM, BM on raw scores (on the
    # authors' score files 96.77 % top-1; equal weights give 96.12 %)
    python tools/analysis/fuse.py j.pkl b.pkl jm.pkl bm.pkl --preset ucla
    # sum probabilities instead of raw scores
    python tools/analysis/fuse.py j.pkl b.pkl --weights 1 1 --softmax
    # choose the weights on validation dumps, apply them to the test dumps
    python tools/analysis/fuse.py j.pkl b.pkl --search-on val_j.pkl val_b.pkl

Dumps are written by ``tools/test.py CONFIG CHECKPOINT --dump x.pkl``, or
by other code with ``mmfrhead.analysis.make_dump`` and ``save_dump``. The
tool needs numpy only (no torch, no MMAction2).
"""
import argparse

from mmfrhead.analysis import (DEFAULT_GRID, PRESETS, check_disjoint,
                               check_same_samples, evaluate_scores,
                               fuse_scores, load_dump, make_dump, save_dump,
                               search_weights)


def parse_args():
    parser = argparse.ArgumentParser(description='Fuse score dumps')
    parser.add_argument('dumps', nargs='+', help='test dumps, one a stream')
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        '--weights',
        type=float,
        nargs='+',
        help='one weight a dump (default: 1 each)')
    presets = '; '.join(f'{name} {format_weights(weights)}'
                        for name, weights in sorted(PRESETS.items()))
    choice.add_argument(
        '--preset',
        choices=sorted(PRESETS),
        help='the reference weights of the joint, bone, joint-motion and '
        f'bone-motion dumps, in this order (AimCLR: the first three): '
        f'{presets}')
    choice.add_argument(
        '--search-on',
        nargs='+',
        metavar='VAL_DUMP',
        help='validation dumps of the same streams, in the same order: the '
        'weights of best validation top-1 are applied to the test dumps')
    parser.add_argument(
        '--grid',
        type=float,
        nargs='+',
        default=DEFAULT_GRID,
        help='candidate values of each weight for --search-on '
        '(default: 0 0.1 ... 1)')
    parser.add_argument(
        '--softmax',
        action='store_true',
        help='fuse softmax probabilities instead of raw scores')
    parser.add_argument('--out', help='write the fused scores as a dump')
    return parser.parse_args()


def choose_weights(args, test_dumps):
    """The weights given, preset or searched on the validation dumps."""
    if args.preset:
        weights = PRESETS[args.preset]
        if len(test_dumps) != len(weights):
            streams = ', '.join(('J', 'B', 'JM', 'BM')[:len(weights)])
            raise ValueError(f'--preset {args.preset} weights {len(weights)} '
                             f'dumps ({streams}), got {len(test_dumps)}')
        return weights
    if args.search_on:
        if len(args.search_on) != len(test_dumps):
            raise ValueError(f'{len(args.search_on)} validation dumps for '
                             f'{len(test_dumps)} test dumps')
        val_dumps = [load_dump(path) for path in args.search_on]
        check_same_samples(val_dumps, args.search_on)
        check_disjoint(val_dumps[0], test_dumps[0], args.search_on[0],
                       args.dumps[0])
        weights, val_top1 = search_weights(val_dumps, args.grid, args.softmax)
        print(f'weights searched on {len(val_dumps[0]["names"])} validation '
              f'samples: {format_weights(weights)} '
              f'(validation top-1 {100 * val_top1:.2f})')
        return weights
    weights = args.weights or [1.] * len(test_dumps)
    if len(weights) != len(test_dumps):
        raise ValueError(f'{len(weights)} weights for {len(test_dumps)} '
                         'dumps')
    return weights


def format_weights(weights):
    return ' '.join(f'{w:g}' for w in weights)


def format_metrics(metrics):
    return (f'{100 * metrics["top1"]:6.2f} {100 * metrics["top5"]:6.2f} '
            f'{100 * metrics["mean_class_accuracy"]:10.2f}')


def fuse(args):
    dumps = [load_dump(path) for path in args.dumps]
    check_same_samples(dumps, args.dumps)
    weights = choose_weights(args, dumps)
    labels = dumps[0]['labels']
    width = max(map(len, args.dumps + ['fused']))
    print(f'{"":{width}}  top-1  top-5 mean class')
    for path, dump in zip(args.dumps, dumps):
        print(f'{path:{width}} ' +
              format_metrics(evaluate_scores(dump['logits'], labels)))
    scores = fuse_scores(dumps, weights, args.softmax)
    print(f'{"fused":{width}} ' +
          format_metrics(evaluate_scores(scores, labels)))
    kind = 'softmax probabilities' if args.softmax else 'raw scores'
    print(f'fused {len(dumps)} dumps of {len(labels)} samples: {kind}, '
          f'weights {format_weights(weights)}')
    if args.out:
        save_dump(
            make_dump(dumps[0]['names'], labels, scores,
                      dumps[0].get('classes')), args.out)
        print(f'fused scores written to {args.out}')


def main():
    args = parse_args()
    try:
        fuse(args)
    except (OSError, ValueError) as err:
        raise SystemExit(f'error: {err}')


if __name__ == '__main__':
    main()

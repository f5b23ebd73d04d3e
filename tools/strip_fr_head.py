"""Strip the training-only FR Head from a checkpoint for deployment.

The output loads into MMAction2's plain ``RecognizerGCN`` (the same config
without ``type='FRRecognizer'``, ``fr_head``, ``taps`` and ``clip_shape``).

Example:
    python tools/strip_fr_head.py work_dirs/x/best.pth ctrgcn_ucla_j.pth
"""
import argparse

from mmfrhead.apis import strip_fr_head_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint trained with FRRecognizer')
    parser.add_argument('dst', help='output checkpoint')
    args = parser.parse_args()
    removed = strip_fr_head_file(args.src, args.dst)
    print(f'removed {removed} FR Head tensors; wrote {args.dst}')


if __name__ == '__main__':
    main()

"""Convert the raw NW-UCLA ``all_sqe`` JSON files to an MMAction2 pose pkl.

Example (from the repository root)::

    python tools/data/ucla_json_to_pkl.py \
        --src ../shared/data/nw_ucla/all_sqe --out data/nw_ucla/nw_ucla_3d.pkl

See :func:`mmfrhead.datasets.nw_ucla_json_file.convert_ucla` for the output
format.
"""
import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional

try:
    from mmfrhead.datasets.nw_ucla_json_file import convert_ucla
except ImportError:  # not installed: use the checkout this script is in
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from mmfrhead.datasets.nw_ucla_json_file import convert_ucla


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert NW-UCLA all_sqe JSON files to a PoseDataset pkl')
    parser.add_argument(
        '--src',
        default='../shared/data/nw_ucla/all_sqe',
        help='folder of the raw aAA_sSS_eEE_vVV.json files')
    parser.add_argument(
        '--out',
        default='data/nw_ucla/nw_ucla_3d.pkl',
        help='pickle to write (its folder is created)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        summary = convert_ucla(args.src, args.out)
    except (FileNotFoundError, ValueError) as err:
        raise SystemExit(f'error: {err}')
    print(f"wrote {summary['out_file']}: {summary['num_samples']} sequences, "
          f"{summary['num_frames']} frames in "
          f'{time.perf_counter() - start:.1f} s')
    for name, count in summary['splits'].items():
        print(f'  {name}: {count}')


if __name__ == '__main__':
    main()

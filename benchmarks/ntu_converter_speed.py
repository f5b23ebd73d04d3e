"""Speed of ``tools/data/ntu_skeleton_to_pkl.py`` on copies of a real file.

The real NTU fixture (103 frames, 1 body, 260 kB) is copied ``--copies``
times under new names (other performer and camera ids) into a temporary
folder, which is converted with each worker count of ``--workers``. The
table gives files per second and the time projected for the 114,480 files
of NTU RGB+D 120, and the CPU time per file (this process and its pool
workers), which stays meaningful on a busy machine. The first, untimed run
warms the page cache.

Example::

    python benchmarks/ntu_converter_speed.py --copies 400 --workers 1 2
"""
import argparse
import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURE = (
    REPO_ROOT.parent / 'shared' / 'data' / 'fixtures' / 'ntu_raw' /
    'S001C001P001R001A001.skeleton')
NTU120_FILES = 114_480


def load_tool():
    """Import the converter script as a module."""
    path = REPO_ROOT / 'tools' / 'data' / 'ntu_skeleton_to_pkl.py'
    spec = importlib.util.spec_from_file_location('ntu_skeleton_to_pkl', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replicate(fixture: Path, folder: Path, copies: int) -> List[Path]:
    """Copy ``fixture`` to ``copies`` NTU-60 names in ``folder``.

    Args:
        fixture (Path): A raw ``.skeleton`` file.
        folder (Path): Destination folder.
        copies (int): Number of copies (at most 40 performers x 3 cameras
            x 60 actions).

    Returns:
        list[Path]: The copies.
    """
    paths = []
    for index in range(copies):
        performer, rest = divmod(index, 180)
        camera, action = divmod(rest, 60)
        name = (f'S001C{camera + 1:03d}P{performer + 1:03d}R001'
                f'A{action + 1:03d}.skeleton')
        paths.append(Path(shutil.copy(fixture, folder / name)))
    return paths


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    times = os.times()
    return (times.user + times.system + times.children_user +
            times.children_system)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Time the conversion and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--fixture', type=Path, default=DEFAULT_FIXTURE)
    parser.add_argument('--copies', type=int, default=400)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument(
        '--body-selection', choices=('denoise', 'energy'), default='denoise')
    args = parser.parse_args(argv)
    tool = load_tool()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / 'raw'
        src.mkdir()
        replicate(args.fixture, src, args.copies)
        out = str(Path(tmp) / 'ntu.pkl')
        convert = dict(body_selection=args.body_selection, progress=False)
        tool.convert_folder(str(src), out, workers=1, **convert)  # warm-up
        load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
        print(f'{args.copies} copies of {args.fixture.name}, body selection '
              f'{args.body_selection}, {os.cpu_count()} CPUs, load average '
              f'{load}')
        print(f'{"workers":>7} | {"seconds":>7} | {"files/s":>7} | '
              f'{"NTU-120 (114,480 files)":>23} | {"CPU ms/file":>11}')
        for workers in args.workers:
            start, cpu_start = time.perf_counter(), cpu_seconds()
            summary = tool.convert_folder(
                str(src), out, workers=workers, **convert)
            seconds = time.perf_counter() - start
            cpu_ms = (cpu_seconds() - cpu_start) / args.copies * 1e3
            assert summary['converted'] == args.copies, summary
            rate = args.copies / seconds
            projected = NTU120_FILES / rate / 60
            print(f'{workers:>7} | {seconds:>7.2f} | {rate:>7.0f} | '
                  f'{projected:>19.1f} min | {cpu_ms:>11.1f}')


if __name__ == '__main__':
    main()

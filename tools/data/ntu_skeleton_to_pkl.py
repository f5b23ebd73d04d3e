"""Convert raw NTU RGB+D ``.skeleton`` files into an MMAction2 annotation pkl.

Example::

    python tools/data/ntu_skeleton_to_pkl.py --src nturgb+d_skeletons \\
        --out data/ntu60_3d.pkl --benchmark ntu60 --body-selection denoise

Output (MMAction2 ``PoseDataset`` layout)::

    {'split': {'xsub_train': [...], 'xsub_val': [...],
               'xview_train': [...], 'xview_val': [...]},   # xset_* for 120
     'annotations': [{'frame_dir', 'label', 'total_frames',
                      'keypoint': float32 (M<=2, T, 25, 3)}, ...]}

Files are parsed in a process pool and the results are written as they
arrive, in shards of ``--shard-size`` samples under ``OUT.parts/``; after an
interruption, ``--resume`` skips the shards already written. The shards are
merged into ``OUT`` at the end and removed. Malformed files and samples with
no body in any frame (NTU's "missing skeletons") are skipped and listed in
the final summary and in ``OUT.errors.txt``. The samples of the
benchmark's official missing-skeleton list (302 names for NTU-60, 535 for
NTU-120, shipped in ``mmfrhead/datasets/meta``) are skipped by default;
``--ignore-list FILE`` skips those of another list (one name a line) and
``--ignore-list none`` converts every sample. The exit code is non-zero
only when no sample was converted.
"""
import argparse
import itertools
import json
import os
import pickle
import shutil
import sys
from functools import partial
from multiprocessing import Pool
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Set, Tuple

from mmengine.utils import ProgressBar

from mmfrhead.datasets.ntu_skeleton_file import (BENCHMARKS, BODY_SELECTIONS,
                                                 build_splits, convert_file,
                                                 in_benchmark,
                                                 missing_skeleton_list)

# (status, sample name, payload), see ``convert_file``.
Result = Tuple[str, str, object]


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (Sequence[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The options.
    """
    parser = argparse.ArgumentParser(
        description='Convert NTU RGB+D .skeleton files to an MMAction2 pkl.')
    parser.add_argument('--src', required=True, help='folder of .skeleton')
    parser.add_argument('--out', required=True, help='output .pkl file')
    parser.add_argument('--benchmark', choices=BENCHMARKS, default='ntu60')
    parser.add_argument(
        '--body-selection', choices=BODY_SELECTIONS, default='denoise')
    parser.add_argument(
        '--workers',
        type=int,
        default=os.cpu_count() or 1,
        help='parsing processes (1 = no pool); default: os.cpu_count()')
    parser.add_argument(
        '--ignore-list',
        help='file of sample names to skip, one a line (default: the '
        "benchmark's official missing-skeleton list; 'none': skip none)")
    parser.add_argument(
        '--resume',
        action='store_true',
        help='keep the shards of an interrupted run with the same options')
    parser.add_argument(
        '--shard-size', type=int, default=1000, help='samples per shard')
    return parser.parse_args(argv)


def read_ignore_list(path: Optional[str]) -> Set[str]:
    """Read sample names, one a line; blank lines and ``#`` lines skipped.

    Args:
        path (str, optional): The list file, or None for an empty list.

    Returns:
        set[str]: Sample names without the ``.skeleton`` suffix.
    """
    if path is None:
        return set()
    with open(path) as file:
        names = (line.strip() for line in file)
        return {
            Path(name).name.split('.')[0]
            for name in names if name and not name.startswith('#')
        }


def list_samples(src: str, benchmark: str,
                 ignore: Set[str]) -> Tuple[List[Path], List[Result], int]:
    """Find the ``.skeleton`` files of a benchmark.

    Args:
        src (str): Folder of raw files.
        benchmark (str): ``'ntu60'`` or ``'ntu120'``.
        ignore (set[str]): Sample names to skip.

    Returns:
        tuple: The sorted files to convert, ``('error', name, reason)``
        results for badly named files, and the number of ignored files.
    """
    paths, bad_names, ignored = [], [], 0
    for path in sorted(Path(src).glob('*.skeleton')):
        try:
            keep = in_benchmark(path.name, benchmark)
        except ValueError as err:
            bad_names.append(('error', path.stem, str(err)))
            continue
        if path.stem in ignore:
            ignored += 1
        elif keep:
            paths.append(path)
    return paths, bad_names, ignored


def iter_results(paths: List[Path], body_selection: str,
                 workers: int) -> Iterator[Result]:
    """Convert ``paths`` in order, with a process pool when ``workers > 1``.

    Args:
        paths (list[Path]): Files to convert.
        body_selection (str): ``'denoise'`` or ``'energy'``.
        workers (int): Number of processes.

    Yields:
        tuple: One :func:`convert_file` result per file, in the order of
        ``paths``.
    """
    task = partial(convert_file, body_selection=body_selection)
    if workers <= 1:
        yield from map(task, paths)
        return
    chunksize = max(1, min(64, len(paths) // (8 * workers)))
    with Pool(workers) as pool:
        yield from pool.imap(task, paths, chunksize=chunksize)


class ShardStore:
    """The ``OUT.parts/`` folder of finished shards of one conversion.

    Args:
        out (str): The final pkl path.
        manifest (dict): Options and sample list that define the shards; a
            resumed run must match them.
        resume (bool): Keep the matching shards of an earlier run.
    """

    def __init__(self, out: str, manifest: dict, resume: bool):
        self.folder = Path(f'{out}.parts')
        manifest_path = self.folder / 'manifest.json'
        if resume and manifest_path.exists():
            if json.loads(manifest_path.read_text()) != manifest:
                raise SystemExit(
                    f'{self.folder} was made with other options or files; '
                    'rerun without --resume')
        elif self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest))

    def path(self, index: int) -> Path:
        """File of shard ``index``."""
        return self.folder / f'shard_{index:05d}.pkl'

    def done(self, index: int) -> bool:
        """Whether shard ``index`` was written."""
        return self.path(index).exists()

    def write(self, index: int, results: List[Result]) -> None:
        """Write shard ``index`` atomically."""
        tmp = self.path(index).with_suffix('.tmp')
        with open(tmp, 'wb') as file:
            pickle.dump(results, file, protocol=4)
        os.replace(tmp, self.path(index))

    def read(self, index: int) -> List[Result]:
        """Load shard ``index``."""
        with open(self.path(index), 'rb') as file:
            return pickle.load(file)

    def remove(self) -> None:
        """Delete the folder."""
        shutil.rmtree(self.folder)


def convert_folder(src: str,
                   out: str,
                   benchmark: str = 'ntu60',
                   body_selection: str = 'denoise',
                   workers: int = 1,
                   ignore_list: Optional[str] = None,
                   resume: bool = False,
                   shard_size: int = 1000,
                   progress: bool = True) -> dict:
    """Convert a folder of raw files into ``out``; see the module docstring.

    Args:
        src (str): Folder of ``.skeleton`` files.
        out (str): Output pkl.
        benchmark (str): ``'ntu60'`` or ``'ntu120'``. Defaults to 'ntu60'.
        body_selection (str): ``'denoise'`` or ``'energy'``. Defaults to
            'denoise'.
        workers (int): Parsing processes. Defaults to 1.
        ignore_list (str, optional): File of sample names to skip.
        resume (bool): Reuse the shards of an interrupted identical run.
        shard_size (int): Samples per shard. Defaults to 1000.
        progress (bool): Show a progress bar on stderr. Defaults to True.

    Returns:
        dict: ``converted`` (int), ``ignored`` (int), ``errors``,
        ``missing`` and ``warnings`` (lists of ``(name, message)``).
    """
    paths, errors, ignored = list_samples(src, benchmark,
                                          read_ignore_list(ignore_list))
    shards = [
        paths[i:i + shard_size] for i in range(0, len(paths), shard_size)
    ]
    store = ShardStore(
        out,
        dict(
            benchmark=benchmark,
            body_selection=body_selection,
            shard_size=shard_size,
            samples=[p.stem for p in paths]), resume)
    _convert_pending(store, shards, body_selection, workers, progress)
    summary = dict(
        converted=0, ignored=ignored, errors=[], missing=[], warnings=[])
    annotations = []
    for status, name, payload in itertools.chain(errors,
                                                 _merged(store, len(shards))):
        if status == 'ok':
            annotations.append(payload[0])
            summary['warnings'] += [(name, text) for text in payload[1]]
        else:
            summary['errors' if status == 'error' else 'missing'].append(
                (name, payload))
    summary['converted'] = len(annotations)
    names = [annotation['frame_dir'] for annotation in annotations]
    _dump(
        dict(split=build_splits(names, benchmark), annotations=annotations),
        out)
    _write_report(summary, f'{out}.errors.txt')
    store.remove()
    return summary


def _convert_pending(store: ShardStore, shards: List[List[Path]],
                     body_selection: str, workers: int,
                     progress: bool) -> None:
    """Convert the shards not yet in ``store``, writing each when full."""
    pending = [i for i in range(len(shards)) if not store.done(i)]
    paths = [path for i in pending for path in shards[i]]
    bar = ProgressBar(len(paths), file=sys.stderr) if progress else None
    results = iter_results(paths, body_selection, workers)
    for index in pending:
        shard = []
        for _ in shards[index]:
            shard.append(next(results))
            if bar is not None:
                bar.update()
        store.write(index, shard)
    if bar is not None:
        sys.stderr.write('\n')


def _merged(store: ShardStore, num_shards: int) -> Iterator[Result]:
    """Yield the results of every shard in order."""
    for index in range(num_shards):
        yield from store.read(index)


def _dump(data: dict, out: str) -> None:
    """Pickle ``data`` to ``out`` through a temporary file."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = f'{out}.tmp'
    with open(tmp, 'wb') as file:
        pickle.dump(data, file, protocol=4)
    os.replace(tmp, out)


def _write_report(summary: dict, path: str) -> None:
    """Write a ``kind<TAB>name<TAB>message`` line per problem sample."""
    with open(path, 'w') as file:
        for kind in ('errors', 'missing', 'warnings'):
            for name, message in summary[kind]:
                file.write(f'{kind}\t{name}\t{message}\n')


def print_summary(summary: dict, out: str) -> None:
    """Print the counts, then every error, missing sample and warning."""
    print(f'converted {summary["converted"]} samples into {out}; ignored '
          f'{summary["ignored"]}, missing skeletons '
          f'{len(summary["missing"])}, malformed {len(summary["errors"])}, '
          f'warnings {len(summary["warnings"])} (listed in '
          f'{out}.errors.txt)')
    labels = dict(errors='malformed', missing='missing', warnings='warning')
    for kind, label in labels.items():
        for name, message in summary[kind]:
            print(f'  {label} {name}: {message}')


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; return the exit code."""
    args = parse_args(argv)
    ignore_list = args.ignore_list
    if ignore_list is None:
        ignore_list = str(missing_skeleton_list(args.benchmark))
    elif ignore_list == 'none':
        ignore_list = None
    if ignore_list is not None:
        print(f'skipping the samples listed in {ignore_list}')
    summary = convert_folder(
        args.src,
        args.out,
        benchmark=args.benchmark,
        body_selection=args.body_selection,
        workers=args.workers,
        ignore_list=ignore_list,
        resume=args.resume,
        shard_size=args.shard_size)
    print_summary(summary, args.out)
    return 0 if summary['converted'] else 1


if __name__ == '__main__':
    sys.exit(main())

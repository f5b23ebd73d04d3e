"""Step time, latency, memory and data throughput: mmfrhead vs a reference.

Compares mmfrhead's CTR-GCN (+ FR Head) with the straightforward
implementation of the same maths in ``benchmarks/reference_impl.py`` (same
weights, see ``tests/benchmarks/test_reference_equivalence.py``), at the
NW-UCLA shape (batch 16, 52 frames, 20 joints, 1 person, 10 classes) and the
NTU shape (batch 16, 64 frames, 25 joints, 2 persons, 120 classes):

(a) training step (forward + backward + SGD step, momentum 0.9, Nesterov) of
    the reference CTR-GCN, reference CTR-GCN + FR, mmfrhead ``RecognizerGCN``
    and mmfrhead ``FRRecognizer``;
(b) inference forward (eval, no_grad) of the reference and of the deployed
    mmfrhead model (``RecognizerGCN``, ``mode='tensor', stage='head'``) at
    batch 16, and batch-1 latency;
(c) peak memory of a training step;
(d) samples/s of the NW-UCLA training data pipeline through a DataLoader,
    against the samples/s the model trains at.

Timings are medians over ``--repeats`` runs after warm-up. The variants are
timed round-robin (one run of each in turn), so that a change of machine
load during the run affects all of them alike. Process CPU time is reported
next to wall time: on a shared machine it is the steadier of the two.

Usage::

    python benchmarks/step_time.py [--repeats 7] [--threads 2]
        [--device cpu|cuda] [--amp] [--impl fast|plain]
        [--shapes ucla ntu] [--no-data]
"""
import argparse
import os.path as osp
import statistics
import tempfile
import time
from typing import Callable, Dict, List, Optional

import torch
from reference_impl import build_mmfrhead, build_reference

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHAPES = {
    'ucla':
    dict(
        name='NW-UCLA',
        layout='nw_ucla',
        batch=16,
        frames=52,
        joints=20,
        persons=1,
        classes=10),
    'ntu':
    dict(
        name='NTU',
        layout='ntu_ctrgcn',
        batch=16,
        frames=64,
        joints=25,
        persons=2,
        classes=120),
}
TRAIN_VARIANTS = ('reference', 'reference+FR', 'mmfrhead', 'mmfrhead+FR')


class Timer:
    """Wall and process CPU time of one call, synchronising CUDA."""

    def __init__(self, device: torch.device) -> None:
        self.cuda = device.type == 'cuda'

    def __call__(self, fn: Callable[[], None]):
        if self.cuda:
            torch.cuda.synchronize()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        if self.cuda:
            torch.cuda.synchronize()
        return time.perf_counter() - wall, time.process_time() - cpu


def round_robin(fns: Dict[str, Callable[[], None]], repeats: int, warmup: int,
                timer: Timer) -> Dict[str, Dict[str, float]]:
    """Median wall / CPU seconds of every function, timed in turn."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(timer(fn))
    return {
        name:
        dict(
            wall=statistics.median(s[0] for s in runs),
            cpu=statistics.median(s[1] for s in runs))
        for name, runs in samples.items()
    }


def peak_step_memory(step: Callable[[], None], device: torch.device) -> float:
    """Peak tensor memory (bytes) allocated during one step, above the
    memory held before it (parameters, gradients, optimizer state).

    CUDA: ``torch.cuda.max_memory_allocated``. CPU: the PyTorch profiler's
    allocation events carry the running total of the bytes allocated by
    PyTorch's CPU allocator since the profiler started; its maximum is the
    same quantity. Memory that libraries allocate behind PyTorch's allocator
    (e.g. oneDNN scratch pads) is not included on either device.
    """
    if device.type == 'cuda':
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        step()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - base
    from torch._C._profiler import _EventType
    from torch.profiler import profile
    with profile(profile_memory=True) as prof:
        step()

    def walk(events):
        for e in events:
            yield e
            yield from walk(e.children)

    tree = prof.profiler.kineto_results.experimental_event_tree()
    totals = [
        e.extra_fields.total_allocated for e in walk(tree) if
        e.tag == _EventType.Allocation and e.extra_fields.device.type == 'cpu'
    ]
    return float(max(totals + [0]))


def count_flops(fn: Callable[[], None]) -> float:
    """Floating-point operations of the matmuls and convolutions of one call
    (forward and backward), with ``torch.utils.flop_counter``'s formulas.

    A plain dispatch mode rather than ``FlopCounterMode``, whose module
    tracking trips over the custom autograd functions of the CTR-GC.
    """
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_map
    from torch.utils.flop_counter import flop_registry

    def shapes(tree):
        return tree_map(
            lambda x: x.shape if isinstance(x, torch.Tensor) else x, tree)

    class Count(TorchDispatchMode):

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            formula = flop_registry.get(func._overloadpacket)
            if formula is not None:
                self.total += formula(
                    *shapes(args), **shapes(kwargs or {}),
                    out_val=shapes(out))
            return out

    count = Count()
    count.total = 0
    with count:
        fn()
    return float(count.total)


def matmul_peak(device: torch.device, amp: bool, size: int = 2048) -> float:
    """FLOP/s of a large square matmul: what this machine's GEMMs reach."""
    dtype = torch.bfloat16 if amp else torch.float32
    a, b = (torch.randn(size, size, device=device, dtype=dtype)
            for _ in range(2))
    timer = Timer(device)
    best = min(timer(lambda: a @ b)[0] for _ in range(7))
    return 2 * size**3 / best


class Bench:
    """Models, inputs and step functions of one shape."""

    def __init__(self, shape: dict, device: torch.device, amp: bool,
                 compile_fast: bool, impl: str) -> None:
        from mmaction.structures import ActionDataSample
        self.shape, self.device, self.amp = shape, device, amp
        B, M, T, V, K = (shape['batch'], shape['persons'], shape['frames'],
                         shape['joints'], shape['classes'])
        g = torch.Generator().manual_seed(0)
        self.inputs = torch.randn(B, 1, M, T, V, 3, generator=g).to(device)
        self.labels = torch.randint(0, K, (B, ), generator=g).to(device)
        self.samples = [
            ActionDataSample().set_gt_label(int(y)) for y in self.labels
        ]
        torch.manual_seed(0)
        self.models = {}
        self.w_cl = {}
        for with_fr in (False, True):
            fast = build_mmfrhead(shape['layout'], M, T, V, K, with_fr,
                                  impl).to(device)
            ref, w_cl = build_reference(fast.cpu(), T)
            fast, ref = fast.to(device), ref.to(device)
            suffix = '+FR' if with_fr else ''
            self.models['mmfrhead' + suffix] = fast
            self.models['reference' + suffix] = ref
            self.w_cl['reference' + suffix] = w_cl
        if compile_fast:
            # The whole recognizer, as MMEngine's ``compile=True`` compiles
            # ``train_step``: the FR Head's stage taps are forward hooks
            # added inside ``FRRecognizer.loss``, and dynamo does not guard
            # on hooks added to a backbone it compiled on its own.
            for name in ('mmfrhead', 'mmfrhead+FR'):
                model = self.models[name]
                model.forward = torch.compile(model.forward)
        self.optims = {
            name:
            torch.optim.SGD(
                m.parameters(), lr=0.01, momentum=0.9, nesterov=True)
            for name, m in self.models.items()
        }

    def autocast(self):
        return torch.autocast(
            self.device.type, dtype=torch.bfloat16, enabled=self.amp)

    def loss(self, name: str) -> torch.Tensor:
        model = self.models[name]
        if name.startswith('reference'):
            return model.train_loss(
                self.inputs[:, 0], self.labels, w_cl_loss=self.w_cl[name])
        losses = model(self.inputs, self.samples, mode='loss')
        return sum(v for k, v in losses.items() if 'loss' in k)

    def train_step(self, name: str) -> Callable[[], None]:
        model, optim = self.models[name], self.optims[name]

        def step():
            model.train()
            optim.zero_grad(set_to_none=True)
            with self.autocast():
                loss = self.loss(name)
            loss.backward()
            optim.step()

        return step

    def infer(self, name: str, batch: int) -> Callable[[], None]:
        model = self.models[name]
        x = self.inputs[:batch]

        @torch.no_grad()
        def forward():
            model.eval()
            with self.autocast():
                if name.startswith('reference'):
                    model(x[:, 0])
                else:
                    model(x, mode='tensor', stage='head')

        return forward


def data_throughput(batches: int, model_samples_per_s: float) -> dict:
    """Samples/s of the NW-UCLA training pipeline through a DataLoader."""
    from mmaction.datasets import PoseDataset
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import DataLoader
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', '_base_', 'datasets', 'nw_ucla.py'))
    data_root = osp.join(osp.dirname(REPO), 'shared', 'data', 'nw_ucla')
    tmp = tempfile.TemporaryDirectory()
    ann_file, source = None, None
    from mmfrhead.datasets.nw_ucla_json_file import convert_ucla
    try:
        ann_file = osp.join(tmp.name, 'nw_ucla_3d.pkl')
        convert_ucla(osp.join(data_root, 'all_sqe'), ann_file)
        source = 'convert_ucla(all_sqe)'
    except (OSError, ValueError) as e:
        print(f'convert_ucla unavailable ({e}); using nw_ucla_3d.pkl')
        ann_file = osp.join(data_root, 'nw_ucla_3d.pkl')
        source = 'nw_ucla_3d.pkl'
    loader_cfg = cfg.train_dataloader
    dataset = PoseDataset(
        ann_file=ann_file,
        pipeline=cfg.train_pipeline,
        split=loader_cfg.dataset.dataset.split)
    loader = DataLoader(
        dataset,
        batch_size=loader_cfg.batch_size,
        num_workers=loader_cfg.num_workers,
        shuffle=True,
        collate_fn=pseudo_collate,
        persistent_workers=loader_cfg.num_workers > 0)
    it = iter(loader)
    next(it)  # worker start-up is not throughput
    n, start = 0, time.perf_counter()
    for _ in range(batches):
        try:
            n += len(next(it)['inputs'])
        except StopIteration:
            it = iter(loader)
    elapsed = time.perf_counter() - start
    del it, loader
    tmp.cleanup()
    return dict(
        source=source,
        workers=loader_cfg.num_workers,
        samples_per_s=n / elapsed,
        model_samples_per_s=model_samples_per_s)


def fmt_ms(t: Dict[str, float]) -> str:
    """``wall (CPU)`` in milliseconds."""
    return f"{t['wall'] * 1e3:,.0f} ({t['cpu'] * 1e3:,.0f})"


def fmt_ratio(num: Dict[str, float], den: Dict[str, float]) -> str:
    """``wall ratio (CPU ratio)``."""
    return (f"{num['wall'] / den['wall']:.2f} "
            f"({num['cpu'] / den['cpu']:.2f})")


def run_shape(key: str, args, device: torch.device) -> dict:
    shape = SHAPES[key]
    bench = Bench(shape, device, args.amp, args.compile, args.impl)
    timer = Timer(device)
    train = round_robin({n: bench.train_step(n)
                         for n in TRAIN_VARIANTS}, args.repeats, args.warmup,
                        timer)
    infer = round_robin(
        {
            f'{n}@{b}': bench.infer(n, b)
            for n in ('reference', 'mmfrhead')
            for b in (shape['batch'], 1)
        }, args.repeats, args.warmup, timer)
    memory = {}
    if not args.no_memory:
        for n in TRAIN_VARIANTS:
            memory[n] = peak_step_memory(bench.train_step(n), device)
    flops = {}
    if not args.no_flops:
        for n in ('reference+FR', 'mmfrhead+FR'):
            flops[n] = count_flops(bench.train_step(n))
        for n in ('reference', 'mmfrhead'):
            flops[f'{n}@{shape["batch"]}'] = count_flops(
                bench.infer(n, shape['batch']))
    return dict(
        shape=shape, train=train, infer=infer, memory=memory, flops=flops)


def report_flops(results: List[dict], peak: float) -> List[str]:
    """What the goals ask of this machine: the GFLOP/s they need.

    A goal of ``r`` times the reference's time needs mmfrhead's matmul and
    convolution work done at ``flops / (r * reference time)``; the table
    sets that against the throughput reached now and a large matmul's.
    """
    lines = [
        '', 'Work and throughput (GFLOP of matmuls and convolutions per '
        f'call; a 2048^3 matmul runs at {peak / 1e9:,.0f} GFLOP/s here):', '',
        '| shape | call | GFLOP reference | GFLOP mmfrhead | GFLOP/s '
        'reference | GFLOP/s mmfrhead | GFLOP/s the goal needs |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: |'
    ]
    for r in results:
        b = r['shape']['batch']
        calls = [('train step with FR', r['train'], 'reference+FR',
                  'mmfrhead+FR', 0.5)]
        calls.append((f'inference, batch {b}', r['infer'], f'reference@{b}',
                      f'mmfrhead@{b}', 0.5))
        for what, times, ref, fast, goal in calls:
            f_ref, f_fast = r['flops'][ref], r['flops'][fast]
            t_ref, t_fast = times[ref]['wall'], times[fast]['wall']
            need = f_fast / (goal * t_ref)
            lines.append(
                f"| {r['shape']['name']} | {what} | {f_ref / 1e9:,.1f} | "
                f'{f_fast / 1e9:,.1f} | {f_ref / t_ref / 1e9:,.0f} | '
                f'{f_fast / t_fast / 1e9:,.0f} | {need / 1e9:,.0f} '
                f'({need / peak:.0%} of the matmul) |')
    return lines


def report(results: List[dict], data: Optional[dict], args,
           device: torch.device, peak: Optional[float]) -> str:
    """Markdown tables of the medians, ratios and goals."""
    lines = []
    add = lines.append
    where = device.type
    if device.type == 'cuda':
        where += f' ({torch.cuda.get_device_name()})'
    add(f'{where}, {torch.get_num_threads()} threads, torch '
        f'{torch.__version__}, {"AMP bf16" if args.amp else "fp32"}, '
        f"mmfrhead impl='{args.impl}'; median of {args.repeats} runs after "
        f'{args.warmup} warm-up; wall ms (process CPU ms in brackets)')
    add('')
    add('Training step (forward + backward + SGD step):')
    add('')
    add('| shape | ' + ' | '.join(TRAIN_VARIANTS) + ' |')
    add('| --- |' + ' ---: |' * len(TRAIN_VARIANTS))
    for r in results:
        add(f"| {r['shape']['name']} | " +
            ' | '.join(fmt_ms(r['train'][n]) for n in TRAIN_VARIANTS) + ' |')
    add('')
    add('Inference forward (eval, no_grad):')
    add('')
    add('| shape | batch | reference | mmfrhead (deployed) | speed-up |')
    add('| --- | ---: | ---: | ---: | ---: |')
    for r in results:
        for b in (r['shape']['batch'], 1):
            ref, fast = (r['infer'][f'reference@{b}'],
                         r['infer'][f'mmfrhead@{b}'])
            add(f"| {r['shape']['name']} | {b} | {fmt_ms(ref)} | "
                f'{fmt_ms(fast)} | {fmt_ratio(ref, fast)} |')
    if any(r['memory'] for r in results):
        add('')
        add('Peak tensor memory of a training step, MB (see '
            '`peak_step_memory`):')
        add('')
        add('| shape | ' + ' | '.join(TRAIN_VARIANTS) + ' |')
        add('| --- |' + ' ---: |' * len(TRAIN_VARIANTS))
        for r in results:
            add(f"| {r['shape']['name']} | " +
                ' | '.join(f"{r['memory'][n] / 2**20:,.0f}"
                           for n in TRAIN_VARIANTS) + ' |')
    add('')
    add('Ratios (wall, CPU in brackets):')
    add('')
    add('| shape | ratio | value | goal |')
    add('| --- | --- | ---: | --- |')
    for r in results:
        name, t, i, m = (r['shape']['name'], r['train'], r['infer'],
                         r['memory'])
        b = r['shape']['batch']
        rows = [
            ('train, mmfrhead / reference',
             fmt_ratio(t['mmfrhead'], t['reference']), ''),
            ('train, mmfrhead+FR / reference+FR',
             fmt_ratio(t['mmfrhead+FR'], t['reference+FR']), '<= 0.5'),
            ('FR overhead, reference (with / without FR)',
             fmt_ratio(t['reference+FR'], t['reference']), ''),
            ('FR overhead, mmfrhead (with / without FR)',
             fmt_ratio(t['mmfrhead+FR'], t['mmfrhead']), '<= 1.05'),
            (f'inference speed-up, batch {b} (reference / mmfrhead)',
             fmt_ratio(i[f'reference@{b}'], i[f'mmfrhead@{b}']), '>= 2'),
            ('batch-1 latency speed-up (reference / mmfrhead)',
             fmt_ratio(i['reference@1'], i['mmfrhead@1']), ''),
        ]
        if m:
            for a, ref in (('mmfrhead', 'reference'), ('mmfrhead+FR',
                                                       'reference+FR')):
                rows.append((f'peak step memory, {a} / {ref}',
                             f'{m[a] / m[ref]:.2f}', '<= 1'))
        for what, value, goal in rows:
            add(f'| {name} | {what} | {value} | {goal} |')
    if peak is not None:
        lines += report_flops(results, peak)
    if data is not None:
        add('')
        add(f"NW-UCLA training pipeline ({data['source']}; DataLoader, "
            f"{data['workers']} workers): {data['samples_per_s']:,.0f} "
            f"samples/s, vs {data['model_samples_per_s']:,.1f} samples/s "
            'trained by mmfrhead+FR in this run '
            f"({data['samples_per_s'] / data['model_samples_per_s']:,.0f}x).")
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument(
        '--amp', action='store_true', help='bfloat16 autocast (both models)')
    parser.add_argument(
        '--impl',
        default='fast',
        choices=['fast', 'plain'],
        help="the mmfrhead backbone's implementation (default: fast)")
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile the mmfrhead recognizers (opt-in)')
    parser.add_argument(
        '--shapes', nargs='+', default=['ucla', 'ntu'], choices=list(SHAPES))
    parser.add_argument('--no-memory', action='store_true')
    parser.add_argument(
        '--no-flops',
        action='store_true',
        help='skip counting the work and the GFLOP/s table')
    parser.add_argument('--no-data', action='store_true')
    parser.add_argument(
        '--data-batches',
        type=int,
        default=30,
        help='batches of the data-pipeline measurement')
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    from mmfrhead.utils import register_all_modules
    register_all_modules()
    device = torch.device(args.device)
    results = []
    for key in args.shapes:
        print(f'timing {SHAPES[key]["name"]} ...', flush=True)
        results.append(run_shape(key, args, device))
    data = None
    if not args.no_data and 'ucla' in args.shapes:
        print('timing the NW-UCLA data pipeline ...', flush=True)
        ucla = results[args.shapes.index('ucla')]
        step = ucla['train']['mmfrhead+FR']['wall']
        data = data_throughput(args.data_batches,
                               ucla['shape']['batch'] / step)
    peak = None if args.no_flops else matmul_peak(device, args.amp)
    print()
    print(report(results, data, args, device, peak))


if __name__ == '__main__':
    main()

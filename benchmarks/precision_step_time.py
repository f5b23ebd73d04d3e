"""Training step in float32 against bfloat16 mixed precision, side by side.

Times one training step of mmfrhead's CTR-GCN + FR Head (``FRRecognizer``)
through MMEngine's ``OptimWrapper`` (float32) and through mmfrhead's
``BF16OptimWrapper`` (forward under bfloat16 autocast, float32 weights and
optimiser), the two wrappers the configs choose between, at the NW-UCLA and
NTU shapes of ``step_time.py``. Both copies start from the same weights;
the table also gives the relative difference of their first losses. The
steps are timed round-robin, medians of ``--repeats`` runs after
``--warmup``.

bfloat16 pays off on CPUs with AVX512-BF16 or AMX units (and on GPUs);
elsewhere it is emulated and slower, which this table then shows.

Usage::

    python benchmarks/precision_step_time.py [--threads 2] [--repeats 7]
        [--device cpu|cuda] [--shapes ucla ntu]
"""
import argparse
import copy
from typing import Callable

import torch
from reference_impl import build_mmfrhead
from step_time import SHAPES, Timer, fmt_ms, fmt_ratio, round_robin

WRAPPERS = {'float32': 'OptimWrapper', 'bfloat16': 'BF16OptimWrapper'}


def make_step(model, wrapper, inputs, samples) -> Callable[[], float]:
    """One ``train_step``'s work: loss under the wrapper's context, then
    ``update_params`` (backward, SGD step, zero_grad)."""

    def step():
        with wrapper.optim_context(model):
            losses = model(inputs, samples, mode='loss')
        loss, _ = model.parse_losses(losses)
        wrapper.update_params(loss)
        return loss.item()

    return step


def run_shape(key: str, args, device: torch.device) -> dict:
    from mmaction.registry import OPTIM_WRAPPERS
    from mmaction.structures import ActionDataSample
    shape = SHAPES[key]
    B, M, T, V, K = (shape['batch'], shape['persons'], shape['frames'],
                     shape['joints'], shape['classes'])
    g = torch.Generator().manual_seed(0)
    inputs = torch.randn(B, 1, M, T, V, 3, generator=g).to(device)
    labels = torch.randint(0, K, (B, ), generator=g)
    samples = [ActionDataSample().set_gt_label(int(y)) for y in labels]
    torch.manual_seed(0)
    base = build_mmfrhead(shape['layout'], M, T, V, K, True).to(device)
    base.train()
    steps, first_loss = {}, {}
    for name, wrapper_type in WRAPPERS.items():
        model = copy.deepcopy(base)
        wrapper = OPTIM_WRAPPERS.build(
            dict(
                type=wrapper_type,
                optimizer=torch.optim.SGD(
                    model.parameters(), lr=0.01, momentum=0.9,
                    nesterov=True)))
        steps[name] = make_step(model, wrapper, inputs, samples)
        first_loss[name] = steps[name]()
    times = round_robin(steps, args.repeats, args.warmup, Timer(device))
    return dict(shape=shape, times=times, first_loss=first_loss)


def report(results, args, device: torch.device) -> str:
    lines = [
        f'{device.type}, {torch.get_num_threads()} threads, torch '
        f'{torch.__version__}; CTR-GCN + FR Head training step, median of '
        f'{args.repeats} runs after {args.warmup} warm-up; wall ms (process '
        'CPU ms in brackets)', '',
        '| shape | float32 (OptimWrapper) | bfloat16 (BF16OptimWrapper) | '
        'speed-up float32 / bfloat16 | first loss, relative difference |',
        '| --- | ---: | ---: | ---: | ---: |'
    ]
    for r in results:
        t, loss = r['times'], r['first_loss']
        diff = abs(loss['bfloat16'] - loss['float32']) / abs(loss['float32'])
        lines.append(f"| {r['shape']['name']} | {fmt_ms(t['float32'])} | "
                     f"{fmt_ms(t['bfloat16'])} | "
                     f"{fmt_ratio(t['float32'], t['bfloat16'])} | "
                     f'{diff:.1e} |')
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    parser.add_argument(
        '--shapes', nargs='+', default=['ucla', 'ntu'], choices=list(SHAPES))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    from mmfrhead.utils import register_all_modules
    register_all_modules()
    device = torch.device(args.device)
    results = []
    for key in args.shapes:
        print(f'timing {SHAPES[key]["name"]} ...', flush=True)
        results.append(run_shape(key, args, device))
    print()
    print(report(results, args, device))


if __name__ == '__main__':
    main()

"""mmfrhead's AimCLR computes what the plain implementation of
``benchmarks/aimclr_step_time.py`` does.

Same weights (the plain model's, converted by ``convert_aimclr_stgcn``),
same views and seed (so the same dropout masks): the three losses, with and
without nearest-neighbour mining, over several SGD steps (so the momentum
update, the queue and the optimiser agree too), then the weights and the
queue. Tiny widths; the benchmark itself runs the config's.
"""
import pytest
import torch

from benchmarks.aimclr_step_time import build_pair, loss_fns, main, views
from mmfrhead.converters import convert_aimclr_stgcn

pytestmark = pytest.mark.usefixtures('one_thread')

TINY = dict(base_channels=4, out_channels=16, feat=8, queue_size=16)
RTOL, ATOL = 1e-5, 1e-6


def optimiser(module):
    params = [p for p in module.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=1e-4)


def test_same_losses_weights_and_queue_over_steps():
    model, plain = build_pair(**TINY)
    fns = loss_fns(model, plain, views(4, frames=16))
    optims = dict(mmfrhead=optimiser(model), plain=optimiser(plain))
    for step, nnm in enumerate((False, False, True, True, False)):
        losses = {}
        for name, fn in fns.items():
            torch.manual_seed(step)
            losses[name] = fn(nnm)
            optims[name].zero_grad()
            sum(losses[name].values()).backward()
            optims[name].step()
        assert set(losses['mmfrhead']) == set(losses['plain'])
        for key, value in losses['mmfrhead'].items():
            torch.testing.assert_close(
                value, losses['plain'][key], rtol=RTOL, atol=ATOL,
                msg=lambda m: f'step {step}, {key}: {m}')
    converted = convert_aimclr_stgcn(plain.state_dict(), 'plain')
    state = model.state_dict()
    for key, value in converted.items():
        # the key encoder's batch-norm statistics are its own in AimCLR,
        # copies of the query's in mmfrhead (unused: batch statistics)
        if key != 'key_encoder.steps' and not (
                key.startswith('key_encoder') and key.endswith(
                    ('running_mean', 'running_var', 'num_batches_tracked'))):
            torch.testing.assert_close(
                state[key], value, rtol=1e-4, atol=1e-6,
                msg=lambda m: f'{key}: {m}')
    assert int(model.queue.ptr) == int(plain.queue_ptr) == 4


def test_the_benchmark_prints_its_table(capsys):
    main(['--batch', '2', '--repeats', '1', '--warmup', '0', '--no-data'])
    out = capsys.readouterr().out
    for row in ('| mmfrhead |', '| mmfrhead, NNM |', '| plain |',
                '| plain, NNM |'):
        assert row in out

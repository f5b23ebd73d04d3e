"""The fast CTR-GCN pieces against their definition.

Each custom autograd function of ``ctrgcn_fast`` passes ``gradcheck`` in
float64, and the fast backbones (``impl='fast'``) compute what the plain ones
(``impl='plain'``) do with the same parameters: outputs, gradients and
batch-norm statistics, in train and eval mode, float64 (tight) and float32
(channels-last on CPU, rounding tolerances).
"""
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from torch.autograd import gradcheck

from mmfrhead.models import CTRGCN, HDGCN
from mmfrhead.models.utils.ctrgcn_fast import (_CatChannels, _SplitChannels,
                                               _ValueAggregation)

# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')

FORMATS = (torch.contiguous_format, torch.channels_last)
BACKBONES = {
    'CTRGCN': dict(cls=CTRGCN, base_channels=16),
    'HDGCN': dict(cls=HDGCN, base_channels=16),
}
# dtype -> rtol; atol is rtol times the largest magnitude compared.
RTOL = {torch.float64: 1e-9, torch.float32: 1e-4}
N, T, V = 2, 16, 20


def _double(*shape, memory_format=torch.contiguous_format):
    x = torch.randn(*shape, dtype=torch.float64)
    return x.contiguous(memory_format=memory_format).requires_grad_()


@pytest.mark.parametrize('memory_format', FORMATS)
@pytest.mark.parametrize('with_shift', [False, True])
@pytest.mark.parametrize('x_grad', [True, False])
def test_value_aggregation_gradcheck(memory_format, with_shift, x_grad):
    n, C, t, v, S, O = 2, 3, 4, 5, 2, 3
    x = _double(n, C, t, v, memory_format=memory_format).requires_grad_(x_grad)
    weight, bias = _double(S, O, C), _double(S, O, 1)
    shift = _double(O) if with_shift else None
    topo = [_double(n * O, v, v) for _ in range(S)]
    assert gradcheck(_ValueAggregation.apply, (x, weight, bias, shift, *topo))


@pytest.mark.parametrize('memory_format', FORMATS)
def test_split_channels_gradcheck(memory_format):
    x = _double(2, 6, 3, 4, memory_format=memory_format)
    pieces = _SplitChannels.apply(x, 2)
    assert [p.shape[1] for p in pieces] == [2, 2, 2]
    assert all(p.is_contiguous(memory_format=memory_format) for p in pieces)
    assert gradcheck(lambda t: _SplitChannels.apply(t, 2), (x, ))


@pytest.mark.parametrize('memory_format', FORMATS)
def test_cat_channels_gradcheck(memory_format):
    xs = [_double(2, c, 3, 4, memory_format=memory_format) for c in (1, 3)]
    torch.testing.assert_close(_CatChannels.apply(*xs), torch.cat(xs, 1))
    assert gradcheck(_CatChannels.apply, tuple(xs))


def construct(name, impl):
    """A backbone as initialised, from the same seed for both ``impl``."""
    cfg = dict(BACKBONES[name])
    torch.manual_seed(0)
    return cfg.pop('cls')(
        graph_cfg=dict(layout='nw_ucla'), num_person=1, impl=impl, **cfg)


def build(name, impl, dtype=torch.float32):
    """A backbone with non-trivial weights, the same for both ``impl``:
    random alpha and batch-norm affine parameters (incl. the 1e-6 init of
    the GCN ones), and the running statistics of one batch (so that eval
    activations stay O(1), as in a trained model)."""
    model = construct(name, impl)
    g = torch.Generator().manual_seed(1)

    def rand(t, low, high):
        t.copy_(torch.rand(t.shape, generator=g) * (high - low) + low)

    bns = [
        m for m in model.modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
    ]
    with torch.no_grad():
        for param_name, p in model.named_parameters():
            if param_name.endswith('alpha'):
                rand(p, 0.5, 1.5)
        for m in bns:
            rand(m.weight, 0.5, 1.5)
            rand(m.bias, -0.2, 0.2)
            m.momentum = 1.
        model.to(dtype).train()(
            torch.randn(4, 1, T, V, 3, generator=g).to(dtype))
    for m in bns:
        m.momentum = 0.1
    return model


def assert_close(a, b, dtype, what):
    rtol = RTOL[dtype]
    atol = rtol * max(b.abs().max().item(), 1.)
    torch.testing.assert_close(
        a, b, rtol=rtol, atol=atol, msg=lambda m: f'{what}: {m}')


def run(model, x, train):
    """Output, input gradient, parameter gradients and buffers after one
    forward and backward."""
    model.train(train)
    x = x.clone().requires_grad_()
    y = model(x)
    y.pow(2).mean().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    return y.detach(), x.grad, grads, dict(model.named_buffers())


def assert_runs_equal(fast, plain, dtype):
    (y1, gx1, g1, b1), (y0, gx0, g0, b0) = fast, plain
    assert_close(y1, y0, dtype, 'output')
    assert_close(gx1, gx0, dtype, 'input gradient')
    assert g1.keys() == g0.keys()
    for name in g0:
        assert_close(g1[name], g0[name], dtype, f'grad of {name}')
    for name in b0:
        if b0[name].is_floating_point():
            assert_close(b1[name], b0[name], dtype, f'buffer {name}')


@pytest.mark.parametrize('name', list(BACKBONES))
def test_plain_and_fast_have_the_same_parameters(name):
    fast, plain = construct(name, 'fast'), construct(name, 'plain')
    state, plain_state = fast.state_dict(), plain.state_dict()
    assert list(state) == list(plain_state)
    for key, value in state.items():
        assert torch.equal(value, plain_state[key]), key
    plain.load_state_dict(state)  # a checkpoint loads into either
    with pytest.raises(ValueError, match='impl'):
        BACKBONES[name]['cls'](graph_cfg=dict(layout='nw_ucla'), impl='cuda')


@pytest.mark.parametrize(
    'dtype', [torch.float64, torch.float32], ids=['fp64', 'fp32'])
@pytest.mark.parametrize('train', [True, False], ids=['train', 'eval'])
@pytest.mark.parametrize('name', list(BACKBONES))
def test_plain_and_fast_agree(name, train, dtype):
    """Outputs, gradients and batch-norm updates; eval mode runs the fast
    path's folded batch norms (frozen, with autograd)."""
    x = torch.randn(N, 1, T, V, 3, dtype=dtype)
    fast = run(build(name, 'fast', dtype), x, train)
    plain = run(build(name, 'plain', dtype), x, train)
    assert_runs_equal(fast, plain, dtype)


@pytest.mark.parametrize(
    'dtype', [torch.float64, torch.float32], ids=['fp64', 'fp32'])
@pytest.mark.parametrize('name', list(BACKBONES))
def test_plain_and_fast_agree_without_autograd(name, dtype):
    """Eval without gradients: folded batch norms, the no-grad aggregation
    in reused buffers and in-place residuals."""
    x = torch.randn(N, 1, T, V, 3, dtype=dtype)
    fast, plain = build(name, 'fast', dtype), build(name, 'plain', dtype)
    with torch.no_grad():
        expected = plain.eval()(x)
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            assert_close(fast.eval()(x), expected, dtype, mode.__name__)


@pytest.mark.parametrize('train', [True, False], ids=['train', 'eval'])
def test_fast_channels_last_blocks_agree_in_float64(train):
    """fp32 on CPU runs the fast blocks channels-last, fp64 keeps the given
    format: channels-last fp64 input exercises that path at fp64 precision
    (outputs in the input's format)."""
    fast, plain = (
        torch.nn.Sequential(*build('CTRGCN', impl, torch.float64).gcn)
        for impl in ('fast', 'plain'))
    x = torch.randn(N, 3, T, V, dtype=torch.float64)
    y = run(fast, x.contiguous(memory_format=torch.channels_last), train)
    assert y[0].is_contiguous(memory_format=torch.channels_last)
    assert y[1].is_contiguous(memory_format=torch.channels_last)
    assert_runs_equal(y, run(plain, x, train), torch.float64)


def test_fast_inference_paths_agree():
    """Eval with gradients, no_grad and inference_mode (reused buffers, in
    place residuals) give the same features, in any order of the modes."""
    model = CTRGCN(graph_cfg=dict(layout='nw_ucla'), num_person=1)
    model.train()(torch.randn(4, 1, 16, 20, 3))  # non-trivial BN statistics
    model.eval()
    x = torch.randn(2, 1, 16, 20, 3)
    expected = model(x).detach()  # the autograd path

    def check():
        for mode in (torch.inference_mode, torch.no_grad,
                     torch.inference_mode, torch.no_grad):
            with mode():
                out = model(x)
            torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
        with torch.no_grad():  # a smaller batch (other GEMM blocking) reuses
            torch.testing.assert_close(  # the larger buffers
                model(x[:1]), expected[:1], rtol=1e-3, atol=1e-3)

    # In a new thread: its buffers (kept per thread) start empty, so the
    # first ones are made under inference_mode whatever ran before.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(check).result()

"""mmfrhead's CTR-GCN + FR Head computes what the reference layout does.

``benchmarks/reference_impl.py`` is the straightforward implementation in
the original code's layout (one module per subset, per-subset einsum loop,
four TCN branches, the FR head in the reference's ``[K, N]`` layout) that
``benchmarks/step_time.py`` times mmfrhead (the default, fast backbone)
against. With the same weights and inputs both must give the same logits,
losses, gradients of every parameter, batch-norm statistics and prototype
updates, so the speed comparison is between equal functions.

The comparisons run in float64 so that 1e-5 relative is far above rounding
(and max-pool ties cannot flip), and the fp32 model (channels-last on CPU)
against the fp32 reference at fp32 tolerances. The fast backbone against
the plain one, channels-last fp64 included: ``tests/models/utils``.
"""
import copy

import pytest
import torch
from benchmarks.reference_impl import (build_mmfrhead, build_reference,
                                       load_from_mmfrhead)
from mmaction.structures import ActionDataSample

from mmfrhead.utils import register_all_modules

register_all_modules()

# layout -> (persons, joints, classes)
SHAPES = {'nw_ucla': (1, 20, 10), 'ntu_ctrgcn': (2, 25, 120)}
N, T = 4, 16
RTOL, ATOL = 1e-5, 1e-8


# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')


def fast_model(layout, with_fr=True):
    M, V, K = SHAPES[layout]
    return build_mmfrhead(layout, M, T, V, K, with_fr)


def randomise(model):
    """Non-trivial weights: alpha, and the affine parameters and running
    statistics of every batch norm (incl. the 1e-6 init of the GCN ones)."""
    g = torch.Generator().manual_seed(1)

    def rand(t, low, high):
        t.copy_(torch.rand(t.shape, generator=g) * (high - low) + low)

    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('alpha'):
                rand(p, 0.5, 1.5)
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                rand(m.weight, 0.5, 1.5)
                rand(m.bias, -0.2, 0.2)
                rand(m.running_mean, -0.2, 0.2)
                rand(m.running_var, 0.5, 1.5)


def inputs_and_labels(layout, seed=0):
    M, V, K = SHAPES[layout]
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, 1, M, T, V, 3, generator=g, dtype=torch.float64)
    labels = torch.randint(0, K, (N, ), generator=g)
    # Make some classes repeat so TP/FN/FP all occur.
    labels[1] = labels[0]
    return x, labels


def samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


def assert_close(a, b, what):
    torch.testing.assert_close(
        a, b, rtol=RTOL, atol=ATOL, msg=lambda m: f'{what}: {m}')


def ref_param_grads(ref):
    return {n: p.grad for n, p in ref.named_parameters()}


def copied_grads(fast, ref_cls):
    """Gradients of the fast model mapped to the reference names, by
    loading the gradients as if they were weights."""
    grads = copy.deepcopy(fast)
    with torch.no_grad():
        for p, q in zip(grads.parameters(), fast.parameters()):
            p.copy_(q.grad if q.grad is not None else torch.zeros_like(q))
    shadow = copy.deepcopy(ref_cls)
    load_from_mmfrhead(shadow, grads)
    return dict(shadow.named_parameters())


@pytest.mark.parametrize('layout', list(SHAPES))
def test_training_step_equivalent(layout):
    # With the FR head: the classifier loss alone is the special case
    # loss_fr = 0 of the same path, so it is covered by the same check.
    with_fr = True
    torch.manual_seed(0)
    fast = fast_model(layout, with_fr)
    randomise(fast)
    fast = fast.double().train()
    ref, w_cl = build_reference(fast, T)
    ref = ref.double().train()
    x, labels = inputs_and_labels(layout)

    # Make the classifier right on some samples (TP) and wrong on others
    # (FN / FP) so every branch of the FR loss carries a gradient.
    with torch.no_grad():  # on a copy: keep the batch-norm statistics
        logits = copy.deepcopy(fast)(x, mode='tensor', stage='head')
    pred = logits.argmax(1)
    labels[0] = pred[0]
    labels[2] = pred[2]
    labels[3] = (pred[3] + 1) % SHAPES[layout][2]

    losses = fast(x, samples(labels), mode='loss')
    loss_fast = losses['loss_cls'] + losses.get('loss_fr', 0.)
    loss_fast.backward()

    ref_x = x[:, 0]
    loss_ref = ref.train_loss(ref_x, labels, w_cl_loss=w_cl)
    loss_ref.backward()

    assert_close(loss_fast, loss_ref, 'loss')
    if with_fr:
        assert losses['loss_fr'].abs() > 0
    fast_grads = copied_grads(fast, ref)
    for name, p in ref.named_parameters():
        assert p.grad is not None, name
        assert_close(fast_grads[name], p.grad, f'grad of {name}')
    # Running statistics and prototypes after the step.
    updated = copy.deepcopy(ref)
    load_from_mmfrhead(updated, fast)
    for (name, b), (_, b_ref) in zip(updated.named_buffers(),
                                     ref.named_buffers()):
        if b.is_floating_point():
            assert_close(b, b_ref, f'buffer {name}')
    if with_fr:
        # The update did happen (TP samples exist).
        before = fast_model(layout, with_fr)
        assert not torch.allclose(
            fast.fr_head.spatial_losses[3].memory.prototypes.float(),
            before.fr_head.spatial_losses[3].memory.prototypes)


@pytest.mark.parametrize('layout', list(SHAPES))
def test_inference_equivalent(layout):
    torch.manual_seed(0)
    fast = fast_model(layout, with_fr=False)
    randomise(fast)
    fast = fast.double().eval()
    ref, _ = build_reference(fast, T)
    ref = ref.double().eval()
    x, _ = inputs_and_labels(layout, seed=3)
    with torch.no_grad():
        assert_close(
            fast(x, mode='tensor', stage='head'), ref(x[:, 0]), 'logits')


@pytest.mark.parametrize('layout', list(SHAPES))
def test_float32_model_matches_reference(layout):
    """The deployed fp32 model (channels-last on CPU) against the fp32
    reference: same logits and training loss (fp32 rounding only)."""
    torch.manual_seed(0)
    fast = fast_model(layout, with_fr=True)
    x, labels = inputs_and_labels(layout, seed=5)
    x = x.float()
    # Batch-norm statistics of this batch (fp32 needs O(1) activations).
    bns = [m for m in fast.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.momentum = 1.
    with torch.no_grad():
        fast.train()(x, mode='tensor')
    for m in bns:
        m.momentum = 0.1
    ref, w_cl = build_reference(fast, T)
    with torch.no_grad():
        torch.testing.assert_close(
            fast.eval()(x, mode='tensor', stage='head'),
            ref.eval()(x[:, 0]),
            rtol=1e-4,
            atol=1e-5)
    losses = fast.train()(x, samples(labels), mode='loss')
    loss_ref = ref.train().train_loss(x[:, 0], labels, w_cl_loss=w_cl)
    torch.testing.assert_close(
        losses['loss_cls'] + losses['loss_fr'], loss_ref, rtol=1e-4, atol=0)

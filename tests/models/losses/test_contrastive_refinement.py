import math

import pytest
import torch

from mmfrhead.models import FRHead
from mmfrhead.models.losses import ContrastiveRefinementLoss

torch.set_num_threads(2)

# Six samples, three classes, four feature channels.
#   i  label  pred  role
#   0    0     0    TP of class 0 (confident)
#   1    0     0    TP of class 0
#   2    0     1    FN of class 0, FP of class 1
#   3    1     1    TP of class 1
#   4    2     0    FN of class 2, FP of class 0
#   5    2     2    TP of class 2, low confidence (p ~ 0.44)
LABELS = [0, 0, 0, 1, 2, 2]
LOGITS = [
    [3.0, 0.5, 0.0],
    [1.0, 0.2, -0.5],
    [0.2, 1.5, 0.0],
    [0.1, 2.0, 0.3],
    [1.2, 0.0, 0.4],
    [0.0, 0.1, 0.5],
]
FEATS = [
    [0.9, 0.1, -0.3, 0.2],
    [0.5, -0.4, 0.3, 0.8],
    [-0.2, 0.7, 0.6, -0.1],
    [0.3, 0.3, -0.9, 0.4],
    [-0.6, -0.2, 0.1, 0.9],
    [0.4, -0.8, -0.5, -0.3],
]
PROTOTYPES = [
    [1.0, 0.0, 0.5, -0.5],
    [-0.3, 1.0, 0.2, 0.1],
    [0.2, -0.4, -1.0, 0.6],
]


def _tensors():
    return (torch.tensor(FEATS), torch.tensor(LOGITS), torch.tensor(LABELS))


def _make_loss(**kwargs):
    loss = ContrastiveRefinementLoss(
        4, 3, use_projection=False, **kwargs)
    loss.memory.prototypes.copy_(torch.tensor(PROTOTYPES))
    return loss


def _reference(momentum=0.9, temperature=0.125, alpha=0.125, version='V0',
               confidence_weighting=True, pred_threshold=0.):
    """Eqs. 3-8 with the reference code's semantics, one sample at a time.

    Returns:
        tuple: (loss, new prototypes as nested lists).
    """
    N, K = len(LABELS), len(PROTOTYPES)

    def mean(rows):
        width = len(rows[0])
        return [sum(r[h] for r in rows) / len(rows) for h in range(width)]

    def cos(u, v):
        dot = sum(a * b for a, b in zip(u, v))
        nu = math.sqrt(sum(a * a for a in u))
        nv = math.sqrt(sum(b * b for b in v))
        return dot / (nu * nv)

    prob, pred = [], []
    for row in LOGITS:
        e = [math.exp(v) for v in row]
        prob.append([v / sum(e) for v in e])
        pred.append(max(range(K), key=lambda k: row[k]))
    tp = [pred[i] == LABELS[i] and prob[i][LABELS[i]] > pred_threshold
          for i in range(N)]

    # Eq. 3: EMA of the TP means, only for classes with a TP in the batch.
    protos = []
    for k in range(K):
        members = [FEATS[i] for i in range(N) if tp[i] and LABELS[i] == k]
        if members:
            m = mean(members)
            protos.append([
                momentum * p + (1 - momentum) * f
                for p, f in zip(PROTOTYPES[k], m)
            ])
        else:
            protos.append(list(PROTOTYPES[k]))

    # Eq. 5: centres of the false negatives / false positives of each class.
    fn_mean, fp_mean = {}, {}
    for k in range(K):
        fn = [FEATS[i] for i in range(N) if LABELS[i] == k and pred[i] != k]
        fp = [FEATS[i] for i in range(N) if pred[i] == k and LABELS[i] != k]
        if fn:
            fn_mean[k] = mean(fn)
        if fp:
            fp_mean[k] = mean(fp)

    ce_fn, ce_fp = 0., 0.
    for i in range(N):
        y, f = LABELS[i], FEATS[i]
        phi = 1 - cos(f, fn_mean[y]) if y in fn_mean else 0.  # Eq. 6
        psi = 1 + cos(f, fp_mean[y]) if y in fp_mean else 0.  # Eq. 7
        w = alpha * (1 - prob[i][y]) if confidence_weighting else alpha
        if version == 'V1':
            w *= float(tp[i])
        ces = []
        for term in (phi, psi):  # Eq. 8
            logits = [cos(f, protos[k]) / temperature for k in range(K)]
            logits[y] -= w * term / temperature
            lse = math.log(sum(math.exp(v) for v in logits))
            ces.append(lse - logits[y])
        ce_fn += ces[0]
        ce_fp += ces[1]
    return ce_fn / N + ce_fp / N, protos


def test_example_has_tp_fn_and_fp():
    """Guard the fixture itself: every role of the table above exists."""
    logits = torch.tensor(LOGITS)
    assert logits.argmax(1).tolist() == [0, 0, 1, 1, 0, 2]
    assert logits.softmax(1)[5, 2].item() == pytest.approx(0.44, abs=0.01)


@pytest.mark.parametrize('momentum,temperature,alpha', [(0.9, 0.125, 0.125),
                                                        (0.6, 0.2, 0.4)])
def test_loss_matches_hand_computation(momentum, temperature, alpha):
    loss = _make_loss(
        momentum=momentum, temperature=temperature, alpha=alpha)
    loss.train()
    value = loss(*_tensors())
    expected, protos = _reference(momentum, temperature, alpha)
    assert value.dim() == 0
    assert value.item() == pytest.approx(expected, abs=1e-5)
    # training mode: the stored prototypes are the EMA of the TP means
    torch.testing.assert_close(
        loss.memory.prototypes, torch.tensor(protos), rtol=0, atol=1e-6)
    # every class had a TP, so every prototype moved
    assert not torch.allclose(loss.memory.prototypes, torch.tensor(PROTOTYPES))


def test_eval_mode_keeps_prototypes():
    loss = _make_loss()
    loss.eval()
    value = loss(*_tensors())
    expected, _ = _reference()
    assert value.item() == pytest.approx(expected, abs=1e-5)
    assert torch.equal(loss.memory.prototypes, torch.tensor(PROTOTYPES))
    # and a second call gives the same value (nothing was stored)
    assert loss(*_tensors()).item() == pytest.approx(value.item(), abs=1e-7)


def test_v1_calibrates_true_positives_only():
    v0 = _make_loss(version='V0')(*_tensors())
    v1 = _make_loss(version='V1')(*_tensors())
    expected_v1, _ = _reference(version='V1')
    assert v1.item() == pytest.approx(expected_v1, abs=1e-5)
    # sample 2 (an FN of class 0, which has an FP) is calibrated by V0 only
    assert abs(v0.item() - v1.item()) > 1e-3
    assert _make_loss(version='V0')(*_tensors()).item() == pytest.approx(
        _reference(version='V0')[0], abs=1e-5)
    with pytest.raises(ValueError, match='version'):
        ContrastiveRefinementLoss(4, 3, version='V2')


def test_constant_weight_without_confidence_weighting():
    value = _make_loss(confidence_weighting=False)(*_tensors())
    expected, _ = _reference(confidence_weighting=False)
    assert value.item() == pytest.approx(expected, abs=1e-5)
    assert abs(value.item() - _reference()[0]) > 1e-3


def test_pred_threshold_excludes_low_confidence_true_positive():
    loss = _make_loss(pred_threshold=0.5)
    loss.train()
    value = loss(*_tensors())
    expected, protos = _reference(pred_threshold=0.5)
    assert value.item() == pytest.approx(expected, abs=1e-5)
    torch.testing.assert_close(
        loss.memory.prototypes, torch.tensor(protos), rtol=0, atol=1e-6)
    # sample 5 (p ~ 0.44) was class 2's only TP: its prototype is unchanged
    assert torch.equal(loss.memory.prototypes[2], torch.tensor(PROTOTYPES[2]))
    assert not torch.allclose(loss.memory.prototypes[:2],
                              torch.tensor(PROTOTYPES[:2]))


def test_prototypes_are_a_saved_buffer():
    loss = ContrastiveRefinementLoss(4, 3, hidden_channels=8)
    state = loss.state_dict()
    assert 'memory.prototypes' in state
    assert state['memory.prototypes'].shape == (3, 8)
    assert 'memory.prototypes' not in dict(loss.named_parameters())
    other = ContrastiveRefinementLoss(4, 3, hidden_channels=8)
    assert not torch.equal(other.memory.prototypes, loss.memory.prototypes)
    other.load_state_dict(state)
    assert torch.equal(other.memory.prototypes, loss.memory.prototypes)


def test_reads_checkpoints_with_the_old_prototype_key():
    # Checkpoints written before the prototypes moved into ``memory``.
    loss = ContrastiveRefinementLoss(4, 3, hidden_channels=8)
    state = loss.state_dict()
    state['prototypes'] = state.pop('memory.prototypes')
    other = ContrastiveRefinementLoss(4, 3, hidden_channels=8)
    other.load_state_dict(state)  # strict: no missing or unexpected key
    assert torch.equal(other.memory.prototypes, loss.memory.prototypes)


def test_gradient_reaches_features():
    feats, logits, labels = _tensors()
    feats.requires_grad_(True)
    _make_loss()(feats, logits, labels).backward()
    assert feats.grad is not None
    assert (feats.grad.abs().sum(1) > 0).all()


def test_gradient_reaches_projection():
    loss = ContrastiveRefinementLoss(4, 3, hidden_channels=5)
    assert isinstance(loss.projection, torch.nn.Linear)
    assert loss.memory.prototypes.shape == (3, 5)
    feats, logits, labels = _tensors()
    feats.requires_grad_(True)
    loss(feats, logits, labels).backward()
    assert loss.projection.weight.grad.abs().sum() > 0
    assert loss.projection.bias.grad.abs().sum() > 0
    assert feats.grad.abs().sum() > 0


def test_no_gradient_reaches_classifier_logits_through_fr_head():
    head = FRHead(3, [(8, 4, 5)], hidden_channels=20, stage_weights=(1., ))
    head.train()
    feat = torch.randn(6, 8, 4, 5, requires_grad=True)
    logits = torch.tensor(LOGITS, requires_grad=True)
    out = head.loss([feat], logits, torch.tensor(LABELS))['loss_fr']
    out.backward()
    assert logits.grad is None
    assert feat.grad is not None and feat.grad.abs().sum() > 0
    # control: the loss itself does depend on the logits (through p_ik),
    # so without the detach a gradient would arrive
    logits2 = torch.tensor(LOGITS, requires_grad=True)
    _make_loss()(torch.tensor(FEATS), logits2, torch.tensor(LABELS)).backward()
    assert logits2.grad is not None and logits2.grad.abs().sum() > 0

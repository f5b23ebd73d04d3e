import torch

from mmfrhead.models import ClassPrototypes


def _memory():
    torch.manual_seed(0)
    return ClassPrototypes(num_classes=3, channels=2, momentum=0.75)


def test_ema_of_the_true_positive_means():
    memory = _memory()
    old = memory.prototypes.clone()
    feats = torch.tensor([[1., 2.], [3., 4.], [5., 6.]])
    # samples 0 and 1 are true positives of class 0, sample 2 of class 2
    masks = torch.tensor([[1., 0., 0.], [1., 0., 0.], [0., 0., 1.]])
    out = memory(feats, masks)
    expected = old.clone()
    expected[0] = 0.75 * old[0] + 0.25 * torch.tensor([2., 3.])
    expected[2] = 0.75 * old[2] + 0.25 * torch.tensor([5., 6.])
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(memory.prototypes, expected)  # stored
    assert torch.equal(memory.prototypes[1], old[1])  # no TP: unchanged


def test_eval_mode_computes_but_does_not_store():
    memory = _memory().eval()
    old = memory.prototypes.clone()
    out = memory(torch.ones(1, 2), torch.tensor([[0., 1., 0.]]))
    assert not torch.equal(out[1], old[1])
    assert torch.equal(memory.prototypes, old)


def test_gradient_reaches_the_true_positives_only():
    memory = _memory()
    feats = torch.randn(3, 2, requires_grad=True)
    masks = torch.tensor([[1., 0., 0.], [0., 0., 0.], [0., 0., 1.]])
    memory(feats, masks).sum().backward()
    assert (feats.grad[[0, 2]] != 0).all()
    assert (feats.grad[1] == 0).all()
    assert not memory.prototypes.requires_grad


def test_prototypes_are_a_checkpointed_buffer():
    memory = _memory()
    assert list(memory.state_dict()) == ['prototypes']
    assert list(memory.parameters()) == []

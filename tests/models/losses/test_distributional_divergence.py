import torch
import torch.nn.functional as F
from mmaction.registry import MODELS


def test_d3m_is_kl_plus_the_target_entropy():
    student = torch.randn(3, 7, requires_grad=True)
    target = torch.randn(3, 7, requires_grad=True)
    loss = MODELS.build(dict(type='DistributionalDivergenceLoss',
                             loss_weight=1.))(student, target)
    p = F.softmax(target, 1)
    kl = (p * (p.log() - F.log_softmax(student, 1))).sum(1).mean()
    entropy = -(p * p.log()).sum(1).mean()
    assert torch.allclose(loss, kl + entropy)
    loss.backward()
    assert target.grad is None and student.grad.abs().sum() > 0


def test_default_weight_is_half_as_aimclr_averages_two_terms():
    student, target = torch.randn(2, 5), torch.randn(2, 5)
    full = MODELS.build(
        dict(type='DistributionalDivergenceLoss', loss_weight=1.))
    half = MODELS.build(dict(type='DistributionalDivergenceLoss'))
    assert torch.allclose(half(student, target), full(student, target) / 2)

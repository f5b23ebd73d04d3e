import torch
import torch.nn.functional as F
from mmaction.registry import MODELS


def test_single_positive_is_cross_entropy_to_the_key():
    logits = torch.randn(4, 9)
    loss = MODELS.build(dict(type='InfoNCELoss'))
    expected = F.cross_entropy(logits, torch.zeros(4, dtype=torch.long))
    assert torch.allclose(loss(logits), expected)


def test_a_mask_with_only_the_key_is_the_single_positive_loss():
    logits = torch.randn(4, 9)
    mask = torch.zeros(4, 9)
    mask[:, 0] = 1
    loss = MODELS.build(dict(type='InfoNCELoss', loss_weight=2.))
    single = MODELS.build(dict(type='InfoNCELoss'))
    assert torch.allclose(loss(logits, mask), 2 * single(logits))


def test_multi_positive_averages_the_log_probabilities_of_the_positives():
    logits = torch.randn(2, 5)
    mask = torch.tensor([[1., 0, 1, 0, 0], [1., 1, 0, 0, 1]])
    log_prob = F.log_softmax(logits, 1)
    expected = -((log_prob[0, 0] + log_prob[0, 2]) / 2 +
                 (log_prob[1, 0] + log_prob[1, 1] + log_prob[1, 4]) / 3) / 2
    loss = MODELS.build(dict(type='InfoNCELoss'))
    assert torch.allclose(loss(logits, mask), expected)

import torch
from mmaction.registry import MODELS


def attention(x, e_lambda=1e-4):
    """SimAM attention of (C, T, V), written from its formula."""
    mean = x.mean(dim=(1, 2), keepdim=True)
    d = (x - mean)**2
    var = d.sum(dim=(1, 2), keepdim=True) / (x[0].numel() - 1)
    return torch.sigmoid(d / (4 * (var + e_lambda)) + 0.5)


def test_drops_elements_of_high_attention_and_rescales():
    eadm = MODELS.build(dict(type='EnergyAttentionDrop'))
    x = torch.zeros(1, 1, 1, 10, 5)  # (N, M, C, T, V)
    x[..., 1, 2] = 10.  # far from the channel mean: attention ~ 0.92
    x[..., 3, 0] = -1.
    att = attention(x[0, 0])
    assert att[0, 1, 2] > 0.7 and att.mean(dim=(0, 1)).max() < 0.7
    out = eadm(x)
    keep = (att < 0.7).float()
    assert keep.sum() == 49  # only the outlier goes
    assert torch.allclose(out[0, 0], x[0, 0] * keep * 50 / 49)
    assert out[..., 1, 2] == 0


def test_drops_a_joint_whose_mean_attention_reaches_keep_prob():
    eadm = MODELS.build(dict(type='EnergyAttentionDrop', keep_prob=0.7))
    x = torch.randn(1, 1, 6, 4, 5)
    x[..., 3] += 5.  # joint 3 is far off in every channel and frame
    att = attention(x[0, 0])
    joint_keep = (att.mean(dim=(0, 1)) < 0.7).float()
    assert joint_keep.tolist() == [1., 1., 1., 0., 1.]
    elem_keep = (att < 0.7).float()
    expected = x[0, 0] * joint_keep * 5 / 4
    expected = expected * elem_keep * elem_keep.numel() / elem_keep.sum()
    assert torch.allclose(eadm(x)[0, 0], expected, atol=1e-6)


def test_gradient_goes_through_the_kept_elements_only():
    eadm = MODELS.build(dict(type='EnergyAttentionDrop'))
    x = torch.randn(2, 1, 3, 4, 5, requires_grad=True)
    eadm(x).sum().backward()
    dropped = eadm(x.detach()) == 0
    assert torch.all(x.grad[dropped] == 0)
    assert torch.all(x.grad[~dropped] > 0)


def test_legacy_noop_reproduces_the_first_release():
    eadm = MODELS.build(dict(type='EnergyAttentionDrop', legacy_noop=True))
    x = torch.randn(2, 1, 3, 4, 5)
    assert torch.equal(eadm(x), x)

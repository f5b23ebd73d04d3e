import pytest
import torch
from mmaction.registry import MODELS


def build(size=6):
    return MODELS.build(dict(type='FeatureQueue', dim=3, size=size))


def test_starts_normalised_and_is_in_the_state_dict():
    queue = build()
    assert torch.allclose(queue.queue.norm(dim=0), torch.ones(6))
    assert set(queue.state_dict()) == {'queue', 'ptr'}


def test_enqueue_writes_the_oldest_slots_and_wraps():
    queue = build()
    keys = [torch.full((2, 3), float(i)) for i in range(4)]
    for key in keys:
        queue.enqueue(key)
    assert queue.ptr.item() == 2
    assert torch.equal(queue.queue[:, :2], keys[3].t())
    assert torch.equal(queue.queue[:, 2:4], keys[1].t())


def test_resumes_from_a_state_dict():
    queue = build()
    queue.enqueue(torch.ones(2, 3))
    resumed = build()
    resumed.load_state_dict(queue.state_dict())
    resumed.enqueue(torch.zeros(2, 3))
    assert resumed.ptr.item() == 4
    assert torch.equal(resumed.queue[:, :2], torch.ones(3, 2))


def test_a_batch_that_does_not_divide_the_queue_is_named():
    with pytest.raises(ValueError, match='queue size 6 .*global batch size 4'):
        build().enqueue(torch.ones(4, 3))

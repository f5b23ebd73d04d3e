"""The AimCLR queue gathers the keys of every rank of a gloo process group,
so the queues stay identical."""
import numpy as np
import torch
from _dist import run_ranks


def _train_rank(rank):
    from _aimclr_parts import tiny_aimclr
    from torch.nn.parallel import DistributedDataParallel

    torch.manual_seed(0)  # same weights and queue on both ranks
    model = tiny_aimclr(queue_size=8)
    ddp = DistributedDataParallel(
        model, device_ids=None, broadcast_buffers=False)
    torch.manual_seed(100 + rank)  # different data on each rank
    losses = ddp(torch.randn(2, 3, 1, 8, 20, 3), None, mode='loss')
    sum(losses.values()).backward()
    return model.queue.queue.numpy().copy(), int(model.queue.ptr)


def test_queues_identical_across_ranks():
    got = run_ranks(_train_rank)
    (queue0, ptr0), (queue1, ptr1) = got[0], got[1]
    assert ptr0 == ptr1 == 4  # both ranks' two keys, in both queues
    np.testing.assert_array_equal(queue0, queue1)
    assert not np.allclose(queue0[:, :2], queue0[:, 2:4])

"""The AimCLR queue gathers the keys of every rank of a gloo process group,
so the queues stay identical."""
import socket

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _train_rank(rank, world_size, port, results):
    from _aimclr_parts import tiny_aimclr
    from torch.nn.parallel import DistributedDataParallel

    from mmfrhead.utils import register_all_modules
    register_all_modules()
    torch.set_num_threads(1)  # two processes share the CPU cores
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{port}',
        rank=rank,
        world_size=world_size)
    torch.manual_seed(0)  # same weights and queue on both ranks
    model = tiny_aimclr(queue_size=8)
    ddp = DistributedDataParallel(
        model, device_ids=None, broadcast_buffers=False)
    torch.manual_seed(100 + rank)  # different data on each rank
    losses = ddp(torch.randn(2, 3, 1, 8, 20, 3), None, mode='loss')
    sum(losses.values()).backward()
    results.put((rank, model.queue.queue.numpy().copy(),
                 int(model.queue.ptr)))
    dist.barrier()
    dist.destroy_process_group()


def test_queues_identical_across_ranks():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    ctx = mp.get_context('spawn')
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_train_rank, args=(rank, 2, port, results))
        for rank in range(2)
    ]
    for p in procs:
        p.start()
    got = dict((rank, (queue, ptr))
               for rank, queue, ptr in (results.get(timeout=300)
                                        for _ in procs))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    (queue0, ptr0), (queue1, ptr1) = got[0], got[1]
    assert ptr0 == ptr1 == 4  # both ranks' two keys, in both queues
    np.testing.assert_array_equal(queue0, queue1)
    assert not np.allclose(queue0[:, :2], queue0[:, 2:4])

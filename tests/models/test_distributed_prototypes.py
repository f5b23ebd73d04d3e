"""FR prototypes stay identical on every rank of a real gloo process group."""
import socket

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmaction.structures import ActionDataSample

MODEL = dict(
    type='FRRecognizer',
    backbone=dict(
        type='CTRGCN',
        graph_cfg=dict(layout='nw_ucla'),
        num_person=1,
        base_channels=16),
    cls_head=dict(type='GCNHead', num_classes=4, in_channels=64),
    fr_head=dict(type='FRHead', num_classes=4),
    taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
    clip_shape=(1, 8, 20, 3))


def _train_rank(rank, world_size, port, queue):
    from mmaction.registry import MODELS
    from torch.nn.parallel import DistributedDataParallel

    from mmfrhead.utils import register_all_modules
    register_all_modules()
    torch.set_num_threads(1)  # two processes share the CPU cores
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{port}',
        rank=rank,
        world_size=world_size)
    torch.manual_seed(0)  # same weights and prototypes on both ranks
    model = MODELS.build(MODEL)
    start = {
        k: v.numpy().copy()
        for k, v in model.state_dict().items() if 'prototypes' in k
    }
    # As MMEngine wraps models: buffers are not broadcast at every step, so
    # only the FR head's own all-reduce can keep the prototypes equal.
    ddp = DistributedDataParallel(
        model, device_ids=None, broadcast_buffers=False)
    optim = torch.optim.SGD(ddp.parameters(), lr=0.1)
    torch.manual_seed(100 + rank)  # different data on each rank
    for _ in range(3):
        inputs = torch.randn(8, 1, 1, 8, 20, 3)
        # Labels equal to the current predictions make every sample a true
        # positive, so every class prototype moves on every step.
        with torch.no_grad():
            preds = model.cls_head(model.extract_feat(inputs)[0]).argmax(1)
        samples = [ActionDataSample().set_gt_label(int(p)) for p in preds]
        losses = ddp(inputs, samples, mode='loss')
        optim.zero_grad()
        sum(v for k, v in losses.items() if 'loss' in k).backward()
        optim.step()
    # numpy arrays travel by value (tensors would go through shared memory
    # that vanishes when this process exits).
    end = {
        k: v.numpy().copy()
        for k, v in model.state_dict().items() if 'prototypes' in k
    }
    queue.put((rank, start, end))
    dist.barrier()
    dist.destroy_process_group()


def test_prototypes_identical_across_ranks():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_train_rank, args=(rank, 2, port, queue))
        for rank in range(2)
    ]
    for p in procs:
        p.start()
    results = dict((rank, (start, end))
                   for rank, start, end in (queue.get(timeout=300)
                                            for _ in procs))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    (start0, end0), (start1, end1) = results[0], results[1]
    assert end0.keys() == end1.keys() and len(end0) == 8
    for key in end0:
        np.testing.assert_array_equal(start0[key], start1[key])
        assert not np.array_equal(end0[key], start0[key]), key
        np.testing.assert_array_equal(end0[key], end1[key], err_msg=key)

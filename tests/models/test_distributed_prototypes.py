"""FR prototypes stay identical on every rank of a real gloo process group."""
import numpy as np
import torch
from _dist import run_ranks
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


def _train_rank(rank):
    from mmaction.registry import MODELS
    from torch.nn.parallel import DistributedDataParallel

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
    end = {
        k: v.numpy().copy()
        for k, v in model.state_dict().items() if 'prototypes' in k
    }
    return start, end


def test_prototypes_identical_across_ranks():
    results = run_ranks(_train_rank)
    (start0, end0), (start1, end1) = results[0], results[1]
    assert end0.keys() == end1.keys() and len(end0) == 8
    for key in end0:
        np.testing.assert_array_equal(start0[key], start1[key])
        assert not np.array_equal(end0[key], start0[key]), key
        np.testing.assert_array_equal(end0[key], end1[key], err_msg=key)

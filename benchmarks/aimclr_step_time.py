"""AimCLR pre-training step: mmfrhead vs a plain implementation, and data.

(a) One pre-training step at the NW-UCLA shape of
    ``configs/aimclr/aimclr_pretrain_ucla_j.py`` (50 frames, 20 joints, 1
    person, queue 512, momentum 0.99, T 0.07; AimCLR's ST-GCN at a quarter
    of the width, dropout 0.5, MLP 256-256-128): the three views, the query
    encoder on the normal and the extreme view (EADM on the latter), the
    momentum update and key forward, the queue, InfoNCE + the two D3M
    terms, backward and an SGD step (lr 0.1, momentum 0.9, weight decay
    1e-4, as AimCLR), without and with nearest-neighbour mining, for

    * mmfrhead: the config's :class:`~mmfrhead.models.selfsup.AimCLR`
      (``model.loss`` on ``(B, 3, M, T, V, C)``);
    * plain: :class:`PlainAimCLR` below, the same maths written the way
      AimCLR's code lays it out (``net/st_gcn.py``, ``net/att_drop.py``,
      ``net/aimclr.py``, see ``../shared/docs/aimclr-notes.md``): one
      encoder module holding the ST-GCN blocks, the edge importances and
      the MLP, whose ``forward(x, drop=True)`` also returns the EADM
      branch; the key encoder a second copy updated parameter by parameter;
      the queue a plain tensor; the losses written out.

    Both start from the same weights (the plain model's, put into mmfrhead's
    through ``mmfrhead.converters.convert_aimclr_stgcn``) and compute the
    same losses for the same inputs and seed
    (``tests/benchmarks/test_aimclr_step_time.py``).
(b) Samples/s of the three-view training pipeline of that config (its
    ``train_dataloader``, real NW-UCLA sequences, built by MMEngine's
    ``Runner.build_dataloader`` with the config's workers; and in one
    process, without workers) against the samples/s the mmfrhead step of
    (a) consumes. Issue 12 asks for at least 5x.

Medians over ``--repeats`` runs after ``--warmup``, the variants timed
round-robin so that a change of machine load hits all alike; process CPU
time next to wall time.

Usage::

    python benchmarks/aimclr_step_time.py [--threads 1] [--batch 16]
        [--repeats 3] [--data-batches 10] [--no-data]
"""
import argparse
import copy
import os.path as osp
import statistics
import time
from typing import Callable, Dict, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs', 'aimclr', 'aimclr_pretrain_ucla_j.py')
ANN_FILES = (osp.join(REPO, 'data', 'nw_ucla', 'nw_ucla_3d.pkl'),
             osp.join(osp.dirname(REPO), 'shared', 'data', 'nw_ucla',
                      'nw_ucla_3d.pkl'))
FRAMES = 50


# --------------------------------------------------------------------------
# The plain implementation (AimCLR's layout)
# --------------------------------------------------------------------------
class PlainBlock(nn.Module):
    """An ST-GCN block as ``net/st_gcn.py``: ``gcn.conv`` to ``K * C``
    channels and the einsum over the ``K`` subsets, then ``tcn`` = BN,
    ReLU, 9x1 conv, BN, dropout, plus the residual, then ReLU."""

    def __init__(self, in_channels: int, out_channels: int, subsets: int,
                 stride: int, dropout: float, residual: bool) -> None:
        super().__init__()
        self.subsets = subsets
        self.gcn = nn.Module()
        self.gcn.conv = nn.Conv2d(in_channels, subsets * out_channels, 1)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, (9, 1), (stride, 1),
                      (4, 0)), nn.BatchNorm2d(out_channels),
            nn.Dropout(dropout, inplace=True))
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, (stride, 1)),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: torch.Tensor, A: torch.Tensor) -> torch.Tensor:
        res = 0 if self.residual is None else self.residual(x)
        n, _, t, v = x.shape
        y = self.gcn.conv(x).view(n, self.subsets, -1, t, v)
        y = torch.einsum('nkctv,kvw->nctw', y, A)  # (N, C, T, V)
        return F.relu(self.tcn(y) + res)


class PlainEncoder(nn.Module):
    """AimCLR's ``net.st_gcn.Model`` with the MLP projector in ``fc``.

    Args:
        A (torch.Tensor): ``(K, V, V)`` adjacency of the spatial partition.
        in_channels (int): Coordinates. Defaults to 3.
        base_channels (int): Width of blocks 1-4 (AimCLR 16).
        out_channels (int): Width of block 10 (AimCLR's ``hidden_dim``).
        feat_dim (int): Embedding size (AimCLR 128).
        dropout (float): Dropout of blocks 2-10. Defaults to 0.5.
        keep_prob (float): EADM's threshold. Defaults to 0.7.
    """

    def __init__(self,
                 A: torch.Tensor,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 out_channels: int = 256,
                 feat_dim: int = 128,
                 dropout: float = 0.5,
                 keep_prob: float = 0.7) -> None:
        super().__init__()
        self.register_buffer('A', A.clone())
        subsets, joints = A.shape[:2]
        self.data_bn = nn.BatchNorm1d(in_channels * joints)
        b = base_channels
        widths = [in_channels, b, b, b, b, 2 * b, 2 * b, 2 * b, 4 * b, 4 * b,
                  out_channels]
        self.st_gcn_networks = nn.ModuleList(
            PlainBlock(widths[i], widths[i + 1], subsets,
                       2 if i in (4, 7) else 1, 0. if i == 0 else dropout,
                       residual=i > 0) for i in range(10))
        self.edge_importance = nn.ParameterList(
            nn.Parameter(torch.ones(A.shape)) for _ in range(10))
        self.fc = nn.Sequential(
            nn.Linear(out_channels, out_channels), nn.ReLU(),
            nn.Linear(out_channels, feat_dim))
        self.keep_prob = keep_prob

    def eadm(self, x: torch.Tensor) -> torch.Tensor:
        """``Simam_Drop`` of ``net/att_drop.py`` (the fixed release): SimAM
        attention, then the joint drop and the element drop, each
        rescaled over the batch."""
        n = x.shape[2] * x.shape[3] - 1
        d = (x - x.mean(dim=[2, 3], keepdim=True)).pow(2)
        att = torch.sigmoid(d / (4 * (d.sum(dim=[2, 3], keepdim=True) / n +
                                      1e-4)) + 0.5).detach()
        joint = (att.mean(dim=1).mean(dim=1) < self.keep_prob).float()
        x = x * joint[:, None, None, :] * (joint.numel() / joint.sum())
        elem = (att < self.keep_prob).float()
        return x * elem * (elem.numel() / elem.sum())

    def project(self, x: torch.Tensor, N: int, M: int) -> torch.Tensor:
        x = F.avg_pool2d(x, x.size()[2:]).view(N, M, -1).mean(dim=1)
        return self.fc(x)

    def forward(self, x: torch.Tensor, drop: bool = False):
        """Embeddings of ``(N, C, T, V, M)``; with ``drop`` also those of
        the EADM branch."""
        N, C, T, V, M = x.size()
        x = x.permute(0, 4, 3, 1, 2).contiguous().view(N * M, V * C, T)
        x = self.data_bn(x)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2).contiguous()
        x = x.view(N * M, C, T, V)
        for block, importance in zip(self.st_gcn_networks,
                                     self.edge_importance):
            x = block(x, self.A * importance)
        if not drop:
            return self.project(x, N, M)
        return self.project(x, N, M), self.project(self.eadm(x), N, M)


class PlainAimCLR(nn.Module):
    """AimCLR's ``net/aimclr.py``: query and key encoders, queue, losses.

    Args:
        encoder (PlainEncoder): The query encoder; the key encoder starts
            as a copy of it (as mmfrhead's ``key_init='copy'``).
        queue_size (int): Negatives K.
        momentum (float): Key-encoder momentum m.
        temperature (float): T.
    """

    def __init__(self, encoder: PlainEncoder, queue_size: int,
                 momentum: float, temperature: float) -> None:
        super().__init__()
        self.encoder_q = encoder
        self.encoder_k = copy.deepcopy(encoder).requires_grad_(False)
        self.m, self.T, self.K = momentum, temperature, queue_size
        feat_dim = encoder.fc[-1].out_features
        self.register_buffer(
            'queue', F.normalize(torch.randn(feat_dim, queue_size), dim=0))
        self.register_buffer('queue_ptr', torch.zeros(1, dtype=torch.long))

    def forward(self, im_q_extreme: torch.Tensor, im_q: torch.Tensor,
                im_k: torch.Tensor, nnm: bool = False) -> Dict:
        """The three losses of ``(N, C, T, V, M)`` views."""
        q = F.normalize(self.encoder_q(im_q), dim=1)
        q_e, q_ed = self.encoder_q(im_q_extreme, drop=True)
        q_e, q_ed = F.normalize(q_e, dim=1), F.normalize(q_ed, dim=1)
        with torch.no_grad():
            for k_param, q_param in zip(self.encoder_k.parameters(),
                                        self.encoder_q.parameters()):
                k_param.mul_(self.m).add_(q_param.detach(), alpha=1 - self.m)
            k = F.normalize(self.encoder_k(im_k), dim=1)
        queue = self.queue.clone().detach()
        logits, neg = [], []
        for a in (q, q_e, q_ed):
            l_pos = torch.einsum('nc,nc->n', a, k).unsqueeze(-1)
            l_neg = torch.einsum('nc,ck->nk', a, queue)
            logits.append(torch.cat([l_pos, l_neg], dim=1) / self.T)
            neg.append(l_neg.detach())
        if nnm:  # the key and the top-1 queue entry of each branch
            mask = torch.zeros_like(logits[0])
            mask[:, 0] = 1
            for l_neg in neg:
                mask[:, 1:].scatter_(1, l_neg.topk(1, dim=1).indices, 1)
            loss = -(mask * F.log_softmax(logits[0], dim=1)).sum(1)
            loss_infonce = (loss / mask.sum(1)).mean()
        else:
            labels = torch.zeros(len(q), dtype=torch.long)
            loss_infonce = F.cross_entropy(logits[0], labels)
        # loss = InfoNCE + (L_e + L_ed) / 2 (pretrain_aimclr.py)
        target = F.softmax(logits[0], dim=1).detach()
        d3m = [
            -(target * F.log_softmax(z, dim=1)).sum(1).mean() / 2
            for z in logits[1:]
        ]
        ptr = int(self.queue_ptr)
        self.queue[:, ptr:ptr + len(k)] = k.t()
        self.queue_ptr[0] = (ptr + len(k)) % self.K
        return dict(
            loss_infonce=loss_infonce, loss_d3m_e=d3m[0], loss_d3m_ed=d3m[1])


# --------------------------------------------------------------------------
# Building both from the config, with the same weights
# --------------------------------------------------------------------------
def model_cfg(**changes) -> dict:
    """The model of ``aimclr_pretrain_ucla_j.py``, with ``changes`` to the
    backbone (``base_channels``, ``out_channels``), the neck (``hid`` and
    ``feat``) or the top level (``queue_size``)."""
    from mmengine.config import Config
    cfg = Config.fromfile(CONFIG).model
    for key in ('base_channels', 'out_channels'):
        if key in changes:
            cfg.backbone[key] = changes.pop(key)
    cfg.neck.in_channels = cfg.backbone.get('out_channels', 256)
    cfg.neck.hid_channels = changes.pop('hid', cfg.neck.in_channels)
    cfg.neck.out_channels = changes.pop('feat', cfg.neck.out_channels)
    cfg.update(changes)
    return cfg.to_dict()


def build_pair(seed: int = 0, **changes) -> Tuple[nn.Module, PlainAimCLR]:
    """mmfrhead's AimCLR of the config and a :class:`PlainAimCLR`, both
    with the plain model's random weights, queue included."""
    from mmaction.registry import MODELS

    from mmfrhead.converters import convert_aimclr_stgcn
    cfg = model_cfg(**changes)
    torch.manual_seed(seed)
    model = MODELS.build(cfg)  # its weights: the plain model's, below
    backbone, neck = cfg['backbone'], cfg['neck']
    encoder = PlainEncoder(
        model.backbone.gcn[0].gcn.A,
        base_channels=backbone.get('base_channels', 16),
        out_channels=backbone.get('out_channels', 256),
        feat_dim=neck['out_channels'],
        dropout=backbone.get('dropout', 0.5),
        keep_prob=cfg['eadm']['keep_prob'])
    plain = PlainAimCLR(encoder, cfg['queue_size'], cfg['momentum'],
                        cfg['temperature'])
    model.load_state_dict(
        convert_aimclr_stgcn(plain.state_dict(), 'PlainAimCLR'))
    return model.train(), plain.train()


def views(batch: int, joints: int = 20, frames: int = FRAMES,
          seed: int = 0) -> torch.Tensor:
    """Random views ``(B, 3, M, T, V, C)`` (extreme, query, key)."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, 1, frames, joints, 3, generator=g)


def as_aimclr(inputs: torch.Tensor):
    """The three ``(N, C, T, V, M)`` views of ``(B, 3, M, T, V, C)``."""
    return [v.permute(0, 4, 2, 3, 1).contiguous() for v in inputs.unbind(1)]


def loss_fns(model: nn.Module, plain: PlainAimCLR, inputs: torch.Tensor):
    """``(nnm) -> losses`` of each implementation on the same views."""
    plain_inputs = as_aimclr(inputs)

    def mmfrhead_losses(nnm: bool) -> Dict:
        model.nnm = nnm
        return model.loss(inputs)

    def plain_losses(nnm: bool) -> Dict:
        return plain(*plain_inputs, nnm=nnm)

    return dict(mmfrhead=mmfrhead_losses, plain=plain_losses)


def train_steps(model: nn.Module, plain: PlainAimCLR,
                inputs: torch.Tensor) -> Dict[str, Callable[[], None]]:
    """One SGD step (AimCLR's optimiser) per implementation and NNM
    setting."""
    fns = loss_fns(model, plain, inputs)
    steps = {}
    for name, module in (('mmfrhead', model), ('plain', plain)):
        params = [p for p in module.parameters() if p.requires_grad]
        optim = torch.optim.SGD(
            params, lr=0.1, momentum=0.9, weight_decay=1e-4)
        for nnm in (False, True):

            def step(fn=fns[name], optim=optim, nnm=nnm):
                optim.zero_grad()
                sum(fn(nnm).values()).backward()
                optim.step()

            steps[f"{name}{', NNM' if nnm else ''}"] = step
    return steps


def round_robin(steps: Dict[str, Callable[[], None]], repeats: int,
                warmup: int) -> Dict[str, Dict[str, float]]:
    """Median wall / CPU seconds of every step, timed in turn."""
    wall = {name: [] for name in steps}
    cpu = {name: [] for name in steps}
    for i in range(warmup + repeats):
        for name, step in steps.items():
            t0, c0 = time.perf_counter(), time.process_time()
            step()
            if i >= warmup:
                wall[name].append(time.perf_counter() - t0)
                cpu[name].append(time.process_time() - c0)
    return {
        name: dict(
            wall=statistics.median(wall[name]),
            cpu=statistics.median(cpu[name]))
        for name in steps
    }


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
def pipeline_throughput(ann_file: str, batches: int,
                        workers: int) -> Tuple[float, int]:
    """Samples/s of the config's three-view training loader, built by
    ``Runner.build_dataloader`` (``workers`` processes; 0: in this one),
    after the first batch (worker start-up)."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CONFIG).train_dataloader
    cfg.dataset.ann_file = ann_file
    cfg.num_workers = workers
    cfg.persistent_workers = workers > 0
    loader = Runner.build_dataloader(cfg.to_dict(), seed=0)
    it = iter(loader)
    next(it)
    n, start = 0, time.perf_counter()
    for _ in range(batches):
        try:
            batch = next(it)
        except StopIteration:
            it = iter(loader)
            batch = next(it)
        n += len(batch['inputs'])
    rate = n / (time.perf_counter() - start)
    del it, loader
    return rate, cfg.batch_size


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--data-batches', type=int, default=10)
    parser.add_argument('--no-data', action='store_true')
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    from mmfrhead.utils import register_all_modules
    register_all_modules()

    model, plain = build_pair()
    times = round_robin(
        train_steps(model, plain, views(args.batch)), args.repeats,
        args.warmup)
    print(f'AimCLR pre-training step, NW-UCLA shape of '
          f'aimclr_pretrain_ucla_j.py: batch {args.batch}, {FRAMES} frames,'
          f' 20 joints, queue {model.queue.size}; {args.threads} '
          f'thread(s), median of {args.repeats}\n')
    print('| step | wall ms | CPU ms | ms / sample (wall) '
          '| mmfrhead / plain (wall, CPU) |')
    print('| --- | ---: | ---: | ---: | ---: |')
    for name, t in times.items():
        ref = times['plain, NNM' if 'NNM' in name else 'plain']
        print(f"| {name} | {t['wall'] * 1e3:.0f} | {t['cpu'] * 1e3:.0f} | "
              f"{t['wall'] * 1e3 / args.batch:.1f} | "
              f"{t['wall'] / ref['wall']:.2f}, {t['cpu'] / ref['cpu']:.2f} |")
    if args.no_data:
        return
    ann_file = next((f for f in ANN_FILES if osp.exists(f)), None)
    if ann_file is None:
        print(f'\nno NW-UCLA annotation file (make one of {ANN_FILES})')
        return
    wall = args.batch / times['mmfrhead']['wall']
    cpu = args.batch / times['mmfrhead']['cpu']
    from mmengine.config import Config
    workers = Config.fromfile(CONFIG).train_dataloader.num_workers
    print(f'\nThree-view pipeline of aimclr_pretrain_ucla_j.py on '
          f'{ann_file}, {args.data_batches} batches; the mmfrhead step above '
          f'consumes {wall:.1f} samples/s of wall time, {cpu:.1f} of CPU '
          'time (about what an idle machine reaches)\n')
    print('| loader | samples/s | / consumed (wall, CPU) |')
    print('| --- | ---: | ---: |')
    for n in (workers, 0):
        rate, batch = pipeline_throughput(ann_file, args.data_batches, n)
        print(f'| batch {batch}, {n} workers | {rate:.0f} | '
              f'{rate / wall:.0f}x, {rate / cpu:.0f}x |')


if __name__ == '__main__':
    main()

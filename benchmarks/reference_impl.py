"""A straightforward CTR-GCN + FR Head: the yardstick of the benchmarks.

Written from the descriptions of the original code (CTR-GCN
``model/ctrgcn.py`` and FR-Head ``model/lib.py``, see
``docs/reference-notes.md`` sections 1.3, 1.4 and 2), computing the same maths
as mmfrhead in the layout the original uses:

* one CTR-GC module per graph subset, with four separate 1x1 convolutions;
  the relation convolutions run on the full ``(N, C, T, V)`` tensor and are
  averaged over time afterwards; a Python loop over the subsets sums
  ``einsum('ncuv,nctv->nctu')``;
* the multi-scale TCN with four independent branches;
* an FR head whose contrastive nets work in the ``[K, N]`` score layout, with
  one-hot masks, per-class means as ``f @ L1-normalised mask`` and the
  prototypes stored ``[H, K]``.

It is not part of the package, and differs from the package's plain blocks
(``mmfrhead.models.utils.ctrgcn_utils``, one convolution per role) in that
layout only: :func:`build_mmfrhead` builds the mmfrhead model of a shape
(either ``impl``) and :func:`load_from_mmfrhead` copies its weights into
this one, so that both compute the same function, which
``tests/benchmarks/test_reference_equivalence.py`` checks and
``benchmarks/step_time.py`` times.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# --------------------------------------------------------------------------
# CTR-GCN
# --------------------------------------------------------------------------


class RefCTRGC(nn.Module):
    """CTR-GC of one subset: conv1/conv2 (relations), conv3 (values), conv4
    (relation channels -> output channels)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        rel = 8 if in_channels in (3, 9) else in_channels // 8
        self.conv1 = nn.Conv2d(in_channels, rel, 1)
        self.conv2 = nn.Conv2d(in_channels, rel, 1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, 1)
        self.conv4 = nn.Conv2d(rel, out_channels, 1)

    def forward(self, x, A, alpha):
        x1 = self.conv1(x).mean(-2)  # (N, R, V)
        x2 = self.conv2(x).mean(-2)
        x3 = self.conv3(x)  # (N, O, T, V)
        x1 = torch.tanh(x1.unsqueeze(-1) - x2.unsqueeze(-2))  # (N, R, V, V)
        x1 = self.conv4(x1) * alpha + A.unsqueeze(0).unsqueeze(0)
        return torch.einsum('ncuv,nctv->nctu', x1, x3)


class RefUnitGCN(nn.Module):

    def __init__(self, in_channels, out_channels, A):
        super().__init__()
        self.PA = nn.Parameter(A.clone())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.convs = nn.ModuleList(
            [RefCTRGC(in_channels, out_channels) for _ in range(A.size(0))])
        self.bn = nn.BatchNorm2d(out_channels)
        if in_channels != out_channels:
            self.down = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1),
                nn.BatchNorm2d(out_channels))
        else:
            self.down = None
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        y = None
        for i, conv in enumerate(self.convs):
            z = conv(x, self.PA[i], self.alpha)
            y = z if y is None else y + z
        y = self.bn(y)
        y = y + (x if self.down is None else self.down(x))
        return self.relu(y)


class RefTemporalConv(nn.Module):

    def __init__(self,
                 in_channels,
                 out_channels,
                 kernel_size,
                 stride=1,
                 dilation=1):
        super().__init__()
        pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2
        self.conv = nn.Conv2d(
            in_channels,
            out_channels, (kernel_size, 1),
            padding=(pad, 0),
            stride=(stride, 1),
            dilation=(dilation, 1))
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return self.bn(self.conv(x))


class RefMultiScaleTCN(nn.Module):
    """Four independent branches: two dilated temporal convs, max-pool and a
    strided 1x1, each behind its own 1x1 reduction."""

    def __init__(self,
                 in_channels,
                 out_channels,
                 kernel_size=5,
                 stride=1,
                 dilations=(1, 2)):
        super().__init__()
        mid = out_channels // (len(dilations) + 2)
        self.branches = nn.ModuleList()
        for d in dilations:
            self.branches.append(
                nn.Sequential(
                    nn.Conv2d(in_channels, mid, 1), nn.BatchNorm2d(mid),
                    nn.ReLU(inplace=True),
                    RefTemporalConv(mid, mid, kernel_size, stride, d)))
        self.branches.append(
            nn.Sequential(
                nn.Conv2d(in_channels, mid, 1), nn.BatchNorm2d(mid),
                nn.ReLU(inplace=True), nn.MaxPool2d((3, 1),
                                                    (stride, 1), (1, 0)),
                nn.BatchNorm2d(mid)))
        self.branches.append(
            nn.Sequential(
                nn.Conv2d(in_channels, mid, 1, stride=(stride, 1)),
                nn.BatchNorm2d(mid)))

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


class RefBlock(nn.Module):

    def __init__(self, in_channels, out_channels, A, stride=1, residual=True):
        super().__init__()
        self.gcn1 = RefUnitGCN(in_channels, out_channels, A)
        self.tcn1 = RefMultiScaleTCN(out_channels, out_channels, stride=stride)
        self.relu = nn.ReLU(inplace=True)
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1)),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        y = self.tcn1(self.gcn1(x))
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)


# --------------------------------------------------------------------------
# FR Head (RenovateNet / ST_RenovateNet)
# --------------------------------------------------------------------------


class RefRenovateNet(nn.Module):
    """Contrastive refinement in the reference's ``[K, N]`` layout."""

    def __init__(self,
                 n_channel,
                 n_class,
                 h_channel=256,
                 alp=0.125,
                 tmp=0.125,
                 mom=0.9,
                 version='V0',
                 pred_threshold=0.,
                 use_p_map=True):
        super().__init__()
        self.n_class, self.h_channel = n_class, h_channel
        self.alp, self.tmp, self.mom = alp, tmp, mom
        self.version = version
        self.pred_threshold = pred_threshold
        self.use_p_map = use_p_map
        self.cl_fc = nn.Linear(n_channel, h_channel)
        # Prototypes [H, K]; a buffer here only so that .to() moves them.
        self.register_buffer('avg_f', torch.randn(h_channel, n_class))

    def onehot(self, label, like):  # [N] -> [N, K]
        eye = torch.eye(self.n_class, dtype=like.dtype, device=like.device)
        return eye[label]

    def get_mask_fn_fp(self, lbl_one, pred_one, logit):
        tp = lbl_one * pred_one
        fn = lbl_one - tp
        fp = pred_one - tp
        tp = tp * (logit > self.pred_threshold).to(tp.dtype)
        has_fn = (fn.sum(0).unsqueeze(1) > 0).to(fn.dtype)  # [K, 1]
        has_fp = (fp.sum(0).unsqueeze(1) > 0).to(fp.dtype)
        return tp, fn, fp, has_fn, has_fp

    def local_avg_tp_fn_fp(self, f, mask, fn, fp):
        f = f.t()  # [H, N]
        f_fn = f @ F.normalize(fn, p=1, dim=0)  # per-class means [H, K]
        f_fp = f @ F.normalize(fp, p=1, dim=0)
        count = mask.sum(0)  # [K]
        f_mask = (f @ mask) / count.clamp(min=1)  # [H, K]
        avg_f = self.avg_f.detach()
        has_tp = (count > 0).unsqueeze(0)  # [1, K]
        f_mem = torch.where(has_tp, self.mom * avg_f + (1 - self.mom) * f_mask,
                            avg_f)
        with torch.no_grad():
            if self.training:
                self.avg_f = f_mem.detach().clone()
        return f_mem, f_fn, f_fp

    def get_score(self, feature, lbl_one, logit, f_mem, f_fn, f_fp, mask,
                  has_fn, has_fp):
        feature = F.normalize(feature, p=2, dim=1)  # [N, H]
        f_mem = F.normalize(f_mem, p=2, dim=0)  # [H, K]
        f_fn = F.normalize(f_fn, p=2, dim=0)
        f_fp = F.normalize(f_fp, p=2, dim=0)
        score_mem = f_mem.t() @ feature.t()  # [K, N]
        if self.use_p_map:
            p_map = (1 - logit) * lbl_one * self.alp  # [N, K]
        else:
            p_map = lbl_one * self.alp
        if self.version == 'V1':
            p_map = p_map * mask
        score_fn = f_fn.t() @ feature.t() - 1  # [K, N]
        fn_map = score_fn * p_map.t() * has_fn
        score_fp = -(f_fp.t() @ feature.t()) - 1
        fp_map = score_fp * p_map.t() * has_fp
        return ((score_mem + fn_map) / self.tmp,
                (score_mem + fp_map) / self.tmp)

    def forward(self, feature, lbl, logit):
        feature = self.cl_fc(feature)
        pred = logit.max(1)[1]
        pred_one = self.onehot(pred, feature)
        lbl_one = self.onehot(lbl, feature)
        logit = torch.softmax(logit, 1)
        mask, fn, fp, has_fn, has_fp = self.get_mask_fn_fp(
            lbl_one, pred_one, logit)
        f_mem, f_fn, f_fp = self.local_avg_tp_fn_fp(feature, mask, fn, fp)
        logits_fn, logits_fp = self.get_score(feature, lbl_one, logit, f_mem,
                                              f_fn, f_fp, mask, has_fn, has_fp)
        ce = nn.CrossEntropyLoss(reduction='none')
        return (ce(logits_fn.t(), lbl) + ce(logits_fp.t(), lbl)).mean()


class RefSTRenovateNet(nn.Module):
    """Spatial / temporal decoupling of one stage (Conv2d + BN + ReLU)."""

    def __init__(self,
                 n_channel,
                 n_frame,
                 n_joint,
                 n_person,
                 h_channel=256,
                 **kwargs):
        super().__init__()
        self.n_channel, self.n_frame = n_channel, n_frame
        self.n_joint, self.n_person = n_joint, n_person
        self.spatio_squeeze = nn.Sequential(
            nn.Conv2d(n_channel, h_channel // n_joint, 1),
            nn.BatchNorm2d(h_channel // n_joint), nn.ReLU(True))
        self.tempor_squeeze = nn.Sequential(
            nn.Conv2d(n_channel, h_channel // n_frame, 1),
            nn.BatchNorm2d(h_channel // n_frame), nn.ReLU(True))
        self.ren_spatio = RefRenovateNet(
            h_channel // n_joint * n_joint, h_channel=h_channel, **kwargs)
        self.ren_tempor = RefRenovateNet(
            h_channel // n_frame * n_frame, h_channel=h_channel, **kwargs)

    def forward(self, raw_feat, lbl, logit):
        raw_feat = raw_feat.view(-1, self.n_person, self.n_channel,
                                 self.n_frame, self.n_joint)
        spatio = raw_feat.mean(1).mean(-2, keepdim=True)  # (N, C, 1, V)
        spatio = self.spatio_squeeze(spatio).flatten(1)
        tempor = raw_feat.mean(1).mean(-1, keepdim=True)  # (N, C, T, 1)
        tempor = self.tempor_squeeze(tempor).flatten(1)
        return (self.ren_spatio(spatio, lbl, logit) +
                self.ren_tempor(tempor, lbl, logit))


# --------------------------------------------------------------------------
# Whole model
# --------------------------------------------------------------------------


class RefModel(nn.Module):
    """CTR-GCN (+ the FR heads when ``use_fr``), input ``(N, M, T, V, C)``.

    ``forward(x)`` returns the logits; ``forward(x, label, get_cl_loss=True)``
    returns ``(logits, cl_loss)`` with
    ``cl_loss = sum_s multi_cl_weights[s] * cl_s`` as the reference.
    """

    def __init__(self,
                 A: torch.Tensor,
                 num_class: int,
                 num_person: int,
                 num_frame: int,
                 in_channels: int = 3,
                 use_fr: bool = False,
                 multi_cl_weights: Sequence[float] = (0.1, 0.2, 0.5, 1.0),
                 cl_kwargs: Optional[dict] = None) -> None:
        super().__init__()
        A = torch.as_tensor(A, dtype=torch.float32)
        V = A.size(1)
        self.num_person = num_person
        self.data_bn = nn.BatchNorm1d(num_person * in_channels * V)
        C = 64
        self.l1 = RefBlock(in_channels, C, A, residual=False)
        self.l2 = RefBlock(C, C, A)
        self.l3 = RefBlock(C, C, A)
        self.l4 = RefBlock(C, C, A)
        self.l5 = RefBlock(C, 2 * C, A, stride=2)
        self.l6 = RefBlock(2 * C, 2 * C, A)
        self.l7 = RefBlock(2 * C, 2 * C, A)
        self.l8 = RefBlock(2 * C, 4 * C, A, stride=2)
        self.l9 = RefBlock(4 * C, 4 * C, A)
        self.l10 = RefBlock(4 * C, 4 * C, A)
        self.fc = nn.Linear(4 * C, num_class)
        self.use_fr = use_fr
        self.multi_cl_weights = tuple(multi_cl_weights)
        if use_fr:
            kw = dict(n_class=num_class, **(cl_kwargs or {}))
            T = num_frame
            self.ren_low = RefSTRenovateNet(C, T, V, num_person, **kw)
            self.ren_mid = RefSTRenovateNet(2 * C, T // 2, V, num_person, **kw)
            self.ren_high = RefSTRenovateNet(4 * C, T // 4, V, num_person,
                                             **kw)
            self.ren_fin = RefSTRenovateNet(4 * C, T // 4, V, num_person, **kw)

    def forward(self, x, label=None, get_cl_loss=False):
        N, M, T, V, C = x.shape
        x = x.permute(0, 1, 3, 4, 2).contiguous().view(N, M * V * C, T)
        x = self.data_bn(x)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2).contiguous()
        x = x.view(N * M, C, T, V)
        x = self.l1(x)
        feat_low = x.clone()
        x = self.l4(self.l3(self.l2(x)))
        x = self.l5(x)
        feat_mid = x.clone()
        x = self.l7(self.l6(x))
        x = self.l8(x)
        feat_high = x.clone()
        x = self.l10(self.l9(x))
        feat_fin = x.clone()
        c_new = x.size(1)
        x = x.view(N, M, c_new, -1).mean(3).mean(1)
        logits = self.fc(x)
        if not (get_cl_loss and self.use_fr):
            return logits
        lg = logits.detach()
        lbl = label.detach()
        cl = (
            self.ren_low(feat_low, lbl, lg) * self.multi_cl_weights[0] +
            self.ren_mid(feat_mid, lbl, lg) * self.multi_cl_weights[1] +
            self.ren_high(feat_high, lbl, lg) * self.multi_cl_weights[2] +
            self.ren_fin(feat_fin, lbl, lg) * self.multi_cl_weights[3])
        return logits, cl

    def train_loss(self, x, label, w_cl_loss: float = 0.1) -> torch.Tensor:
        """``CE(logits, label) + w_cl_loss * cl_loss`` (main.py's
        ``full_loss``); plain CE without the FR heads."""
        if not self.use_fr:
            return F.cross_entropy(self(x), label)
        logits, cl = self(x, label, get_cl_loss=True)
        return F.cross_entropy(logits, label) + w_cl_loss * cl


def build_mmfrhead(layout: str,
                   num_person: int,
                   num_frames: int,
                   num_joints: int,
                   num_classes: int,
                   with_fr: bool,
                   impl: str = 'fast') -> nn.Module:
    """mmfrhead's CTR-GCN recognizer (``FRRecognizer`` with FR Head on the
    blocks 1, 5, 8 and 10 when ``with_fr``, else ``RecognizerGCN``), built
    from a config dict as in the configs, with the backbone's ``impl``."""
    from mmaction.registry import MODELS
    cfg = dict(
        type='FRRecognizer' if with_fr else 'RecognizerGCN',
        backbone=dict(
            type='CTRGCN',
            graph_cfg=dict(layout=layout),
            num_person=num_person,
            impl=impl),
        cls_head=dict(
            type='GCNHead', num_classes=num_classes, in_channels=256))
    if with_fr:
        cfg.update(
            fr_head=dict(type='FRHead', num_classes=num_classes),
            taps=('gcn.0', 'gcn.4', 'gcn.7', 'gcn.9'),
            clip_shape=(num_person, num_frames, num_joints, 3))
    return MODELS.build(cfg)


def build_reference(model: nn.Module,
                    num_frame: int) -> Tuple[RefModel, float]:
    """A :class:`RefModel` shaped like ``model`` (an mmfrhead
    ``RecognizerGCN`` / ``FRRecognizer`` with a ``CTRGCN`` backbone and a
    ``GCNHead``), with its weights; returns it and the FR loss weight."""
    backbone = model.backbone
    A = backbone.gcn[0].gcn.PA.detach()
    fr = getattr(model, 'fr_head', None)
    cl_kwargs = None
    if fr is not None:
        loss = fr.spatial_losses[0]
        cl_kwargs = dict(
            alp=loss.alpha,
            tmp=loss.temperature,
            mom=loss.memory.momentum,
            version=loss.version,
            pred_threshold=loss.pred_threshold,
            use_p_map=loss.confidence_weighting)
    ref = RefModel(
        A,
        model.cls_head.num_classes,
        backbone.num_person,
        num_frame,
        in_channels=backbone.in_channels,
        use_fr=fr is not None,
        multi_cl_weights=fr.stage_weights if fr is not None else
        (0.1, 0.2, 0.5, 1.0),
        cl_kwargs=cl_kwargs)
    load_from_mmfrhead(ref, model)
    return ref, (fr.loss_weight if fr is not None else 0.)


# --------------------------------------------------------------------------
# Weight transfer
# --------------------------------------------------------------------------


def _copy(dst: torch.Tensor, src: torch.Tensor) -> None:
    dst.data.copy_(src.detach().reshape(dst.shape))


def _copy_module(dst: nn.Module, src: nn.Module) -> None:
    """Copy parameters and buffers of modules with the same structure."""
    dst_state = dst.state_dict()
    for name, value in src.state_dict().items():
        _copy(dst_state[name], value)


@torch.no_grad()
def _load_ctrgc(ref_unit: RefUnitGCN, ctrgc: nn.Module) -> None:
    """Split mmfrhead's batched CTR-GC convolutions into one module per
    subset (layout documented in ``mmfrhead.models.utils.ctrgcn_utils``:
    ``rel_conv`` = [phi_0..phi_{S-1}, psi_0..psi_{S-1}] blocks of R
    channels; ``topo_conv`` and ``value_conv`` = S blocks of O channels)."""
    S, R, O = ctrgc.num_subsets, ctrgc.rel_channels, ctrgc.out_channels
    rel_w, rel_b = ctrgc.rel_conv.weight, ctrgc.rel_conv.bias
    for s, conv in enumerate(ref_unit.convs):
        phi = slice(s * R, (s + 1) * R)
        psi = slice((S + s) * R, (S + s + 1) * R)
        out = slice(s * O, (s + 1) * O)
        _copy(conv.conv1.weight, rel_w[phi])
        _copy(conv.conv1.bias, rel_b[phi])
        _copy(conv.conv2.weight, rel_w[psi])
        _copy(conv.conv2.bias, rel_b[psi])
        _copy(conv.conv4.weight, ctrgc.topo_conv.weight[out])
        _copy(conv.conv4.bias, ctrgc.topo_conv.bias[out])
        _copy(conv.conv3.weight, ctrgc.value_conv.weight[out])
        _copy(conv.conv3.bias, ctrgc.value_conv.bias[out])


@torch.no_grad()
def _load_tcn(ref_tcn: RefMultiScaleTCN, tcn: nn.Module) -> None:
    """Copy mmfrhead's ``MultiScaleTCN`` into the four reference branches:
    its fused ``reduce`` conv holds the 1x1 reduction of branch ``b`` in
    rows ``[b * mid, (b + 1) * mid)``, ``branches[b]`` the rest."""
    mid = tcn.mid
    w, b = tcn.reduce.weight, tcn.reduce.bias
    for i, (ref_branch,
            branch) in enumerate(zip(ref_tcn.branches, tcn.branches)):
        rows = slice(i * mid, (i + 1) * mid)
        _copy(ref_branch[0].weight, w[rows])
        _copy(ref_branch[0].bias, b[rows])
        _copy_module(ref_branch[1], branch[0])  # batch norm of the reduction
        if i < len(tcn.branches) - 2:  # dilated: ReLU, TemporalConv
            _copy_module(ref_branch[3].conv, branch[2][0])
            _copy_module(ref_branch[3].bn, branch[2][1])
        elif i == len(tcn.branches) - 2:  # max-pool: ReLU, pool, BN
            _copy_module(ref_branch[4], branch[3])


@torch.no_grad()
def load_from_mmfrhead(ref_model: RefModel, model: nn.Module) -> RefModel:
    """Copy the weights (parameters and buffers: batch-norm statistics and
    FR prototypes) of an mmfrhead recognizer (either ``impl``) into
    ``ref_model``."""
    backbone = model.backbone
    _copy_module(ref_model.data_bn, backbone.data_bn)
    ref_blocks = [getattr(ref_model, f'l{i}') for i in range(1, 11)]
    for ref_block, block in zip(ref_blocks, backbone.gcn):
        gcn, ref_gcn = block.gcn, ref_block.gcn1
        _copy(ref_gcn.PA, gcn.PA)
        _copy(ref_gcn.alpha, gcn.alpha)
        _load_ctrgc(ref_gcn, gcn.ctrgc)
        _copy_module(ref_gcn.bn, gcn.bn)
        if ref_gcn.down is not None:
            _copy_module(ref_gcn.down, gcn.down)
        _load_tcn(ref_block.tcn1, block.tcn)
        if isinstance(ref_block.residual, nn.Sequential):
            _copy_module(ref_block.residual, block.residual)
    _copy_module(ref_model.fc, model.cls_head.fc)
    fr = getattr(model, 'fr_head', None)
    if ref_model.use_fr and fr is not None:
        stages = (ref_model.ren_low, ref_model.ren_mid, ref_model.ren_high,
                  ref_model.ren_fin)
        for s, ref_stage in enumerate(stages):
            for ref_sq, sq in ((ref_stage.spatio_squeeze, fr.spatial[s]),
                               (ref_stage.tempor_squeeze, fr.temporal[s])):
                _copy(ref_sq[0].weight, sq[0].weight)
                _copy(ref_sq[0].bias, sq[0].bias)
                _copy_module(ref_sq[1], sq[1])
            for ref_ren, loss in ((ref_stage.ren_spatio, fr.spatial_losses[s]),
                                  (ref_stage.ren_tempor,
                                   fr.temporal_losses[s])):
                _copy_module(ref_ren.cl_fc, loss.projection)
                ref_ren.avg_f = loss.memory.prototypes.detach().t().clone()
    return ref_model

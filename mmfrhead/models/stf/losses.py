"""The four losses of STF (Ke, Peng, Lyu, AAAI 2022), one class each.

The paper names them and says what each asks for [P]; their formulas are
not in the available text [U]. Each default below is tagged as in
``docs/stf-notes.md`` ([R] lineage: GAIN, Sharpen Focus; [S] ours). Every
loss has a ``loss_weight`` and a ``start_epoch`` (both [U]/[S]): it is
computed only from that epoch on. :class:`STFRecognizer` builds them
through the ``MODELS`` registry.
"""
from contextlib import contextmanager
from typing import Iterator, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

FOCUS_CLASSES = ('pred', 'label')


def _check(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValueError(f'{name} must be one of {tuple(allowed)}, '
                         f'got {value!r}')


def resample_time(focus: torch.Tensor, frames: int,
                  mode: str = 'nearest') -> torch.Tensor:
    """Resample focus maps ``(N, M, T_k, V)`` to ``(N, M, frames, V)``.

    ``mode`` is ``'nearest'`` or ``'linear'`` (along time only).
    """
    N, M, T, V = focus.shape
    if T == frames:
        return focus
    mode = 'bilinear' if mode == 'linear' else mode
    out = F.interpolate(
        focus.reshape(N * M, 1, T, V),
        size=(frames, V),
        mode=mode,
        **(dict(align_corners=False) if mode == 'bilinear' else {}))
    return out.view(N, M, frames, V)


class STFLoss(nn.Module):
    """Weight and start epoch of an STF loss.

    Args:
        loss_weight (float): Weight of the loss [U]. Defaults to 1.0.
        start_epoch (int): First epoch (0-based) the loss is computed [S].
            Defaults to 0.
    """

    def __init__(self, loss_weight: float = 1.0, start_epoch: int = 0) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.start_epoch = start_epoch

    def active(self, epoch: int) -> bool:
        """Whether the loss is computed in ``epoch``."""
        return self.loss_weight != 0 and epoch >= self.start_epoch


@MODELS.register_module()
class STFExplorationLoss(STFLoss):
    """L_e: the originally predicted class must not survive masking its focus.

    [P] The input is masked where the focus of the predicted class is high,
    the masked input goes through the network again and the probability of
    that class is minimised. [R] GAIN's soft mask:
    ``mask = sigmoid(sharpness * (up(M) - threshold))`` and
    ``x* = x - mask * (x - fill)``, broadcast over the coordinates; ``up``
    resamples the stage's ``T_k`` to the input's ``T``.

    Args:
        loss_weight (float): Weight [U]. Defaults to 1.0.
        start_epoch (int): First epoch [S]. Defaults to 0.
        stage (int): Index, among the STF stages, of the focus that masks
            [U]; -1 is the last module [S]. Defaults to -1.
        threshold (float): ``sigma`` of the mask [U]. Defaults to 0.5.
        sharpness (float): ``omega`` of the mask [U]. Defaults to 10.
        hard (bool): A 0/1 mask ``up(M) > threshold`` instead of the soft
            one [U]; no gradient then reaches the focus. Defaults to False.
        fill (str): Masked entries become ``'zero'`` (the body centre of
            centred skeletons) or the sequence's ``'mean'`` per coordinate
            [U]. Defaults to ``'zero'``.
        interpolation (str): ``'nearest'`` or ``'linear'`` resampling of
            the focus to the input's frames [U]. Defaults to ``'nearest'``.
        detach_mask (bool): Stop the gradient from the masked pass into the
            focus [U]; GAIN lets it flow [R]. Defaults to False.
        bn_stats (str): ``'frozen'``: the masked pass does not update the
            batch-norm running statistics (it still normalises with the
            batch's); ``'update'``: it does [U]. Defaults to ``'frozen'``
            [S].
        score (str): Minimise the softmax ``'prob'`` [P] or the ``'logit'``
            [U] of the class. Defaults to ``'prob'``.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 start_epoch: int = 0,
                 stage: int = -1,
                 threshold: float = 0.5,
                 sharpness: float = 10.,
                 hard: bool = False,
                 fill: str = 'zero',
                 interpolation: str = 'nearest',
                 detach_mask: bool = False,
                 bn_stats: str = 'frozen',
                 score: str = 'prob') -> None:
        super().__init__(loss_weight, start_epoch)
        _check('fill', fill, ('zero', 'mean'))
        _check('interpolation', interpolation, ('nearest', 'linear'))
        _check('bn_stats', bn_stats, ('frozen', 'update'))
        _check('score', score, ('prob', 'logit'))
        self.stage = stage
        self.threshold = threshold
        self.sharpness = sharpness
        self.hard = hard
        self.fill = fill
        self.interpolation = interpolation
        self.detach_mask = detach_mask
        self.bn_stats = bn_stats
        self.score = score

    def mask(self, inputs: torch.Tensor, focus: torch.Tensor) -> torch.Tensor:
        """Mask the focused region of the input.

        Args:
            inputs (torch.Tensor): Clips ``(N, M, T, V, C)``.
            focus (torch.Tensor): Focus ``(N, M, T_k, V)`` in [0, 1].

        Returns:
            torch.Tensor: ``x*`` of the shape and dtype of ``inputs``.
        """
        if self.detach_mask or self.hard:
            focus = focus.detach()
        focus = resample_time(focus, inputs.size(2), self.interpolation)
        if self.hard:
            mask = (focus > self.threshold).to(focus.dtype)
        else:
            mask = torch.sigmoid(self.sharpness * (focus - self.threshold))
        mask = mask.unsqueeze(-1).to(inputs.dtype)  # (N, M, T, V, 1)
        if self.fill == 'zero':
            return inputs - mask * inputs
        fill = inputs.mean((2, 3), keepdim=True)  # (N, M, 1, 1, C)
        return inputs - mask * (inputs - fill)

    @contextmanager
    def masked_pass(self, model: nn.Module) -> Iterator[None]:
        """Run the masked forward pass with the batch norms as configured."""
        if self.bn_stats == 'update':
            yield
            return
        norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
        saved = [(m.momentum, m.num_batches_tracked) for m in norms]
        for m in norms:
            m.momentum = 0.  # running stats keep their values
            if m.num_batches_tracked is not None:
                m.num_batches_tracked = m.num_batches_tracked.clone()
        try:
            yield
        finally:
            for m, (momentum, tracked) in zip(norms, saved):
                m.momentum, m.num_batches_tracked = momentum, tracked

    def forward(self, masked_scores: torch.Tensor,
                classes: torch.Tensor) -> torch.Tensor:
        """Score of ``classes`` (N, ) on the masked input, batch mean.

        Args:
            masked_scores (torch.Tensor): Logits ``(N, K)`` of ``x*``.
            classes (torch.Tensor): The originally predicted classes.

        Returns:
            torch.Tensor: ``loss_weight * L_e``.
        """
        scores = masked_scores.to(
            torch.promote_types(masked_scores.dtype, torch.float32))
        if self.score == 'prob':
            scores = scores.softmax(1)
        return self.loss_weight * scores.gather(1, classes.view(-1, 1)).mean()


@MODELS.register_module()
class STFCoherenceLoss(STFLoss):
    """L_c: the last two STF modules focus alike [P].

    ``L_c = mean_n d(M_a, M_b)`` over the maps of two stages (resampled to
    the later stage's frames if they differ), with ``d`` the mean absolute
    difference over (M, T, V) [R]/[S] or ``1 - cosine`` [U].

    Args:
        loss_weight (float): Weight [U]. Defaults to 1.0.
        start_epoch (int): First epoch [S]. Defaults to 0.
        stages (Sequence[int]): The two STF stages compared [P: the last
            two]. Defaults to ``(-2, -1)``.
        distance (str): ``'l1'`` or ``'cosine'`` [U]. Defaults to ``'l1'``.
        detach_last (bool): Treat the later stage's map as a target, as
            Sharpen Focus ties inner layers to the last [R]/[U].
            Defaults to False.
        focus_class (str): Focus of the ``'pred'``icted class or of the
            ``'label'`` [U]. Defaults to ``'pred'`` [S].
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 start_epoch: int = 0,
                 stages: Sequence[int] = (-2, -1),
                 distance: str = 'l1',
                 detach_last: bool = False,
                 focus_class: str = 'pred') -> None:
        super().__init__(loss_weight, start_epoch)
        if len(stages) != 2:
            raise ValueError(f'stages must be two indices, got {stages}')
        _check('distance', distance, ('l1', 'cosine'))
        _check('focus_class', focus_class, FOCUS_CLASSES)
        self.stages = tuple(stages)
        self.distance = distance
        self.detach_last = detach_last
        self.focus_class = focus_class

    def forward(self, focus_a: torch.Tensor,
                focus_b: torch.Tensor) -> torch.Tensor:
        """Distance of two focus maps ``(N, M, T_a, V)``, ``(N, M, T_b, V)``.

        Returns:
            torch.Tensor: ``loss_weight * L_c``.
        """
        if self.detach_last:
            focus_b = focus_b.detach()
        focus_a = resample_time(focus_a, focus_b.size(2), 'linear')
        a, b = focus_a.flatten(1), focus_b.flatten(1)  # (N, M * T * V)
        if self.distance == 'l1':
            dist = (a - b).abs().mean(1)
        else:
            dist = 1 - F.cosine_similarity(a, b, dim=1, eps=1e-6)
        return self.loss_weight * dist.mean()


@MODELS.register_module()
class STFDivergenceLoss(STFLoss):
    """L_d: the top-2 predicted classes focus on different parts [P].

    The normalised overlap of the two maps of one stage [R]/[S]:
    ``L_d = mean_n 2 sum min(M1, M2) / (sum M1 + sum M2 + eps)``, 0 for
    disjoint maps and 1 for identical ones.

    Args:
        loss_weight (float): Weight [U]. Defaults to 1.0.
        start_epoch (int): First epoch [S]. Defaults to 0.
        stage (int): The STF stage [U]; -1 is the last [S].
            Defaults to -1.
        classes (str): ``'top2'``: the two highest scores [P];
            ``'label_confuser'``: the label and the highest-scoring other
            class, as Sharpen Focus [R]. Defaults to ``'top2'``.
        eps (float): Guards the division. Defaults to 1e-6.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 start_epoch: int = 0,
                 stage: int = -1,
                 classes: str = 'top2',
                 eps: float = 1e-6) -> None:
        super().__init__(loss_weight, start_epoch)
        _check('classes', classes, ('top2', 'label_confuser'))
        self.stage = stage
        self.classes = classes
        self.eps = eps

    @property
    def class_keys(self) -> Tuple[str, str]:
        """The two class choices whose maps are compared."""
        return (('pred', 'second') if self.classes == 'top2' else
                ('label', 'confuser'))

    def forward(self, focus_a: torch.Tensor,
                focus_b: torch.Tensor) -> torch.Tensor:
        """Overlap of two maps ``(N, M, T, V)`` of the same stage.

        Returns:
            torch.Tensor: ``loss_weight * L_d``.
        """
        a, b = focus_a.flatten(1), focus_b.flatten(1)
        overlap = 2 * torch.minimum(a, b).sum(1) / (
            a.sum(1) + b.sum(1) + self.eps)
        return self.loss_weight * overlap.mean()


@MODELS.register_module()
class STFAdjacencyLoss(STFLoss):
    """L_Gk: each STF adjacency is consistent with its module's focus [P].

    The comparison of a ``V x V`` adjacency with a ``T_k x V`` focus is
    [U]; two forms [S] against the detached focus: with the joint
    importance ``s = normalise(mean_t M)`` (a distribution over V, per
    sample and person) and ``|A|`` the adjacency's magnitude averaged over
    subsets and channels,

    * ``'degree'``: ``d = normalise(column sums of |A|)`` (how strongly each
      joint feeds the others); ``KL(s || d)`` or ``||s - d||_1``;
    * ``'outer'``: ``||rows(|A|) - rows(s s^T)||_F^2`` with both
      row-normalised (joints in focus together should be connected).

    Summed over the STF modules [I] (``L = sum_k L_Gk``), each a batch
    mean.

    Args:
        loss_weight (float): Weight [U]. Defaults to 1.0.
        start_epoch (int): First epoch [S]. Defaults to 0.
        form (str): ``'degree'`` or ``'outer'`` [S]. Defaults to
            ``'degree'``.
        distance (str): ``'kl'`` or ``'l1'`` for ``'degree'`` [S].
            Defaults to ``'kl'``.
        focus_class (str): ``'pred'`` or ``'label'`` [U]. Defaults to
            ``'pred'`` [S].
        eps (float): Guards logarithms and divisions. Defaults to 1e-6.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 start_epoch: int = 0,
                 form: str = 'degree',
                 distance: str = 'kl',
                 focus_class: str = 'pred',
                 eps: float = 1e-6) -> None:
        super().__init__(loss_weight, start_epoch)
        _check('form', form, ('degree', 'outer'))
        _check('distance', distance, ('kl', 'l1'))
        _check('focus_class', focus_class, FOCUS_CLASSES)
        self.form = form
        self.distance = distance
        self.focus_class = focus_class
        self.eps = eps

    def _rows(self, x: torch.Tensor) -> torch.Tensor:
        return x / (x.sum(-1, keepdim=True) + self.eps)

    def module_loss(self, adjacency: torch.Tensor,
                    focus: torch.Tensor) -> torch.Tensor:
        """L_Gk of one module.

        Args:
            adjacency (torch.Tensor): ``(N * M, S, O, V, V)``, or any
                ``(N * M, ..., V, V)``; the leading axes are averaged.
            focus (torch.Tensor): ``(N, M, T_k, V)``.

        Returns:
            torch.Tensor: The unweighted batch mean.
        """
        V = focus.size(-1)
        dtype = torch.promote_types(focus.dtype, torch.float32)
        A = adjacency.to(dtype).abs().reshape(adjacency.size(0), -1, V, V)
        A = A.mean(1)  # (N * M, V, V)
        s = focus.detach().to(dtype).mean(2).reshape(-1, V)  # (N * M, V)
        s = self._rows(s)
        if self.form == 'outer':
            S = s.unsqueeze(2) * s.unsqueeze(1)  # (N * M, V, V)
            return (self._rows(A) - self._rows(S)).pow(2).sum((1, 2)).mean()
        d = self._rows(A.sum(1))  # column sums, (N * M, V)
        if self.distance == 'l1':
            return (s - d).abs().sum(1).mean()
        kl = s * ((s + self.eps).log() - (d + self.eps).log())
        return kl.sum(1).mean()

    def forward(self, adjacencies: Sequence[torch.Tensor],
                focus_maps: Sequence[torch.Tensor]) -> torch.Tensor:
        """``loss_weight * sum_k L_Gk`` over matching lists of modules."""
        if len(adjacencies) != len(focus_maps):
            raise ValueError(f'{len(adjacencies)} adjacencies but '
                             f'{len(focus_maps)} focus maps')
        return self.loss_weight * sum(
            self.module_loss(A, M) for A, M in zip(adjacencies, focus_maps))

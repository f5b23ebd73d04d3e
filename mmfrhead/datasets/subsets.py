"""A seeded subset of every class of a dataset (scarce-label protocols)."""
import copy
from collections import defaultdict
from typing import Dict, List, Optional, Union

import numpy as np
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.logging import print_log


@DATASETS.register_module()
class PerClassSubset:
    """Keep a seeded fraction (or count) of the samples of every class.

    AimCLR's semi-supervised protocol (its ``Feeder_semi``: ``round(p n_c)``
    random samples of every class ``c``, 1 % or 10 % of the labels) and
    STF's scarce-data measurement (20 % per class). The samples are drawn
    per class, without replacement, by ``numpy.random.default_rng(seed)``
    (so not the very samples of AimCLR's Python ``random.sample``), and
    keep the order of the wrapped dataset. The subset depends only on the
    seed and the wrapped dataset, so every process of a distributed run
    and every rerun get the same one; the runner's ``randomness.seed``
    does not change it. Every class of the wrapped dataset keeps at least
    one sample: a fraction or count that would leave a class empty stops
    with a message naming the class.

    Wrap the dataset itself, not a ``RepeatDataset`` of it (whose copies
    would be drawn as samples): ``RepeatDataset(dataset=PerClassSubset(
    dataset=PoseDataset(...)))``.

    Args:
        dataset (BaseDataset | dict): The dataset (or its config); its
            ``get_data_info(i)['label']`` are the classes.
        fraction (float, optional): Share of every class to keep, in
            ``(0, 1]``; ``round(fraction * n_c)`` samples (Python's
            ``round``, as AimCLR). Give this or ``count``.
        count (int, optional): Samples to keep per class.
        seed (int): Seed of the draw. Defaults to 0 (AimCLR's
            ``init_seed(0)``).
        lazy_init (bool): Load the annotations and draw only at
            :meth:`full_init`. Defaults to False.
    """

    def __init__(self,
                 dataset: Union[BaseDataset, dict],
                 fraction: Optional[float] = None,
                 count: Optional[int] = None,
                 seed: int = 0,
                 lazy_init: bool = False) -> None:
        if (fraction is None) == (count is None):
            raise ValueError('PerClassSubset needs exactly one of fraction '
                             f'and count, got fraction={fraction}, '
                             f'count={count}')
        if fraction is not None and not 0 < fraction <= 1:
            raise ValueError('PerClassSubset: fraction must be in (0, 1], '
                             f'got {fraction}')
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ValueError('PerClassSubset: count must be a positive '
                             f'integer, got {count!r}')
        self.dataset = DATASETS.build(dataset) if isinstance(
            dataset, dict) else dataset
        self.fraction = fraction
        self.count = count
        self.seed = seed
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The wrapped dataset's meta information."""
        return copy.deepcopy(self._metainfo)

    def _describe(self) -> str:
        ann_file = getattr(self.dataset, 'ann_file', '?')
        split = getattr(self.dataset, 'split', None)
        return f'PerClassSubset of {ann_file} (split {split})'

    def _per_class(self, label: int, num: int) -> int:
        """How many of the ``num`` samples of class ``label`` to keep."""
        if self.count is not None:
            if self.count > num:
                raise ValueError(
                    f'{self._describe()}: count={self.count} but class '
                    f'{label} has only {num} samples')
            return self.count
        keep = round(self.fraction * num)
        if keep < 1:
            raise ValueError(
                f'{self._describe()}: fraction={self.fraction} keeps no '
                f'sample of class {label} ({num} samples); use a fraction '
                f'above {0.5 / num:.3g} or count=1')
        return keep

    def full_init(self) -> None:
        """Load the wrapped dataset and draw the subset."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        by_class: Dict[int, List[int]] = defaultdict(list)
        for i in range(len(self.dataset)):
            by_class[int(self.dataset.get_data_info(i)['label'])].append(i)
        if not by_class:
            raise ValueError(f'{self._describe()}: the dataset is empty')
        rng = np.random.default_rng(self.seed)
        kept = []
        for label in sorted(by_class):
            members = by_class[label]
            keep = self._per_class(label, len(members))
            kept.extend(rng.choice(members, keep, replace=False).tolist())
        self.indices = sorted(kept)
        self._fully_initialized = True
        share = (f'fraction {self.fraction}'
                 if self.count is None else f'count {self.count}')
        print_log(
            f'{self._describe()}: {len(self.indices)} of '
            f'{len(self.dataset)} samples, {len(by_class)} classes '
            f'({share} per class, seed {self.seed})',
            logger='current')

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The annotation of the ``idx``-th kept sample."""
        return self.dataset.get_data_info(self.indices[idx])

    @force_full_init
    def __getitem__(self, idx: int) -> dict:
        return self.dataset[self.indices[idx]]

    @force_full_init
    def __len__(self) -> int:
        return len(self.indices)

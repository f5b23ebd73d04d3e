"""PerClassSubset on real NW-UCLA sequences (4 training sequences per class
of ``ucla_subset``), built through MMAction2's registry."""
from collections import Counter

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS

PIPELINE = [
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]


def pose_dataset(ann_file):
    return dict(
        type='PoseDataset',
        ann_file=str(ann_file),
        pipeline=PIPELINE,
        split='xview_train')


def subset(ann_file, **kwargs):
    return DATASETS.build(
        dict(type='PerClassSubset', dataset=pose_dataset(ann_file), **kwargs))


def labels(dataset):
    return [dataset.get_data_info(i)['label'] for i in range(len(dataset))]


def names(dataset):
    return [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))]


def test_keeps_the_fraction_of_every_class_in_the_datasets_order(ucla_subset):
    full = DATASETS.build(pose_dataset(ucla_subset))
    half = subset(ucla_subset, fraction=0.5)
    assert Counter(labels(half)) == {c: 2 for c in range(10)}
    kept = names(half)
    order = names(full)
    assert [order.index(n) for n in kept] == sorted(order.index(n)
                                                    for n in kept)
    sample = half[3]
    assert sample['data_samples'].frame_dir == kept[3]
    assert sample['inputs'].shape[-1] == 3  # (1, M, T, V, C)


def test_a_count_per_class(ucla_subset):
    one = subset(ucla_subset, count=1)
    assert sorted(labels(one)) == list(range(10))


def test_the_seed_alone_decides_the_subset(ucla_subset):
    np.random.seed(1)
    torch.manual_seed(1)
    first = names(subset(ucla_subset, fraction=0.5, seed=3))
    np.random.seed(2)
    torch.manual_seed(2)
    assert names(subset(ucla_subset, fraction=0.5, seed=3)) == first
    draws = {
        tuple(names(subset(ucla_subset, fraction=0.5, seed=s)))
        for s in range(4)
    }
    assert len(draws) > 1


def test_inside_a_repeat_dataset_with_lazy_init(ucla_subset):
    repeated = DATASETS.build(
        dict(
            type='RepeatDataset',
            times=5,
            dataset=dict(
                type='PerClassSubset',
                dataset=pose_dataset(ucla_subset),
                fraction=0.25,
                lazy_init=True)))
    assert len(repeated) == 5 * 10


@pytest.mark.parametrize('kwargs, match', [
    (dict(fraction=0.1), 'fraction=0.1 keeps no sample of class 0 '
     r'\(4 samples\); use a fraction above 0.125'),
    (dict(count=5), 'count=5 but class 0 has only 4 samples'),
    (dict(fraction=0.), r'fraction must be in \(0, 1\]'),
    (dict(fraction=1.5), r'fraction must be in \(0, 1\]'),
    (dict(count=0), 'count must be a positive integer'),
    (dict(), 'exactly one of fraction and count'),
    (dict(fraction=0.5, count=1), 'exactly one of fraction and count'),
])
def test_bad_settings_are_named(ucla_subset, kwargs, match):
    with pytest.raises(ValueError, match=match):
        subset(ucla_subset, **kwargs)


def test_the_message_names_the_file_and_split(ucla_subset):
    with pytest.raises(ValueError, match=f'{ucla_subset} .split xview_train'):
        subset(ucla_subset, fraction=0.1)

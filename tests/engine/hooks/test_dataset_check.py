from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmfrhead.engine.hooks import DatasetCheckHook


class _Dataset(list):
    """The samples of a built dataset."""

    ann_file = 'mine.pkl'
    split = 'train'

    def get_data_info(self, index):
        return self[index]


def _runner(labels, joints, num_classes=10, layout_joints=20):
    samples = [
        dict(label=label, keypoint=np.zeros((1, 4, joints, 3)))
        for label in labels
    ]
    dataset = _Dataset(samples)
    loader = SimpleNamespace(dataset=SimpleNamespace(dataset=dataset))
    model = SimpleNamespace(
        cls_head=SimpleNamespace(num_classes=num_classes),
        data_preprocessor=SimpleNamespace(
            parents=torch.zeros(layout_joints)))
    return SimpleNamespace(
        model=model,
        cfg=Config(dict(model=dict(data_preprocessor=dict(layout='x')))),
        train_dataloader=loader,
        val_loop=None,
        test_dataloader=loader)


def test_data_that_fits_the_model_passes():
    DatasetCheckHook().before_train(_runner([0, 9], joints=20))


def test_a_label_outside_the_classes_names_num_classes():
    with pytest.raises(ValueError, match='dataset_meta.num_classes'):
        DatasetCheckHook().before_test(_runner([0, 26], joints=20))


def test_another_joint_count_names_the_layout():
    with pytest.raises(ValueError, match='dataset_meta.layout'):
        DatasetCheckHook().before_train(_runner([0], joints=25))

"""FR Head on a backbone mmfrhead has never seen, by config only.

This is the README's "Add FR Head to your model": the backbone below is
defined here (not in mmfrhead), registered in MMAction2's registry, and the
config is the README's, written to a file and loaded by MMEngine. The test
trains it one step on real NW-UCLA sequences as the Runner does
(``train_step`` with the config's optimiser) and checks that ``predict`` is
exactly the plain ``RecognizerGCN``'s after stripping the FR weights.
"""
import copy
from pathlib import Path

import pytest
import torch
import torch.nn as nn
from mmaction.models import RecognizerGCN
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import BaseModule
from mmengine.optim import build_optim_wrapper

from mmfrhead.apis import strip_fr_head
from mmfrhead.models import FRRecognizer

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'


# Tiny models: see the one_thread fixture in tests/conftest.py.
pytestmark = pytest.mark.usefixtures('one_thread')


# --- my_project/tiny_gcn.py in the README -----------------------------------
class TinyStage(nn.Module):
    """Graph convolution over a learnable adjacency, then a temporal conv."""

    def __init__(self, in_channels: int, out_channels: int, num_joints: int,
                 stride: int) -> None:
        super().__init__()
        self.A = nn.Parameter(torch.eye(num_joints) + 1. / num_joints)
        self.spatial = nn.Conv2d(in_channels, out_channels, 1)
        self.temporal = nn.Conv2d(
            out_channels,
            out_channels, (3, 1),
            stride=(stride, 1),
            padding=(1, 0))
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T // stride, V)."""
        x = torch.einsum('nctv,vw->nctw', self.spatial(x), self.A)
        return torch.relu(self.bn(self.temporal(x)))


@MODELS.register_module(force=True)
class TinyGCN(BaseModule):
    """Two stages; (N, M, T, V, C) in, (N, M, C', T', V) out, as GCNHead
    expects."""

    def __init__(self,
                 num_joints: int,
                 in_channels: int = 3,
                 channels: tuple = (16, 32)) -> None:
        super().__init__()
        self.stages = nn.ModuleList([
            TinyStage(in_channels, channels[0], num_joints, stride=1),
            TinyStage(channels[0], channels[1], num_joints, stride=2)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        N, M, T, V, C = x.shape
        x = x.permute(0, 1, 4, 2, 3).reshape(N * M, C, T, V)
        for stage in self.stages:
            x = stage(x)
        return x.reshape((N, M) + x.shape[1:])


# --- configs/tiny_gcn_frhead_ucla_j.py in the README ------------------------
# (the README's custom_imports also names 'my_project.tiny_gcn'; here the
# class above is registered by this module)
CONFIG = """
_base_ = [
    '{configs}/_base_/default_runtime.py',
    '{configs}/_base_/datasets/nw_ucla.py',
    '{configs}/_base_/schedules/sgd_70e.py'
]

custom_imports = dict(
    imports=[*_base_.custom_imports.imports],
    allow_failed_imports=False)
model = dict(
    type='FRRecognizer',
    data_preprocessor=dict(
        type='SkeletonPreprocessor', layout='nw_ucla', feats=['j']),
    backbone=dict(type='TinyGCN', num_joints=20),
    cls_head=dict(type='GCNHead', num_classes=10, in_channels=32),
    # one stage weight (lambda) per tapped stage; the class count is the
    # classifier's
    fr_head=dict(type='FRHead', stage_weights=(0.5, 1.0)),
    taps=('stages.0', 'stages.1'),
    clip_shape=(1, 52, 20, 3))  # (M, T, V, C) from the pipeline
"""


@pytest.fixture(scope='module')
def cfg(tmp_path_factory):
    path = tmp_path_factory.mktemp('cfg') / 'tiny_gcn_frhead_ucla_j.py'
    path.write_text(CONFIG.format(configs=CONFIG_DIR))
    return Config.fromfile(path)


def _batch(cfg, ann_file, indices, train=True):
    loader = cfg.train_dataloader if train else cfg.val_dataloader
    dataset = loader.dataset.get('dataset', loader.dataset)  # RepeatDataset
    dataset = DATASETS.build(dict(dataset, ann_file=str(ann_file)))
    return pseudo_collate([dataset[i] for i in indices])


def _hooked(module):
    return [name for name, m in module.named_modules() if m._forward_hooks]


def test_fr_head_is_built_for_the_unknown_backbone(cfg):
    model = MODELS.build(cfg.model)
    assert isinstance(model, FRRecognizer)
    assert isinstance(model.backbone, TinyGCN)
    # (C, T, V) of each tapped stage, probed from the backbone
    assert model.fr_head.stage_shapes == [(16, 52, 20), (32, 26, 20)]
    # its parameters are the FR head's only; the classifier is untouched
    assert sum(p.numel() for p in model.fr_head.parameters()) > 0
    assert model.cls_head.fc.in_features == 32


def test_wrong_tap_lists_the_backbone_modules(cfg):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.taps = ('stages.0', 'stages.2')
    with pytest.raises(KeyError, match=r"stages\.2.*stages\.1"):
        MODELS.build(model_cfg)


def test_train_step_and_predict_unchanged(cfg, ucla_subset):
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}

    # one training step on 4 real sequences of 4 classes, as the Runner does
    model.train()
    log_vars = model.train_step(
        _batch(cfg, ucla_subset, [0, 10, 20, 30]), optim_wrapper)
    assert {'loss', 'loss_cls', 'loss_fr'} <= set(log_vars)
    assert torch.isfinite(log_vars['loss']) and log_vars['loss_fr'] > 0
    assert _hooked(model) == []  # the taps exist only inside the loss
    moved = {
        n.split('.')[0]
        for n, p in model.named_parameters() if not torch.equal(p, before[n])
    }
    assert moved == {'backbone', 'cls_head', 'fr_head'}

    # the deployed model: the baseline config (no FR keys) and the stripped
    # weights; predict gives the same scores, bit for bit
    plain_cfg = copy.deepcopy(cfg.model)
    for key in ('fr_head', 'taps', 'clip_shape'):
        plain_cfg.pop(key)
    plain_cfg.type = 'RecognizerGCN'
    plain = MODELS.build(plain_cfg)
    assert type(plain) is RecognizerGCN
    plain.load_state_dict(
        strip_fr_head(model.state_dict())['state_dict'], strict=True)
    model.eval()
    plain.eval()
    data = _batch(cfg, ucla_subset, [0, 3, 7], train=False)
    ours = model.test_step(copy.deepcopy(data))
    theirs = plain.test_step(data)
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert a.pred_score.shape == (10, )
        assert torch.equal(a.pred_score, b.pred_score)

"""The STF configs: they build, inherit their baselines and document every
option with its tag from stf-notes.md."""
import inspect
import re
from pathlib import Path

import pytest
from mmaction.registry import MODELS
from mmengine.config import Config

STF_DIR = Path(__file__).resolve().parents[2] / 'configs' / 'stf'
STF_LINES = STF_DIR / '_base_' / 'stf_ctrgcn.py'
CONFIGS = sorted(p.name for p in STF_DIR.glob('*.py')
                 if '_20pc' not in p.name)
SCARCE = sorted(p.name for p in STF_DIR.glob('*_20pc*.py'))
TAG = re.compile(r'#.*\[[PIRUS]\]')


def test_every_benchmark_has_stf_and_stf_fr_configs():
    for bench in ('ucla', 'ntu60_xsub', 'ntu60_xview', 'ntu120_xsub',
                  'ntu120_xset'):
        assert f'ctrgcn_stf_{bench}_j.py' in CONFIGS
        assert f'ctrgcn_stf_frhead_{bench}_j.py' in CONFIGS


@pytest.mark.parametrize('name', CONFIGS)
def test_config_inherits_its_baseline_and_builds(name):
    cfg = Config.fromfile(STF_DIR / name)
    base = Config.fromfile(STF_DIR.parent /
                           name.replace('_stf', '', 1))  # its baseline
    fr = '_frhead_' in name
    assert cfg.model.type == ('STFFRRecognizer' if fr else 'STFRecognizer')
    assert cfg.model.backbone.type == 'STF' + base.model.backbone.type
    for key, value in base.model.backbone.items():
        if key != 'type':
            assert cfg.model.backbone[key] == value
    assert cfg.model.cls_head == base.model.cls_head
    assert cfg.train_dataloader == base.train_dataloader
    assert cfg.param_scheduler == base.param_scheduler
    if fr:
        assert cfg.model.fr_head == base.model.fr_head
    model = cfg.model
    model.backbone.base_channels = 8  # small, for a quick build
    model.cls_head.in_channels = 32
    if fr:
        model.fr_head.hidden_channels = 64
    MODELS.build(model)


def test_every_option_is_set_and_tagged():
    """Each constructor option of the focus and the losses appears in the
    STF lines, on a line with its tag; nothing is called the paper's."""
    text = STF_LINES.read_text()
    assert "paper's" not in text
    stf = Config.fromfile(STF_LINES).stf
    parts = [('SpatioTemporalFocus', stf.focus_cfg)] + [
        (cfg.type, cfg) for cfg in stf.stf_losses.values()
    ]
    for type, cfg in parts:
        params = set(inspect.signature(MODELS.get(type)).parameters)
        params.discard('eps')  # a numerical guard, not a modelling choice
        assert params == set(cfg) - {'type'}, type
        for key in params:
            lines = [
                line for line in text.splitlines()
                if re.match(rf'\s*{key}=', line)
            ]
            assert lines and all(TAG.search(line) for line in lines), key


@pytest.mark.parametrize('schedule', ['', '_short'])
def test_the_four_stf_table_models_have_20_percent_configs(schedule):
    """Full and 20 % configs of the four, on the full and short schedule."""
    for model in ('ctrgcn', 'ctrgcn_frhead', 'ctrgcn_stf',
                  'ctrgcn_stf_frhead'):
        assert f'{model}_ucla_j_20pc{schedule}.py' in SCARCE
        full = f'{model}_ucla_j{schedule}.py'
        assert (STF_DIR / full).exists() or (STF_DIR.parent / full).exists()
    assert len(SCARCE) == 8


@pytest.mark.parametrize('name', SCARCE)
def test_20_percent_configs_wrap_only_the_train_set(name):
    """The full-data config with its training sequences (inside the
    RepeatDataset) reduced to 20 % per class, the same draw for all four."""
    cfg = Config.fromfile(STF_DIR / name)
    full_name = name.replace('_20pc', '')
    full = Config.fromfile((STF_DIR if '_stf' in name else STF_DIR.parent) /
                           full_name)
    subset = cfg.train_dataloader.dataset.dataset
    assert (subset.type, subset.fraction, subset.seed) == ('PerClassSubset',
                                                           0.2, 0)
    assert subset.dataset == full.train_dataloader.dataset.dataset
    cfg.train_dataloader.dataset.dataset = subset.dataset
    for key in set(cfg) | set(full):
        if key != 'filename':
            assert cfg.get(key) == full.get(key), key

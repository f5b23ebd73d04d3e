"""STF configs trained and resumed on real NW-UCLA sequences (the small
subset and model of ``test_train.small_config``): CTR-GCN + STF through
``tools/train.py`` (then ``--resume``), CTR-GCN + STF + FR Head through
MMEngine's Runner."""
import json
import sys
from pathlib import Path

import pytest
import torch
from mmengine.runner import Runner
from test_train import dist_train, run_tool, small_config  # tests/tools

STF_KEYS = ('loss_stf_e', 'loss_stf_c', 'loss_stf_d', 'loss_stf_g')


def stf_small_config(config, ann_file, work_dir, max_epochs):
    # small_config writes the config next to work_dir, as f'{name}_{config}'
    (work_dir.parent / f'{work_dir.name}_stf').mkdir(exist_ok=True)
    cfg = small_config(f'stf/{config}', ann_file, work_dir, max_epochs)
    if cfg.model.type == 'STFFRRecognizer':
        cfg.model.clip_shape = (1, 20, 20, 3)
    for loss in cfg.model.stf_losses.values():
        loss.start_epoch = 1  # epoch 0 without, epoch 1 with the STF losses
    return cfg


def logged_keys(work_dir: Path, epoch: int) -> set:
    """Keys of the training records of ``epoch``, and that one run has them.
    """
    keys, runs = set(), 0
    for scalars in work_dir.glob('*/vis_data/scalars.json'):
        records = [
            r for r in map(json.loads,
                           scalars.read_text().splitlines())
            if r.get('epoch') == epoch and 'loss' in r
        ]
        runs += bool(records)
        for record in records:
            keys |= set(record)
    assert runs == 1  # the resumed run did not train epoch 1 again
    return keys


def train(cfg, tool: bool, resume: bool = False) -> None:
    if not tool:
        cfg.resume = resume
        Runner.from_cfg(cfg).train()
        return
    cfg.dump(cfg.filename)
    args = ['--resume'] if resume else []
    result = run_tool(sys.executable, 'tools/train.py', cfg.filename, *args)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.parametrize('config, tool', [('ctrgcn_stf_ucla_j.py', True),
                                          ('ctrgcn_stf_frhead_ucla_j.py',
                                           False)])
def test_stf_trains_and_resumes(config, tool, ucla_subset, tmp_path):
    cfg = stf_small_config(config, ucla_subset, tmp_path / 'run', 1)
    train(cfg, tool)
    work_dir = Path(cfg.work_dir)
    assert (work_dir / 'epoch_1.pth').exists()
    assert not set(STF_KEYS) & logged_keys(work_dir, 1)  # start_epoch=1

    cfg.train_cfg.max_epochs = 2
    train(cfg, tool, resume=True)
    assert (work_dir / 'last_checkpoint').read_text().strip().endswith(
        'epoch_2.pth')
    keys = logged_keys(work_dir, 2)
    logged_keys(work_dir, 1)  # still from the first run only
    assert set(STF_KEYS) <= keys
    assert ('loss_fr' in keys) == ('frhead' in config)
    first = torch.load(work_dir / 'epoch_1.pth')
    second = torch.load(work_dir / 'epoch_2.pth')
    assert second['meta']['epoch'] == 2
    assert first['state_dict'].keys() == second['state_dict'].keys()
    name = 'backbone.gcn.9.gcn.PA'
    assert not torch.equal(first['state_dict'][name],
                           second['state_dict'][name])


@pytest.mark.parametrize('create_graph', [False, True])
def test_stf_fr_dist_train_two_gloo_processes(create_graph, ucla_subset,
                                              tmp_path):
    cfg = stf_small_config('ctrgcn_stf_frhead_ucla_j.py', ucla_subset,
                           tmp_path / 'dist', 1)
    for loss in cfg.model.stf_losses.values():
        loss.start_epoch = 0
    cfg.model.focus_cfg.create_graph = create_graph
    cfg.dump(cfg.filename)
    dist_train(cfg.filename)
    assert set(STF_KEYS) | {'loss_fr'} <= logged_keys(Path(cfg.work_dir), 1)

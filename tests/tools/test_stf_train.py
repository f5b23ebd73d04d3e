"""STF configs trained and resumed with MMEngine's Runner on real NW-UCLA
sequences (the small subset and model of ``test_train.small_config``)."""
import json
from pathlib import Path

import pytest
import torch
from mmengine.runner import Runner
from test_train import small_config  # tests/tools is on sys.path

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
    keys = set()
    for scalars in work_dir.glob('*/vis_data/scalars.json'):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            if record.get('epoch') == epoch and 'loss' in record:
                keys |= set(record)
    return keys


@pytest.mark.parametrize(
    'config', ['ctrgcn_stf_ucla_j.py', 'ctrgcn_stf_frhead_ucla_j.py'])
def test_stf_trains_and_resumes(config, ucla_subset, tmp_path):
    cfg = stf_small_config(config, ucla_subset, tmp_path / 'run', 1)
    Runner.from_cfg(cfg).train()
    work_dir = Path(cfg.work_dir)
    assert (work_dir / 'epoch_1.pth').exists()
    assert not set(STF_KEYS) & logged_keys(work_dir, 1)  # start_epoch=1

    cfg.resume = True
    cfg.train_cfg.max_epochs = 2
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.epoch == 2
    keys = logged_keys(work_dir, 2)
    assert set(STF_KEYS) <= keys
    assert ('loss_fr' in keys) == ('frhead' in config)
    first = torch.load(work_dir / 'epoch_1.pth')
    second = torch.load(work_dir / 'epoch_2.pth')
    assert second['meta']['epoch'] == 2
    assert first['state_dict'].keys() == second['state_dict'].keys()
    name = 'backbone.gcn.9.gcn.PA'
    assert not torch.equal(first['state_dict'][name],
                           second['state_dict'][name])

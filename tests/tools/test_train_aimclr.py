"""AimCLR pre-training and linear evaluation through tools/train.py on real
NW-UCLA sequences (the 40 + 20 of ``ucla_subset``).

The shipped configs, shrunk only by overrides (4-channel blocks, 16-d
features, 20 frames, batch 8, queue 16, two epochs), so the code paths are
the real ones: MMEngine's Runner, the three-view pipeline, the hooks, the
checkpoint, the frozen encoder loaded with ``prefix='backbone.'``.
"""
import re
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from test_train import run_tool  # tests/tools is on sys.path

REPO_ROOT = Path(__file__).resolve().parents[2]
WIDTHS = dict(base_channels=4, out_channels=16)


def _shrink_loader(loader, ann_file):
    loader.batch_size = 8
    loader.num_workers = 0
    loader.persistent_workers = False
    loader.dataset.ann_file = str(ann_file)
    for transform in loader.dataset.pipeline:
        if transform.type == 'CropResizeFrames':
            transform.clip_len = 20


def small_aimclr_config(config, ann_file, work_dir, **changes):
    """A configs/aimclr config shrunk for CPU tests, written to disk."""
    cfg = Config.fromfile(REPO_ROOT / 'configs' / 'aimclr' / config)
    cfg.model.backbone.update(WIDTHS)
    loaders = [cfg.train_dataloader]
    if cfg.model.type == 'AimCLR':
        cfg.model.neck.update(in_channels=16, hid_channels=16, out_channels=8)
        cfg.model.queue_size = 16
        for hook in cfg.custom_hooks:
            if hook.type == 'NNMSwitchHook':
                hook.begin_epoch = 1
            if hook.type == 'KNNMonitorHook':
                hook.interval = 1
                loaders += [hook.memory_dataloader, hook.query_dataloader]
    else:
        cfg.model.cls_head.in_channels = 16
        cfg.train_cfg.val_interval = 1
        loaders += [cfg.val_dataloader, cfg.test_dataloader]
    for loader in loaders:
        _shrink_loader(loader, ann_file)
    cfg.train_cfg.max_epochs = 2
    cfg.default_hooks.logger.interval = 1
    cfg.merge_from_dict(changes)
    cfg.work_dir = str(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir.parent / f'{work_dir.name}_{config}'
    cfg.dump(path)
    return path


@pytest.fixture(scope='module')
def pretrained(ucla_subset, tmp_path_factory):
    """Two AimCLR epochs through tools/train.py: (work dir, log text)."""
    work_dir = tmp_path_factory.mktemp('aimclr') / 'pretrain'
    config = small_aimclr_config('aimclr_pretrain_ucla_j.py', ucla_subset,
                                 work_dir)
    result = run_tool(sys.executable, 'tools/train.py', str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    return work_dir, next(work_dir.glob('*/*.log')).read_text()


def test_pretraining_logs_each_loss_knn_and_mining(pretrained):
    _, log = pretrained
    assert re.search(r'loss_infonce: [\d.]+\s+loss_d3m_e: [\d.]+\s+'
                     r'loss_d3m_ed: [\d.]+', log)
    assert len(re.findall(r'knn/top1 [\d.]+', log)) == 2
    assert 'epoch 2: nearest-neighbour mining on' in log


def test_checkpoint_holds_the_queue_and_key_encoder(pretrained):
    work_dir, _ = pretrained
    state = torch.load(work_dir / 'epoch_2.pth')['state_dict']
    assert state['queue.queue'].shape == (8, 16)
    assert state['queue.ptr'].item() == 0  # 10 batches of 8 in 16 slots
    assert state['key_encoder.steps'].item() == 10
    assert not torch.equal(state['backbone.gcn.0.gcn.conv.weight'],
                           state['key_encoder.module.0.gcn.0.gcn.conv.weight'])


def test_a_queue_larger_than_the_data_is_named(ucla_subset, tmp_path):
    config = small_aimclr_config(
        'aimclr_pretrain_ucla_j.py', ucla_subset, tmp_path / 'big',
        model=dict(queue_size=64))
    result = run_tool(sys.executable, 'tools/train.py', str(config))
    assert result.returncode != 0
    assert ('model.queue_size = 64 is larger than the pre-training set '
            '(40 samples' in result.stderr)


def test_linear_evaluation_of_the_frozen_encoder(pretrained, ucla_subset,
                                                 tmp_path):
    work_dir, _ = pretrained
    checkpoint = work_dir / 'epoch_2.pth'
    config = small_aimclr_config(
        'aimclr_linear_ucla_j.py', ucla_subset, tmp_path / 'linear',
        model=dict(backbone=dict(init_cfg=dict(checkpoint=str(checkpoint)))))
    runner = Runner.from_cfg(Config.fromfile(config))
    runner.train()
    model = runner.model
    pretrained_state = torch.load(checkpoint)['state_dict']
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, pretrained_state[f'backbone.{key}']), key
    model.train()
    assert not model.backbone.training and model.cls_head.training
    assert len(model.cache) == 60  # 40 training + 20 test sequences
    scalars = next((tmp_path / 'linear').glob('*/vis_data/scalars.json'))
    assert scalars.read_text().count('acc/top1') == 2
    assert list((tmp_path / 'linear').glob('best_acc_top1_epoch_*.pth'))


def test_fr_head_fine_tuning_from_the_pretrained_encoder(
        pretrained, ucla_subset, tmp_path):
    """aimclr_frhead_finetune_ucla_j.py: FRRecognizer whose backbone starts
    from the pre-trained query encoder, one epoch."""
    from test_train import small_config
    checkpoint = pretrained[0] / 'epoch_2.pth'
    # small_config writes the config to '<work dir>_<config path>'
    (tmp_path / 'aimclr' / 'ft_aimclr').mkdir(parents=True)
    cfg = small_config('aimclr/aimclr_frhead_finetune_ucla_j.py',
                       ucla_subset, tmp_path / 'aimclr' / 'ft', max_epochs=1)
    cfg.model.backbone.update(WIDTHS)
    cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
    cfg.model.cls_head.in_channels = 16
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()  # what runner.train() starts with
    start = {
        k: v.clone()
        for k, v in runner.model.backbone.state_dict().items()
    }
    pretrained_state = torch.load(checkpoint)['state_dict']
    for key, value in start.items():
        assert torch.equal(value, pretrained_state[f'backbone.{key}']), key
    runner.train()
    log = next((tmp_path / 'aimclr' / 'ft').glob('*/*.log')).read_text()
    assert re.search(r'loss_cls: [\d.]+\s+loss_fr: [\d.]+', log)
    weight = 'gcn.0.gcn.conv.weight'
    assert not torch.equal(runner.model.backbone.state_dict()[weight],
                           start[weight])


def test_resumed_pretraining_continues_queue_and_key_encoder(
        pretrained, tmp_path):
    work_dir, _ = pretrained
    config = next(work_dir.parent.glob('pretrain_*.py'))
    resumed = tmp_path / 'resumed'
    result = run_tool(sys.executable, 'tools/train.py', str(config),
                      '--work-dir', str(resumed), '--resume',
                      str(work_dir / 'epoch_2.pth'), '--cfg-options',
                      'train_cfg.max_epochs=3')
    assert result.returncode == 0, result.stderr[-3000:]
    log = next(resumed.glob('*/*.log')).read_text()
    assert 'resumed epoch: 2' in log and 'Epoch(train) [1]' not in log
    state = torch.load(resumed / 'epoch_3.pth')['state_dict']
    assert state['key_encoder.steps'].item() == 15
    assert state['queue.ptr'].item() == 8  # 15 batches of 8 in 16 slots


def _shrink_fine_tuning(cfg, ann_file, work_dir):
    """A NW-UCLA fine-tuning config (RepeatDataset over the train set) shrunk
    as small_aimclr_config shrinks the others: one epoch, one pass."""
    from mmfrhead.apis.cli import follow_max_epochs
    cfg.model.backbone.update(WIDTHS)
    cfg.model.cls_head.in_channels = 16
    cfg.train_dataloader.dataset.times = 1
    for loader in (cfg.train_dataloader, cfg.val_dataloader,
                   cfg.test_dataloader):
        loader.update(batch_size=8, num_workers=0, persistent_workers=False)
    datasets = [cfg.train_dataloader.dataset.dataset.dataset,
                cfg.val_dataloader.dataset, cfg.test_dataloader.dataset]
    for dataset in datasets:
        dataset.ann_file = str(ann_file)
        for transform in dataset.pipeline:
            if transform.type == 'ResampleFrames':
                transform.clip_len = 20
    shipped_epochs = cfg.train_cfg.max_epochs
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    follow_max_epochs(cfg, shipped_epochs)
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(work_dir)
    return cfg


def test_semi_supervised_fine_tuning_on_the_labelled_subset(
        pretrained, ucla_subset, tmp_path):
    """aimclr_semi10_ucla_j.py through MMEngine's Runner: the pre-trained
    encoder fine-tuned on a seeded per-class subset of the labels (here a
    quarter of the 4 sequences per class, since 10 % of 4 rounds to none).
    """
    checkpoint = pretrained[0] / 'epoch_2.pth'
    cfg = Config.fromfile(REPO_ROOT / 'configs' / 'aimclr' /
                          'aimclr_semi10_ucla_j.py')
    cfg = _shrink_fine_tuning(cfg, ucla_subset, tmp_path / 'semi')
    cfg.model.backbone.init_cfg.checkpoint = str(checkpoint)
    cfg.train_dataloader.dataset.dataset.fraction = 0.25
    runner = Runner.from_cfg(cfg)
    subset = runner.train_dataloader.dataset.dataset
    labels = [subset.get_data_info(i)['label'] for i in range(len(subset))]
    assert sorted(labels) == list(range(10))  # one sequence per class
    runner.model.init_weights()  # what runner.train() starts with
    pretrained_state = torch.load(checkpoint)['state_dict']
    for key, value in runner.model.backbone.state_dict().items():
        assert torch.equal(value, pretrained_state[f'backbone.{key}']), key
    runner.train()
    log = next((tmp_path / 'semi').glob('*/*.log')).read_text()
    assert 'PerClassSubset of' in log and '10 of 40 samples' in log
    assert re.search(r'Epoch\(train\) \[1\]\[2/2\].*loss_cls: [\d.]+', log)
    assert re.search(r'Epoch\(val\) \[1\]\[3/3\]\s+acc/top1: [\d.]+', log)


def test_a_queue_that_does_not_divide_by_the_batch_is_named(
        ucla_subset, tmp_path):
    config = small_aimclr_config(
        'aimclr_pretrain_ucla_j.py', ucla_subset, tmp_path / 'odd',
        model=dict(queue_size=12))
    with pytest.raises(ValueError, match='model.queue_size = 12 is not a '
                       'multiple of the global batch size 8'):
        Runner.from_cfg(Config.fromfile(config)).train()


@pytest.mark.parametrize('keep_encoder, prefix', [(False, 'backbone.'),
                                                  (True, 'encoder.')])
def test_linear_evaluation_without_encoder_weights_is_named(
        pretrained, ucla_subset, tmp_path, keep_encoder, prefix):
    """A checkpoint of the key encoder and queue only, or a prefix that
    matches nothing: the run stops naming the file and the prefix."""
    state = torch.load(pretrained[0] / 'epoch_2.pth')['state_dict']
    checkpoint = tmp_path / 'pretrained.pth'
    torch.save(
        dict(state_dict={
            k: v
            for k, v in state.items()
            if keep_encoder or not k.startswith('backbone.')
        }), checkpoint)
    config = small_aimclr_config(
        'aimclr_linear_ucla_j.py', ucla_subset, tmp_path / 'linear',
        model=dict(backbone=dict(init_cfg=dict(
            checkpoint=str(checkpoint), prefix=prefix))))
    with pytest.raises(ValueError,
                       match=f'{checkpoint} has no encoder weights for the '
                       f"backbone under the prefix '{prefix}'"):
        Runner.from_cfg(Config.fromfile(config)).train()

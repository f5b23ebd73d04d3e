"""tools/convert_checkpoint.py on the authors'-layout fixture, and training
on from the converted checkpoint with tools/train.py."""
import re
import sys
from pathlib import Path

import pytest
import torch
from _tiny import load_tool  # tests/tools is on sys.path
from mmengine.config import Config
from mmengine.runner import Runner
from test_train import run_tool, small_config

from mmfrhead.converters import convert_frhead_ctrgcn

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'ctrgcn_frhead_ucla_j_short.py'


@pytest.fixture(scope='module')
def source(fixtures_dir):
    return fixtures_dir / 'reference_checkpoints' / 'fr_head_ctrgcn_ucla.pth'


@pytest.fixture(scope='module')
def converted(source, tmp_path_factory):
    """The UCLA fixture converted by the tool, checked against the shipped
    config: ``(path, completed process)``."""
    dst = tmp_path_factory.mktemp('converted') / 'fr_ucla.pth'
    result = run_tool(sys.executable, 'tools/convert_checkpoint.py',
                      str(source), str(dst), '--config', f'configs/{CONFIG}')
    assert result.returncode == 0, result.stderr[-3000:]
    return dst, result


def test_tool_writes_an_mmengine_checkpoint(source, converted):
    dst, result = converted
    checkpoint = torch.load(dst, weights_only=True)
    assert set(checkpoint) == {'state_dict', 'meta'}
    state = checkpoint['state_dict']
    expected = convert_frhead_ctrgcn(
        torch.load(source, weights_only=True)['state_dict'])
    assert list(state) == list(expected)
    assert all(torch.equal(state[k], v) for k, v in expected.items())
    meta = checkpoint['meta']
    assert meta['converted_from'] == str(source)
    assert 'N(0, 1)' in meta['fr_prototypes']
    # The note on the prototypes is printed, and the check names the eight
    # prototype buffers (spatial and temporal, four stages) as the only
    # tensors the model keeps of its own.
    assert 'not converted' in result.stdout and 'N(0, 1)' in result.stdout
    kept = re.search(r'keeps its own (\d+) tensor\(s\): (.*)', result.stdout)
    assert kept and kept.group(1) == '8'
    assert all(k.endswith('prototypes') for k in kept.group(2).split(', '))


def test_tool_errors_name_the_file_and_the_key(source, tmp_path):
    state = torch.load(source, weights_only=True)['state_dict']
    del state['l7.tcn1.branches.0.3.conv.bias']
    bad = tmp_path / 'bad.pt'
    torch.save(state, bad)  # a bare state dict, as the reference saves
    result = run_tool(sys.executable, 'tools/convert_checkpoint.py', str(bad),
                      str(tmp_path / 'out.pth'))
    assert result.returncode == 1
    assert (f"error: {bad}: missing key 'l7.tcn1.branches.0.3.conv.bias'"
            in result.stderr)
    assert not (tmp_path / 'out.pth').exists()

    tool = load_tool('tools/convert_checkpoint.py')
    with pytest.raises(
            ValueError,
            match=f'^{source} does not fit the model: shape mismatch .*'
            'backbone.data_bn.weight'):
        tool.convert(
            str(source), str(tmp_path / 'out.pth'),
            'configs/ctrgcn_frhead_ntu120_xsub_j.py')
    assert not (tmp_path / 'out.pth').exists()


def full_size_config(ann_file: Path, work_dir: Path) -> Config:
    """``small_config`` (one epoch, batch 8, the small real subset) with
    the shipped model and clips back: the converted weights are those of
    the full-size model (64 base channels, 52-frame clips)."""
    cfg = small_config(CONFIG, ann_file, work_dir, max_epochs=1)
    shipped = Config.fromfile(REPO_ROOT / 'configs' / CONFIG)
    cfg.model = shipped.model

    def datasets(c):
        return (c.train_dataloader.dataset.dataset, c.val_dataloader.dataset,
                c.test_dataloader.dataset)

    for small, full in zip(datasets(cfg), datasets(shipped)):
        small.pipeline = full.pipeline
    cfg.dump(cfg.filename)
    return Config.fromfile(cfg.filename)


def missing_keys_reported(output: str) -> list:
    """The keys MMEngine's non-strict load reports missing (printed)."""
    found = re.search(r'missing keys in source state_dict: (.*)', output)
    return found.group(1).split(', ') if found else []


def test_converted_checkpoint_trains_on(converted, ucla_subset, tmp_path):
    dst, _ = converted
    state = torch.load(dst, weights_only=True)['state_dict']
    cfg = full_size_config(ucla_subset, tmp_path / 'work')

    # What training starts from: load_from puts every converted tensor in
    # the model, which keeps only its initial prototypes.
    cfg.load_from = str(dst)
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    start = runner.model.state_dict()
    assert all(torch.equal(start[k], v) for k, v in state.items())
    assert all(k.endswith('prototypes') for k in set(start) - set(state))

    work_dir = tmp_path / 'train'
    result = run_tool(sys.executable,
                      'tools/train.py', cfg.filename, '--work-dir',
                      str(work_dir), '--cfg-options', f'load_from={dst}',
                      'train_cfg.max_epochs=1')
    assert result.returncode == 0, result.stderr[-3000:]
    log = next(work_dir.glob('*/*.log')).read_text()
    assert f'Load checkpoint from {dst}' in log
    output = result.stdout + result.stderr
    assert 'unexpected key' not in output and 'size mismatch' not in output
    missing = missing_keys_reported(output)
    assert len(missing) == 8 and all(k.endswith('prototypes') for k in missing)
    assert re.search(r'loss_cls: [\d.]+\s+loss_fr: [\d.]+', log)
    final = torch.load(work_dir / 'epoch_1.pth')['state_dict']
    for key in ('backbone.gcn.0.gcn.ctrgc.rel_conv.weight',
                'backbone.gcn.9.tcn.reduce.weight', 'cls_head.fc.weight',
                'fr_head.spatial.3.0.weight'):
        assert not torch.equal(final[key], state[key]), key

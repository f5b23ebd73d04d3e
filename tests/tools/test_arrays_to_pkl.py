"""Tests of ``tools/data/arrays_to_pkl.py`` on real MSR Action3D sequences:
a folder of ``.npy`` arrays and a labels CSV, converted, then trained on and
recognised with the README's commands."""
import csv
import pickle
import subprocess
import sys

import numpy as np
import pytest
from _tiny import load_tool
from test_train import REPO_ROOT, last_val_accuracy, run_tool
from test_train_own_data import CONFIG, _options

TOOL = 'tools/data/arrays_to_pkl.py'


@pytest.fixture(scope='module')
def tool():
    return load_tool(TOOL)


@pytest.fixture(scope='module')
def msr(data_root):
    """One odd- and one even-subject sequence of each of the 20 MSR
    Action3D classes (40 real sequences), by name."""
    with open(data_root / 'msr_action3d' / 'msr_action3d_3d.pkl', 'rb') as f:
        annotations = pickle.load(f)['annotations']
    picked = {}
    for label in range(20):
        for parity in (1, 0):
            anno = next(a for a in annotations if a['label'] == label
                        and int(a['frame_dir'][5:7]) % 2 == parity)
            picked[anno['frame_dir']] = anno
    return picked


@pytest.fixture(scope='module')
def msr_folder(msr, tmp_path_factory):
    """The sequences as ``<name>.npy`` (T, V, C) files and ``labels.csv``
    (``sample,label,subject``; the labels are the action names ``aAA``)."""
    src = tmp_path_factory.mktemp('msr_arrays')
    with open(src / 'labels.csv', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(('sample', 'label', 'subject'))
        for name, anno in msr.items():
            np.save(src / f'{name}.npy', anno['keypoint'][0])
            writer.writerow((name, name[:3], name[5:7]))
    return src


def _convert_args(src, out, *extra):
    return [
        '--src', str(src), '--labels', str(src / 'labels.csv'), '--out',
        str(out), '--split', 'subject', '--train-values', '1,3,5,7,9', *extra
    ]


def test_help_needs_neither_torch_nor_mmaction():
    result = run_tool(sys.executable, TOOL, '--help')
    assert result.returncode == 0 and '--train-values' in result.stdout
    check = ('import runpy, sys; runpy.run_path(sys.argv[1]); '
             "print(sorted({'torch', 'mmaction', 'mmengine'} & "
             'set(sys.modules)))')
    result = subprocess.run([sys.executable, '-c', check, TOOL],
                            cwd=REPO_ROOT,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[]'


def test_converts_and_prints_the_summary(tool, msr, msr_folder, tmp_path,
                                         capsys):
    out = tmp_path / 'new' / 'msr.pkl'
    tool.main(_convert_args(msr_folder, out))
    printed = capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    classes = [f'a{i:02d}' for i in range(1, 21)]
    assert data['classes'] == classes
    for anno in data['annotations']:
        np.testing.assert_array_equal(anno['keypoint'],
                                      msr[anno['frame_dir']]['keypoint'])
        assert anno['label'] == msr[anno['frame_dir']]['label']
    frames = [a['total_frames'] for a in msr.values()]
    lines = printed.splitlines()
    assert lines[0].startswith(f'wrote {out} in ')
    assert lines[0].endswith(' s: 40 samples, 20 classes')
    assert '0 a01, 1 a02, 2 a03' in lines[1] and '19 a20' in lines[1]
    assert 'samples per split: train 20, val 20' in lines
    assert '  label    train     val  class' in lines
    assert '     19        1       1  a20' in lines
    assert f'frames: {min(frames)}..{max(frames)}' in lines
    assert 'joints: 20 (layouts with as many: nw_ucla)' in lines
    assert 'channels: 3' in lines and 'persons: 1..1' in lines
    # The first sequences of each class are of subjects 1 and 2 only.
    for subject in (3, 5, 7, 9):
        assert f'no sample has subject {subject} (a train value); the ' \
            "subjects are ['1', '2']" in printed
    assert lines[-1] == (
        f'train with: --cfg-options dataset_meta.ann_file={out} '
        'dataset_meta.train_split=train dataset_meta.val_split=val '
        'dataset_meta.num_classes=20')


def test_classes_file_and_split_names(tool, msr, msr_folder, tmp_path,
                                      capsys):
    classes = tmp_path / 'classes.txt'
    names = [f'a{i:02d}' for i in range(20, 0, -1)]  # reversed order
    classes.write_text('\n'.join(names) + '\n\n')
    out = tmp_path / 'msr.pkl'
    tool.main(
        _convert_args(msr_folder, out, '--classes', str(classes),
                      '--split-names', 'xsub_train,xsub_val'))
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['classes'] == names
    assert sorted(data['split']) == ['xsub_train', 'xsub_val']
    for anno in data['annotations']:
        assert anno['label'] == 19 - msr[anno['frame_dir']]['label']
    assert 'dataset_meta.train_split=xsub_train' in capsys.readouterr().out


def test_bad_input_exits_with_a_message(tool, msr_folder, tmp_path):
    src = tmp_path / 'arrays'
    src.mkdir()
    (src / 'labels.csv').write_text('sample,label\nshort,wave\n')
    np.save(src / 'short.npy', np.zeros((0, 20, 3), np.float32))
    with pytest.raises(SystemExit, match=r"short.npy \(sample 'short'\): "
                       r'empty sequence \(0 frames\)'):
        tool.main(['--src', str(src), '--labels', str(src / 'labels.csv'),
                   '--out', str(tmp_path / 'o.pkl')])
    with pytest.raises(SystemExit, match="the 'subject' split needs train"):
        tool.main(['--src', str(msr_folder), '--labels',
                   str(msr_folder / 'labels.csv'), '--out',
                   str(tmp_path / 'o.pkl'), '--split', 'subject'])
    assert not (tmp_path / 'o.pkl').exists()


def test_the_readme_commands_convert_train_and_infer(msr_folder, tmp_path):
    """``arrays_to_pkl.py``, ``train.py`` with the printed ``dataset_meta``
    options (a tiny model, one epoch), then ``infer.py`` on a user's
    ``.npy`` with the config the training run saved."""
    out = tmp_path / 'msr.pkl'
    result = run_tool(sys.executable, TOOL, *_convert_args(msr_folder, out))
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()[-1].split()
    assert printed[:2] == ['train', 'with:']
    work_dir = tmp_path / 'work'
    # The printed options, then those of the tiny model and one epoch.
    result = run_tool(sys.executable, 'tools/train.py', CONFIG, '--work-dir',
                      str(work_dir), *_options(out), *printed[3:],
                      'train_cfg.max_epochs=1')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 0. <= last_val_accuracy(work_dir) <= 1.
    sample = sorted(msr_folder.glob('*.npy'))[0]
    config = work_dir / CONFIG.split('/')[-1]  # saved by the Runner
    result = run_tool(sys.executable, 'tools/infer.py', str(config),
                      str(work_dir / 'epoch_1.pth'), str(sample))
    assert result.returncode == 0, result.stderr[-3000:]
    frames = np.load(sample).shape[0]
    assert f'1 person(s), {frames} frames, 20 joints' in result.stdout
    assert 'top-5 classes:' in result.stdout

"""Tests of the NW-UCLA JSON loader and converter, on the real release."""
import json
import pickle
import shutil
import time
from collections import Counter

import numpy as np
import pytest
from mmaction.datasets import PoseDataset
from mmengine.registry import DefaultScope

from mmfrhead.datasets.nw_ucla_json_file import convert_ucla, load_ucla_json

ONE_FRAME = 'a02_s09_e04_v02'  # one of the two 1-frame sequences
SAMPLES = [
    'a01_s01_e00_v01', 'a01_s01_e00_v03', ONE_FRAME, 'a03_s08_e01_v01',
    'a04_s02_e01_v02', 'a05_s03_e02_v03', 'a06_s10_e00_v01', 'a08_s04_e00_v01',
    'a09_s05_e01_v02', 'a11_s06_e02_v03', 'a12_s07_e03_v01'
]
# Sequences per JSON label 1..10 (dataset README).
LABEL_COUNTS = [150, 152, 141, 173, 148, 149, 142, 142, 145, 142]


@pytest.fixture(scope='module')
def full_pkl(ucla_json_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp('ucla') / 'nw_ucla_3d.pkl'
    start = time.perf_counter()
    summary = convert_ucla(ucla_json_dir, out)
    return out, summary, time.perf_counter() - start


def _raw(ucla_json_dir, name):
    with open(ucla_json_dir / f'{name}.json') as f:
        return json.load(f)


def test_load_ucla_json(ucla_json_dir):
    name = 'a01_s01_e00_v01'
    keypoint = load_ucla_json(ucla_json_dir / f'{name}.json')
    expected = np.array(_raw(ucla_json_dir, name)['skeletons'], np.float32)
    assert keypoint.dtype == np.float32
    assert keypoint.shape == (expected.shape[0], 20, 3)
    np.testing.assert_array_equal(keypoint, expected)
    one_frame = load_ucla_json(ucla_json_dir / f'{ONE_FRAME}.json')
    assert one_frame.shape == (1, 20, 3)


def test_convert_subset(ucla_json_dir, tmp_path):
    src = tmp_path / 'all_sqe'
    src.mkdir()
    for name in SAMPLES:
        shutil.copy(ucla_json_dir / f'{name}.json', src)
    summary = convert_ucla(src, tmp_path / 'deep' / 'out.pkl')
    names = sorted(SAMPLES)
    assert summary['num_samples'] == len(names)
    with open(tmp_path / 'deep' / 'out.pkl', 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == {
        'xview_train': [n for n in names if n[-3:] in ('v01', 'v02')],
        'xview_val': [n for n in names if n.endswith('v03')]
    }
    assert summary['splits'] == {'xview_train': 8, 'xview_val': 3}
    assert [a['frame_dir'] for a in data['annotations']] == names
    for anno in data['annotations']:
        raw = _raw(ucla_json_dir, anno['frame_dir'])
        assert anno['label'] == raw['label'] - 1
        assert anno['keypoint'].dtype == np.float32
        assert anno['keypoint'].shape == (1, anno['total_frames'], 20, 3)
        np.testing.assert_array_equal(anno['keypoint'][0],
                                      np.array(raw['skeletons'], np.float32))
    one = data['annotations'][names.index(ONE_FRAME)]
    assert one['total_frames'] == 1 and one['label'] == 1


def test_convert_full(full_pkl, data_root):
    out, summary, seconds = full_pkl
    assert seconds < 10, f'full conversion took {seconds:.1f} s'
    assert summary['splits'] == {'xview_train': 1020, 'xview_val': 464}
    assert summary['num_samples'] == 1484 and summary['num_frames'] == 58534
    with open(out, 'rb') as f:
        data = pickle.load(f)
    train, val = data['split']['xview_train'], data['split']['xview_val']
    assert not set(train) & set(val)
    assert all(n.endswith('v03') for n in val)
    labels = Counter(a['label'] for a in data['annotations'])
    assert [labels[i] for i in range(10)] == LABEL_COUNTS
    # Same content as the derived pkl shipped with the data.
    with open(data_root / 'nw_ucla' / 'nw_ucla_3d.pkl', 'rb') as f:
        reference = pickle.load(f)
    assert data['split'] == reference['split']
    for ours, ref in zip(data['annotations'], reference['annotations']):
        assert ours['frame_dir'] == ref['frame_dir']
        assert ours['label'] == ref['label']
        np.testing.assert_array_equal(ours['keypoint'], ref['keypoint'])


def _corrupt(record):
    """Corruptions of a raw record: (file text, words of the message)."""
    skel = record['skeletons']

    def text(skeletons):
        # json writes float('nan') as the NaN literal, which it reads back.
        return json.dumps(dict(record, skeletons=skeletons))

    nan_frame = [[float('nan')] * 3] * 20
    return {
        'empty': (text([]), '0 frames'),
        'nan': (text(skel[:2] + [nan_frame] + skel[2:]),
                'NaN/inf coordinates in frame 2'),
        'joints19': (text([f[:19] for f in skel]),
                     'found 19 joints, expected 20'),
        'coords2': (text([[j[:2] for j in f] for f in skel]),
                    'found 2 per joint, expected 3'),
        'ragged': (text(skel[:3] + [skel[3][:19]] + skel[4:]),
                   'frame 3 has shape (19, 3)'),
        'truncated': (json.dumps(record)[:500], 'not valid JSON'),
        'no_skeletons': (json.dumps({'label': 1}), "no 'skeletons'"),
        'not_list': (text({'frames': skel}), "'skeletons' is not a list"),
        'binary': ('\udcff', 'not valid JSON'),
    }


@pytest.mark.parametrize('kind', [
    'empty', 'nan', 'joints19', 'coords2', 'ragged', 'truncated',
    'no_skeletons', 'not_list', 'binary'
])
def test_load_ucla_json_errors(ucla_json_dir, tmp_path, kind):
    text, words = _corrupt(_raw(ucla_json_dir, 'a01_s01_e00_v01'))[kind]
    path = tmp_path / 'a01_s01_e00_v01.json'
    path.write_bytes(text.encode('utf-8', 'surrogateescape'))
    with pytest.raises(ValueError, match='a01_s01_e00_v01.json') as err:
        load_ucla_json(path)
    assert words in str(err.value)


def test_convert_reports_every_bad_file(ucla_json_dir, tmp_path):
    record = _raw(ucla_json_dir, 'a01_s01_e00_v01')
    corrupt = _corrupt(record)
    for name in SAMPLES[:4]:
        shutil.copy(ucla_json_dir / f'{name}.json', tmp_path)
    (tmp_path / 'a01_s02_e00_v01.json').write_text(corrupt['nan'][0])
    (tmp_path / 'a01_s02_e00_v02.json').write_text(corrupt['truncated'][0])
    (tmp_path / 'a01_s02_e00_v04.json').write_text(json.dumps(record))
    (tmp_path / 'a01_s02_e00_v03.json').write_text(
        json.dumps(dict(record, label=11)))
    (tmp_path / 'notes.json').write_text(json.dumps(record))
    out = tmp_path / 'out.pkl'
    with pytest.raises(ValueError) as err:
        convert_ucla(tmp_path, out)
    message = str(err.value)
    assert message.startswith('5 of 9 NW-UCLA files are malformed')
    for name, words in [('a01_s02_e00_v01', 'NaN'),
                        ('a01_s02_e00_v02', 'not valid JSON'),
                        ('a01_s02_e00_v04', 'unknown view v04'),
                        ('a01_s02_e00_v03', 'label 11'),
                        ('notes', 'file name')]:
        line = next(li for li in message.splitlines() if f'{name}.json' in li)
        assert words in line
    assert not out.exists()


def test_convert_missing_or_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        convert_ucla(tmp_path / 'missing', tmp_path / 'out.pkl')
    with pytest.raises(ValueError, match='no .json file'):
        convert_ucla(tmp_path, tmp_path / 'out.pkl')


def _pipeline(test_mode):
    view = [] if test_mode else [dict(type='RandomViewTransform')]
    return [
        dict(type='CentreOnJoint'), *view,
        dict(type='MinMaxNormalize'),
        dict(type='ResampleFrames', clip_len=52, test_mode=test_mode),
        dict(type='FormatGCNInput', num_person=1),
        dict(type='PackActionInputs')
    ]


@pytest.mark.parametrize('split,test_mode,size', [('xview_train', False, 1020),
                                                  ('xview_val', True, 464)])
def test_pose_dataset_pipeline(full_pkl, split, test_mode, size):
    np.random.seed(0)
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = PoseDataset(
            ann_file=str(full_pkl[0]),
            pipeline=_pipeline(test_mode),
            split=split,
            test_mode=test_mode)
    assert len(dataset) == size
    infos = [dataset.get_data_info(i) for i in range(size)]
    names = [info['frame_dir'] for info in infos]
    # a02_s09_e04 has one frame in views 2 and 3.
    indices = [0] + [i for i, n in enumerate(names) if 'a02_s09_e04' in n]
    assert len(indices) == 2
    for index in indices:
        sample = dataset[index]
        inputs = sample['inputs']
        assert tuple(inputs.shape) == (1, 1, 52, 20, 3)
        assert inputs.abs().max() <= 1 + 1e-6
        assert sample['data_samples'].gt_label.item() == \
            infos[index]['label']

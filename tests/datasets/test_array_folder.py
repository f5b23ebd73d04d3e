"""Tests of the array-folder converter, on real NW-UCLA and UCF101 poses.

Real sequences are written out as the per-sample ``.npy`` / ``.json``
files and the labels CSV a user brings, converted, and compared with the
source arrays.
"""
import csv
import json
import pickle
import re

import numpy as np
import pytest
from mmaction.datasets import PoseDataset
from mmengine.registry import DefaultScope

from mmfrhead.datasets.array_folder import convert_arrays, load_array_file
from mmfrhead.datasets.class_names import UCLA_CLASSES

# How the samples are written, in turn: (T, V, C) and (M, T, V, C) arrays,
# a JSON nested list and a JSON object.
FORMS = ('npy3', 'npy4', 'json_list', 'json_object')


@pytest.fixture(scope='module')
def ucla(data_root):
    """Every 50th of the first 150 sequences of each NW-UCLA class (30,
    real; subjects 1, 3, 4, 6, 7 and 8, all three views)."""
    with open(data_root / 'nw_ucla' / 'nw_ucla_3d.pkl', 'rb') as f:
        annotations = pickle.load(f)['annotations']
    picked = []
    for label in range(len(UCLA_CLASSES)):
        picked += [a for a in annotations if a['label'] == label][:150:50]
    return {a['frame_dir']: a for a in picked}


def write_sample(folder, name, keypoint, form, score=None):
    """Write one sample file in ``form``; return its path."""
    if form.startswith('npy'):
        path = folder / f'{name}.npy'
        np.save(path, keypoint[0] if form == 'npy3' else keypoint)
        return path
    path = folder / f'{name}.json'
    content = keypoint.tolist()
    if form == 'json_object':
        content = dict(keypoint=content)
        if score is not None:
            content['keypoint_score'] = score.tolist()
    path.write_text(json.dumps(content))
    return path


def write_csv(path, rows, columns=('sample', 'label', 'subject', 'view')):
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def ucla_rows(samples, label=lambda a: UCLA_CLASSES[a['label']]):
    """CSV rows ``sample, label, subject, view`` (from the name
    ``aAA_sSS_eEE_vVV``; subject and view keep their leading zero)."""
    return [(name, label(a), name[5:7], name[-2:])
            for name, a in samples.items()]


@pytest.fixture
def folder(ucla, tmp_path):
    """The 30 sequences in every form, and their CSV with class names."""
    src = tmp_path / 'arrays'
    src.mkdir()
    for i, (name, anno) in enumerate(sorted(ucla.items())):
        write_sample(src, name, anno['keypoint'], FORMS[i % len(FORMS)])
    write_csv(src / 'labels.csv', ucla_rows(ucla))
    return src


def _load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def test_round_trip_with_a_view_split(ucla, folder, tmp_path):
    out = tmp_path / 'deep' / 'mine.pkl'
    summary = convert_arrays(
        folder, folder / 'labels.csv', out, split='view',
        train_values=['1', '2'])
    data = _load(out)
    names = sorted(ucla)
    assert [a['frame_dir'] for a in data['annotations']] == names
    assert data['classes'] == sorted(UCLA_CLASSES)
    for anno in data['annotations']:
        source = ucla[anno['frame_dir']]
        assert anno['keypoint'].dtype == np.float32
        np.testing.assert_array_equal(anno['keypoint'], source['keypoint'])
        assert anno['total_frames'] == source['total_frames']
        assert data['classes'][anno['label']] == \
            UCLA_CLASSES[source['label']]
        assert 'keypoint_score' not in anno
    assert data['split'] == {
        'train': [n for n in names if n[-3:] in ('v01', 'v02')],
        'val': [n for n in names if n.endswith('v03')]
    }
    frames = [a['total_frames'] for a in ucla.values()]
    assert summary['frames'] == (min(frames), max(frames))
    assert summary['joints'] == 20 and summary['channels'] == 3
    assert summary['persons'] == (1, 1) and not summary['keypoint_score']
    assert summary['num_classes'] == 10 and summary['warnings'] == []
    assert summary['splits'] == {
        name: len(members)
        for name, members in data['split'].items()
    }
    assert [sum(c) for c in zip(*summary['per_class'].values())] == [3] * 10


def test_subject_values_compare_as_integers(ucla, folder, tmp_path):
    out = tmp_path / 'mine.pkl'
    summary = convert_arrays(
        folder, folder / 'labels.csv', out, split='subject',
        train_values=['1', '03', '99'], split_names=('fit', 'check'))
    split = _load(out)['split']
    assert split['fit'] == sorted(
        n for n in ucla if n[4:7] in ('s01', 's03'))
    assert set(split['check']) == set(ucla) - set(split['fit'])
    assert len(summary['warnings']) == 1
    assert 'no sample has subject 99 (a train value)' in \
        summary['warnings'][0]


def test_random_split_is_seeded_and_stratified(ucla, folder, tmp_path):
    splits = []
    for seed in (0, 0, 1):
        out = tmp_path / f'seed{seed}.pkl'
        summary = convert_arrays(
            folder, folder / 'labels.csv', out, val_fraction=0.34, seed=seed)
        splits.append(_load(out)['split'])
        # round(3 * 0.34) = 1 of the 3 sequences of each class.
        assert summary['per_class'] == {'train': [2] * 10, 'val': [1] * 10}
    assert splits[0] == splits[1] and splits[0] != splits[2]
    assert sorted(splits[0]['train'] + splits[0]['val']) == sorted(ucla)


def test_a_class_keeps_a_training_sample(ucla, tmp_path):
    names = sorted(ucla)[:3]
    for name in names:
        write_sample(tmp_path, name, ucla[name]['keypoint'], 'npy4')
    # Class a: one sample each way at 0.5; class b: its only one in train.
    write_csv(tmp_path / 'labels.csv',
              [(n, label) for n, label in zip(names, 'aab')],
              ('sample', 'label'))
    summary = convert_arrays(
        tmp_path, tmp_path / 'labels.csv', tmp_path / 'o.pkl',
        val_fraction=0.5)
    assert summary['per_class'] == {'train': [1, 1], 'val': [1, 0]}


def test_integer_labels_are_kept(ucla, folder, tmp_path):
    write_csv(folder / 'labels.csv', ucla_rows(ucla, lambda a: a['label']))
    out = tmp_path / 'mine.pkl'
    summary = convert_arrays(folder, folder / 'labels.csv', out)
    data = _load(out)
    assert 'classes' not in data and summary['classes'] is None
    for anno in data['annotations']:
        assert anno['label'] == ucla[anno['frame_dir']]['label']


def test_given_classes_fix_the_label_order(ucla, folder, tmp_path):
    rows = ucla_rows(ucla)
    rows[0] = (rows[0][0], str(ucla[rows[0][0]]['label'])) + rows[0][2:]
    write_csv(folder / 'labels.csv', rows)  # names, and one integer id
    out = tmp_path / 'mine.pkl'
    convert_arrays(folder, folder / 'labels.csv', out, classes=UCLA_CLASSES)
    data = _load(out)
    assert data['classes'] == list(UCLA_CLASSES)
    for anno in data['annotations']:
        assert anno['label'] == ucla[anno['frame_dir']]['label']


def test_a_file_without_a_row_is_left_out_with_a_warning(ucla, folder,
                                                         tmp_path):
    extra = sorted(ucla)[0]
    rows = [r for r in ucla_rows(ucla) if r[0] != extra]
    write_csv(folder / 'labels.csv', rows)
    (folder / 'notes.txt').write_text('not a sample')
    out = tmp_path / 'mine.pkl'
    summary = convert_arrays(folder, folder / 'labels.csv', out)
    assert extra not in [a['frame_dir'] for a in _load(out)['annotations']]
    assert len(summary['warnings']) == 1
    assert f"{extra}.npy (sample '{extra}'): no row in" in \
        summary['warnings'][0]


@pytest.fixture(scope='module')
def ucf_poses(fixtures_dir):
    """A real 2D pose sequence (2 persons, COCO-17 HRNet, with scores)."""
    with open(fixtures_dir / 'paddlevideo' / 'example_UCF101_skeleton.pkl',
              'rb') as f:
        return pickle.load(f)


def test_2d_poses_with_scores(ucf_poses, tmp_path):
    keypoint, score = ucf_poses['keypoint'], ucf_poses['keypoint_score']
    cuts = [(0, 40), (40, 80), (80, 120), (120, 163)]
    rows = []
    for i, (start, end) in enumerate(cuts):
        write_sample(tmp_path, f'clip{i}', keypoint[:, start:end],
                     'json_object', score[:, start:end])
        rows.append((f'clip{i}.json', 'ApplyEyeMakeup' if i % 2 else 'Other'))
    write_csv(tmp_path / 'labels.csv', rows, ('sample', 'label'))
    out = tmp_path / 'ucf.pkl'
    summary = convert_arrays(
        tmp_path, tmp_path / 'labels.csv', out, val_fraction=0.5)
    data = _load(out)
    assert data['classes'] == ['ApplyEyeMakeup', 'Other']
    for anno, (start, end) in zip(data['annotations'], cuts):
        np.testing.assert_array_equal(anno['keypoint'],
                                      keypoint[:, start:end])
        np.testing.assert_array_equal(anno['keypoint_score'],
                                      score[:, start:end])
        assert anno['keypoint_score'].dtype == np.float32
    assert summary['persons'] == (2, 2) and summary['joints'] == 17
    assert summary['channels'] == 2 and summary['keypoint_score']
    # MMAction2's 2D pipeline: it samples the scores with the coordinates.
    pipeline = [
        dict(type='UniformSampleFrames', clip_len=16, test_mode=True),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = PoseDataset(
            ann_file=str(out), pipeline=pipeline, split='val',
            test_mode=True)
    assert len(dataset) == 2
    sample = dataset[0]
    # (clips, M, T, V, x + y + score)
    assert tuple(sample['inputs'].shape) == (1, 2, 16, 17, 3)
    label = {a['frame_dir']: a['label'] for a in data['annotations']}
    assert sample['data_samples'].gt_label.item() == \
        label[data['split']['val'][0]]


def _fault(kind, src, ucla):
    """Break the folder of ``folder`` in one way.

    Returns:
        tuple: (name of the broken sample, file or CSV name the message
        must hold, words of the message, options of the conversion).
    """
    names = sorted(ucla)
    name = names[4]  # an npy3 sample
    keypoint = ucla[name]['keypoint']
    rows = ucla_rows(ucla)
    index = next(i for i, r in enumerate(rows) if r[0] == name)
    options = {}
    path = src / f'{name}.npy'
    csv_line = f'labels.csv, line {index + 2}'
    if kind == 'no_file':
        path.unlink()
        return name, csv_line, 'has no file', options
    if kind == 'wrong_ndim':
        np.save(path, keypoint[0, :, :, 0])
        return name, path.name, 'wrong ndim: shape', options
    if kind == 'joints':
        np.save(path, keypoint[:, :, :19])
        return name, path.name, 'it has 19 joints, but 29 of the 30 ' \
            'samples have 20 joints', options
    if kind == 'channels':
        np.save(path, keypoint[..., :2])
        return name, path.name, 'it has 2 coordinates per joint', options
    if kind == 'nan':
        broken = keypoint.copy()
        broken[0, 2, 5, 1] = np.nan
        broken[0, 4, 0, 0] = np.inf
        np.save(path, broken)
        return name, path.name, 'NaN/inf coordinates in frame 2 (2 ' \
            'frame(s) affected)', options
    if kind == 'zero_frames':
        np.save(path, keypoint[:, :0])
        return name, path.name, '0 frames', options
    if kind == 'not_numeric':
        np.save(path, np.array([['x'] * 3] * 20))
        return name, path.name, 'not numeric (dtype <U1)', options
    if kind == 'two_files':
        write_sample(src, name, keypoint, 'json_list')
        return name, csv_line, "several files ['", options
    if kind == 'bad_json':
        path.unlink()
        (src / f'{name}.json').write_text('[[[0.1, 0.2')
        return name, f'{name}.json', 'not valid JSON', options
    if kind == 'ragged_json':
        path.unlink()
        frames = keypoint[0].tolist()
        frames[3] = frames[3][:19]
        (src / f'{name}.json').write_text(json.dumps(frames))
        return name, f'{name}.json', 'ragged or not numeric', options
    if kind == 'score_shape':
        path.unlink()
        (src / f'{name}.json').write_text(
            json.dumps(
                dict(keypoint=keypoint.tolist(),
                     keypoint_score=np.ones(keypoint.shape[1:3]).T.tolist())))
        return name, f'{name}.json', "'keypoint_score' has shape", options
    rows[index] = (name, ) + {
        'unknown_label': ('jumping', ),
        'negative_label': ('-1', ),
        'no_label': ('', ),
        'mixed_labels': ('3', ),
        'no_subject': (rows[index][1], ''),
        'repeated': (rows[index][1], ),
    }[kind] + rows[index][2 + (kind == 'no_subject'):]
    if kind == 'repeated':
        rows.append(rows[index])
        csv_line = f'labels.csv, line {len(rows) + 1}'
    if kind == 'unknown_label':
        options = dict(classes=UCLA_CLASSES)
    if kind == 'negative_label':
        rows = [(r[0], str(ucla[r[0]]['label'])) + r[2:] for r in rows]
        rows[index] = (name, '-1') + rows[index][2:]
    if kind == 'no_subject':
        options = dict(split='subject', train_values=['1'])
    write_csv(src / 'labels.csv', rows)
    words = {
        'unknown_label': "unknown label 'jumping', not one of the 10 given",
        'negative_label': 'unknown label -1: ids are 0-based',
        'no_label': 'has no label',
        'mixed_labels': "has the integer '3': use class names or 0-based",
        'no_subject': 'has no subject value',
        'repeated': f'repeats {src / "labels.csv"}, line {index + 2}',
    }[kind]
    return name, csv_line, words, options


FAULTS = [
    'no_file', 'wrong_ndim', 'joints', 'channels', 'nan', 'zero_frames',
    'not_numeric', 'two_files', 'bad_json', 'ragged_json', 'score_shape',
    'unknown_label', 'negative_label', 'no_label', 'mixed_labels',
    'no_subject', 'repeated'
]


@pytest.mark.parametrize('kind', FAULTS)
def test_each_fault_names_file_sample_and_problem(kind, ucla, folder,
                                                  tmp_path):
    name, where, words, options = _fault(kind, folder, ucla)
    out = tmp_path / 'mine.pkl'
    with pytest.raises(ValueError) as err:
        convert_arrays(folder, folder / 'labels.csv', out, **options)
    lines = str(err.value).splitlines()
    assert lines[0].startswith('1 problem(s) in ')
    assert where in lines[1] and repr(name) in lines[1], lines[1]
    assert words in lines[1], lines[1]
    assert not out.exists()


def test_every_fault_is_reported_before_writing(ucla, folder, tmp_path):
    names = sorted(ucla)
    np.save(folder / f'{names[4]}.npy', ucla[names[4]]['keypoint'][:, :0])
    (folder / f'{names[8]}.npy').unlink()
    rows = ucla_rows(ucla) + [('a99_s01_e00_v01', 'carry', '01', '01')]
    write_csv(folder / 'labels.csv', rows)
    out = tmp_path / 'mine.pkl'
    with pytest.raises(ValueError) as err:
        convert_arrays(folder, folder / 'labels.csv', out)
    message = str(err.value)
    assert message.startswith('3 problem(s) in ')
    for name in (names[4], names[8], 'a99_s01_e00_v01'):
        assert f"sample '{name}'" in message
    assert not out.exists()


def test_load_array_file_shapes(ucla, tmp_path):
    name = sorted(ucla)[0]
    source = ucla[name]['keypoint']
    for form in FORMS:
        path = write_sample(tmp_path, f'{name}_{form}', source, form)
        keypoint, score = load_array_file(path)
        np.testing.assert_array_equal(keypoint, source)
        assert score is None
    path = tmp_path / 'empty.json'
    path.write_text('[]')
    with pytest.raises(ValueError, match=r'empty.json: empty sequence \(0'):
        load_array_file(path)
    path = tmp_path / 'x.txt'
    path.write_text('0 0 0')
    with pytest.raises(ValueError, match="x.txt: unsupported file type"):
        load_array_file(path)


def test_bad_options_and_inputs(ucla, folder, tmp_path):
    csv_file, out = folder / 'labels.csv', tmp_path / 'o.pkl'
    cases = [
        (dict(split='person'), ValueError, 'unknown split rule'),
        (dict(split='view'), ValueError, "the 'view' split needs train"),
        (dict(train_values=['1']), ValueError, 'not the random one'),
        (dict(split='camera', train_values=['1']), ValueError,
         "no 'camera' column, needed by the 'camera' split; the columns are "
         "['sample', 'label', 'subject', 'view']"),
        (dict(val_fraction=1.0), ValueError, 'val_fraction must lie in'),
        (dict(split_names=('a', 'a')), ValueError, 'two different names'),
        (dict(split='view', train_values=['1', '2', '3']), ValueError,
         "split 'val' would be empty"),
    ]
    for options, error, words in cases:
        with pytest.raises(error, match=re.escape(words)):
            convert_arrays(folder, csv_file, out, **options)
    with pytest.raises(FileNotFoundError, match='sample folder not found'):
        convert_arrays(tmp_path / 'missing', csv_file, out)
    with pytest.raises(FileNotFoundError, match='labels CSV not found'):
        convert_arrays(folder, tmp_path / 'missing.csv', out)
    csv_file.write_text('name,class\nx,1\n')
    with pytest.raises(ValueError, match=r"no \['sample', 'label'\] col"):
        convert_arrays(folder, csv_file, out)
    csv_file.write_text('sample,label\n\n')
    with pytest.raises(ValueError, match='no sample row'):
        convert_arrays(folder, csv_file, out)
    assert not out.exists()

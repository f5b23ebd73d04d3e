"""Tests of the NTU RGB+D raw-file parser, body selection and splits."""
import pickle
import re

import numpy as np
import pytest

from mmfrhead.datasets.ntu_skeleton_file import (BODY_SELECTIONS,
                                                 MissingSkeletonError,
                                                 build_splits, in_benchmark,
                                                 is_spread_noise,
                                                 load_annotation,
                                                 missing_skeleton_list,
                                                 parse_sample_name,
                                                 read_skeleton, sample_splits,
                                                 select_bodies)

NAME = 'S001C001P001R001A001'
LINES_PER_FRAME = 28  # bodyCount, body info, jointCount, 25 joints


@pytest.fixture(scope='module')
def raw_file(fixtures_dir):
    return fixtures_dir / 'ntu_raw' / f'{NAME}.skeleton'


@pytest.fixture(scope='module')
def raw_lines(raw_file):
    return raw_file.read_text().splitlines()


def write_lines(folder, lines, name=NAME):
    path = folder / f'{name}.skeleton'
    path.write_text('\n'.join(lines) + '\n')
    return path


def frame_start(frame):
    """0-based index of the bodyCount line of ``frame`` in the fixture."""
    return 1 + frame * LINES_PER_FRAME


def add_body(lines, body_id, shift, frames):
    """Copy the fixture's body into ``frames`` as a second, shifted body."""
    out = [lines[0]]
    for frame in range(int(lines[0])):
        start = frame_start(frame)
        block = lines[start + 1:start + LINES_PER_FRAME]
        if frame not in frames:
            out += ['1'] + block
            continue
        copy = [f'{body_id} ' + block[0].split(' ', 1)[1], block[1]]
        for line in block[2:]:
            values = line.split()
            xyz = [float(v) + s for v, s in zip(values[:3], shift)]
            copy.append(' '.join([f'{v:.7g}' for v in xyz] + values[3:]))
        out += ['2'] + block + copy
    return out


def test_read_skeleton_fixture(raw_file):
    skeleton = read_skeleton(raw_file)
    assert skeleton['num_frames'] == 103
    assert list(skeleton['bodies']) == [72057594037931101]
    body = skeleton['bodies'][72057594037931101]
    assert body['xyz'].shape == (103, 25, 3)
    assert body['xyz'].dtype == np.float32
    np.testing.assert_array_equal(body['frames'], np.arange(103))
    np.testing.assert_array_equal(body['slots'], 0)
    np.testing.assert_allclose(body['xyz'][0, 0],
                               [0.2181153, 0.1725972, 3.785547])


@pytest.mark.parametrize('mode', BODY_SELECTIONS)
def test_matches_pyskl_pkl(raw_file, fixtures_dir, mode):
    with open(fixtures_dir / 'ntu_raw' / f'{NAME}_pyskl_3d.pkl', 'rb') as f:
        expected = pickle.load(f)['annotations'][0]
    annotation, warnings = load_annotation(raw_file, mode)
    assert warnings == []
    assert annotation['frame_dir'] == expected['frame_dir']
    assert annotation['label'] == expected['label'] == 0
    assert annotation['total_frames'] == expected['total_frames'] == 103
    assert annotation['keypoint'].dtype == np.float32
    assert annotation['keypoint'].shape == expected['keypoint'].shape
    np.testing.assert_allclose(
        annotation['keypoint'], expected['keypoint'], rtol=0, atol=1e-6)


def pairwise_distances(xyz):
    """(T, V, 3) -> (T, V, V) joint distance matrices."""
    return np.linalg.norm(xyz[:, :, None] - xyz[:, None], axis=-1)


def test_matches_2sagcn_sample_up_to_rigid_transform(raw_file, fixtures_dir):
    with open(fixtures_dir / 'ntu_2sagcn_tiny' / 'xview_tiny_data.pkl',
              'rb') as f:
        tiny = pickle.load(f)
    assert tiny['sample_name'][0] == f'{NAME}.skeleton'
    theirs = np.asarray(tiny['data'][0, :, :103, :, 0]).transpose(1, 2, 0)
    ours = load_annotation(raw_file)[0]['keypoint'][0]
    np.testing.assert_allclose(
        pairwise_distances(ours.astype(np.float64)),
        pairwise_distances(theirs.astype(np.float64)),
        rtol=0,
        atol=1e-4)


def corrupt_truncated(lines):
    return lines[:1000]


def corrupt_extra_body(lines):
    out = list(lines)
    out[frame_start(5)] = '2'
    return out


def corrupt_extra_body_last_frame(lines):
    out = list(lines)
    out[frame_start(102)] = '2'
    return out


def corrupt_letters(lines):
    out = list(lines)
    out[10] = out[10].replace('.', 'a', 1)
    return out


def corrupt_24_joints(lines):
    out = list(lines)
    out[3] = '24'
    del out[4]
    return out


def corrupt_short_line(lines):
    out = list(lines)
    out[20] = out[20].rsplit(' ', 1)[0]
    return out


def corrupt_trailing(lines):
    return lines + ['1']


def corrupt_frame_count(lines):
    return ['104'] + lines[1:]


@pytest.mark.parametrize('corrupt, line, reason', [
    (corrupt_truncated, 1001, 'truncated file'),
    (corrupt_extra_body, frame_start(6) + 1, 'wrong number of values'),
    (corrupt_extra_body_last_frame, 2886, 'truncated file'),
    (corrupt_letters, 11, 'non-numeric token'),
    (corrupt_24_joints, 4, 'wrong joint count'),
    (corrupt_short_line, 21, 'wrong number of values'),
    (corrupt_trailing, 2886, 'trailing content'),
    (corrupt_frame_count, 2886, 'truncated file'),
])
def test_malformed_files_raise(tmp_path, raw_lines, corrupt, line, reason):
    path = write_lines(tmp_path, corrupt(raw_lines))
    with pytest.raises(ValueError) as info:
        read_skeleton(path)
    message = str(info.value)
    assert message.startswith(f'{path}, line {line}: ')
    assert reason in message


def test_two_bodies_kept_in_both_modes(tmp_path, raw_lines, raw_file):
    shift = (1.0, 0.0, 0.5)
    lines = add_body(raw_lines, 72057594037931999, shift, range(103))
    skeleton = read_skeleton(write_lines(tmp_path, lines))
    assert len(skeleton['bodies']) == 2
    original = read_skeleton(raw_file)['bodies'][72057594037931101]['xyz']
    for mode in BODY_SELECTIONS:
        keypoint, warnings = select_bodies(skeleton, mode)
        assert warnings == []
        assert keypoint.shape == (2, 103, 25, 3)
        actors = sorted(keypoint, key=lambda actor: actor[..., 0].mean())
        np.testing.assert_allclose(actors[0], original, atol=1e-6)
        np.testing.assert_allclose(actors[1], original + shift, atol=1e-5)


def first_frames(lines, num_frames):
    """The fixture cut to its first ``num_frames`` frames."""
    return [str(num_frames)] + lines[1:frame_start(num_frames)]


def test_denoise_drops_short_body(tmp_path, raw_lines):
    lines = add_body(raw_lines, 7, (1.0, 0.0, 0.0), range(11))
    skeleton = read_skeleton(write_lines(tmp_path, lines))
    assert select_bodies(skeleton, 'denoise')[0].shape == (1, 103, 25, 3)
    assert select_bodies(skeleton, 'energy')[0].shape == (2, 103, 25, 3)


def test_denoise_merges_non_overlapping_bodies(tmp_path, raw_lines, raw_file):
    # Frames 60-102 carry another bodyID: two bodies whose frame ranges do
    # not overlap form a single actor.
    lines = list(raw_lines)
    for frame in range(60, 103):
        info = frame_start(frame) + 1
        lines[info] = '7 ' + lines[info].split(' ', 1)[1]
    skeleton = read_skeleton(write_lines(tmp_path, lines))
    assert len(skeleton['bodies']) == 2
    keypoint, warnings = select_bodies(skeleton, 'denoise')
    assert warnings == []
    np.testing.assert_array_equal(keypoint,
                                  load_annotation(raw_file)[0]['keypoint'])


def test_denoise_falls_back_when_every_body_is_noise(tmp_path, raw_lines):
    lines = add_body(
        first_frames(raw_lines, 11), 7, (1.0, 0.0, 0.0), range(11))
    skeleton = read_skeleton(write_lines(tmp_path, lines))
    keypoint, warnings = select_bodies(skeleton, 'denoise')
    assert keypoint.shape == (1, 11, 25, 3)
    assert len(warnings) == 1 and 'removed all 2 bodies' in warnings[0]


def test_spread_rule(raw_file):
    xyz = read_skeleton(raw_file)['bodies'][72057594037931101]['xyz']
    assert not is_spread_noise(xyz)
    assert is_spread_noise(xyz[..., [1, 0, 2]])  # lying body: wide, flat


def test_missing_skeleton(tmp_path):
    path = write_lines(tmp_path, ['3', '0', '0', '0'])
    assert read_skeleton(path) == dict(num_frames=3, bodies={})
    with pytest.raises(MissingSkeletonError, match=re.escape(str(path))):
        load_annotation(path)


def test_names_and_splits():
    assert parse_sample_name(f'data/{NAME}.skeleton') == dict(
        setup=1, camera=1, performer=1, replication=1, action=1)
    with pytest.raises(ValueError, match='SsssCcccPpppRrrrAaaa'):
        parse_sample_name('S001C001P001R001.skeleton')
    assert sample_splits(NAME, 'ntu60') == ['xsub_train', 'xview_val']
    assert sample_splits(NAME, 'ntu120') == ['xsub_train', 'xset_val']
    assert sample_splits('S002C002P003R001A120',
                         'ntu120') == ['xsub_val', 'xset_train']
    assert sample_splits('S032C003P103R002A100',
                         'ntu120') == ['xsub_train', 'xset_train']
    assert in_benchmark('S017C001P001R001A060', 'ntu60')
    assert not in_benchmark('S001C001P001R001A061', 'ntu60')
    assert not in_benchmark('S018C001P001R001A001', 'ntu60')
    assert in_benchmark('S018C001P001R001A001', 'ntu120')
    splits = build_splits([NAME, 'S001C002P003R001A001'], 'ntu60')
    assert splits == dict(
        xsub_train=[NAME],
        xsub_val=['S001C002P003R001A001'],
        xview_train=['S001C002P003R001A001'],
        xview_val=[NAME])


def test_the_official_missing_skeleton_lists_ship():
    names = {
        benchmark: set(
            missing_skeleton_list(benchmark).read_text().split())
        for benchmark in ('ntu60', 'ntu120')
    }
    assert len(names['ntu60']) == 302 and len(names['ntu120']) == 535
    assert names['ntu60'] <= names['ntu120']

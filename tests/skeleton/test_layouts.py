"""Tests of the skeleton layouts: consistency, MMAction2's values, registry."""
import dataclasses
import inspect
from pathlib import Path

import pytest
from mmaction.datasets.transforms import GeneratePoseTarget, JointToBone
from mmengine.config import Config

from mmfrhead.skeleton import (LAYOUTS, SkeletonLayout, get_layout,
                               register_layout)

NUM_JOINTS = {
    'ntu_ctrgcn': 25,
    'nturgb+d': 25,
    'nw_ucla': 20,
    'coco': 17,
    'openpose': 18
}
# AimCLR's spatial flip order (feeder/tools.py): NTU, its first 20 entries
# also NW-UCLA's.
AIMCLR_FLIP = (0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13,
               14, 15, 20, 23, 24, 21, 22)


def test_registered_layouts():
    assert {
        name: layout.num_joints
        for name, layout in LAYOUTS.items()
    } == NUM_JOINTS
    assert all(name == layout.name for name, layout in LAYOUTS.items())


@pytest.mark.parametrize('name', sorted(NUM_JOINTS))
def test_layout_is_consistent(name):
    layout = get_layout(name)
    V = layout.num_joints
    assert len(layout.joint_names) == len(set(layout.joint_names)) == V
    # the parents form one tree: walking down from the root reaches all
    children = {v: [] for v in range(V)}
    for v, p in enumerate(layout.parents):
        if v != p:
            children[p].append(v)
    reached, todo = [], [layout.root]
    while todo:
        reached.append(todo.pop())
        todo += children[reached[-1]]
    assert sorted(reached) == list(range(V))
    # a mirror pair joins a left joint to the right joint of the same name
    for left, right in layout.mirror:
        left_name = layout.joint_names[left]
        assert 'left' in left_name
        assert left_name.replace('left', 'right') == layout.joint_names[right]
    sided = [n for n in layout.joint_names if 'left' in n or 'right' in n]
    assert len(sided) == 2 * len(layout.mirror)
    # flipping maps the graph onto itself and, twice, back
    flip = layout.flip_order
    edges = {frozenset(edge) for edge in layout.inward}
    assert {frozenset((flip[i], flip[j])) for i, j in layout.inward} == edges
    assert [flip[v] for v in flip] == list(range(V))
    assert len(edges) == len(layout.inward) == V - 1
    assert flip[layout.center] == layout.center
    graph = layout.graph_dict()
    assert graph == dict(
        num_node=V, inward=list(layout.inward), center=layout.center)


@pytest.mark.parametrize('name', ['nturgb+d', 'coco', 'openpose'])
def test_bones_are_mmaction_joint_to_bone_pairs(name):
    pairs = JointToBone(dataset=name).pairs
    assert dict(pairs) == dict(enumerate(get_layout(name).parents))


def test_ntu_layouts_differ_in_the_hand_edges_only():
    ctrgcn, mmaction = get_layout('ntu_ctrgcn'), get_layout('nturgb+d')
    assert dataclasses.replace(
        mmaction, name='ntu_ctrgcn', edges=None) == ctrgcn
    assert set(ctrgcn.inward) ^ set(mmaction.inward) == {(21, 22), (23, 24),
                                                         (21, 7), (23, 11)}


def test_mirror_pairs_match_mmaction_and_aimclr():
    defaults = inspect.signature(GeneratePoseTarget).parameters
    coco = zip(defaults['left_kp'].default, defaults['right_kp'].default)
    assert get_layout('coco').mirror == tuple(coco)
    assert get_layout('ntu_ctrgcn').flip_order == AIMCLR_FLIP
    assert get_layout('nw_ucla').flip_order == AIMCLR_FLIP[:20]


def test_unknown_layout_lists_the_registered_ones():
    with pytest.raises(ValueError, match=r"'kinect'.*'coco'.*'nw_ucla'"):
        get_layout('kinect')


@pytest.fixture
def upper_body():
    """A 5-joint layout registered for one test."""
    layout = SkeletonLayout(
        name='upper_body',
        joint_names=[
            'neck', 'shoulder_left', 'hand_left', 'shoulder_right',
            'hand_right'
        ],
        parents=[0, 0, 1, 0, 3],
        center=0,
        mirror=[(1, 3), (2, 4)])
    yield register_layout(layout)
    del LAYOUTS['upper_body']


def test_register_layout(upper_body):
    assert get_layout('upper_body') is upper_body
    assert upper_body.parents == (0, 0, 1, 0, 3)  # lists become tuples
    assert upper_body.inward == ((1, 0), (2, 1), (3, 0), (4, 3))
    assert upper_body.root == 0 and upper_body.flip_order == (0, 3, 4, 1, 2)
    # the graph follows new parents unless it has its own edges
    rerooted = dataclasses.replace(
        upper_body, parents=(1, 1, 1, 1, 3), mirror=())
    assert rerooted.inward == ((0, 1), (2, 1), (3, 1), (4, 3))
    with pytest.raises(ValueError, match='already registered'):
        register_layout(upper_body)
    moved = dataclasses.replace(upper_body, center=1)
    assert register_layout(moved, force=True) is get_layout('upper_body')


@pytest.mark.parametrize(
    'change,reason',
    [(dict(joint_names=('a', 'b', 'c')), '3 joint names for 5 joints'),
     (dict(joint_names=('a', 'b', 'c', 'd', 'a')), 'names repeat'),
     (dict(parents=(0, 1, 1, 0, 3)), 'exactly one root'),
     (dict(parents=(0, 2, 1, 0, 3)), 'joint 1 does not reach the root'),
     (dict(parents=(0, 0, 1, 0, 5)), 'outside 0..4'),
     (dict(center=7), 'outside 0..4'),
     (dict(edges=((1, 1), )), 'joins a joint to itself'),
     (dict(mirror=((1, 3), (3, 2))), 'two mirror pairs'),
     (dict(mirror=((1, 1), )), 'two mirror pairs'),
     (dict(mirror=((1, 3), (2, 3))), 'two mirror pairs'),
     (dict(mirror=((2, 4), )), r'mirror pair \(2, 4\) has parents 1 and 3')])
def test_invalid_layout_is_refused(upper_body, change, reason):
    with pytest.raises(ValueError, match=f"'upper_body': .*{reason}"):
        dataclasses.replace(upper_body, **change)


def test_configs_of_mmaction_backbones_read_the_layout(tmp_path):
    config = Path(__file__).parents[2] / 'configs' / 'stgcn_ucla_j.py'
    cfg = Config.fromfile(config)
    assert cfg.model.backbone.graph_cfg.layout == get_layout(
        'nw_ucla').graph_dict()
    assert 'get_layout' not in cfg and '_base_' not in cfg
    # the config a run dumps in its work dir holds the values and reloads
    cfg.dump(tmp_path / 'stgcn_ucla_j.py')
    assert Config.fromfile(tmp_path / 'stgcn_ucla_j.py').model == cfg.model

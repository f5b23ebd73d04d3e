"""Skeleton layouts: joints, bones, mirror pairs and graph edges, by name.

A :class:`SkeletonLayout` is everything mmfrhead knows about a skeleton:
the joint names in data order, the parent of every joint (the bones), the
centre joint and the edges of the graph, and the left/right mirror pairs.
Graphs (:func:`mmfrhead.models.utils.build_graph`), the bone streams of
``SkeletonPreprocessor``, ``RandomBoneScale``, the raw-file readers and the
configs of MMAction2's own backbones all read the layouts registered here.
Indices are 0-based. The module needs neither torch nor MMAction2.

Registered layouts:

- ``'ntu_ctrgcn'``: NTU RGB+D, 25 Kinect v2 joints, CTR-GCN's graph.
- ``'nturgb+d'``: the same skeleton with MMAction2's graph, which differs
  from CTR-GCN's in the hands only: it links both hand tip and thumb to the
  hand (``21-7, 22-7, 23-11, 24-11``) where CTR-GCN chains them
  (``21-22-7, 23-24-11``). The bones are CTR-GCN's chains in both.
- ``'nw_ucla'``: NW-UCLA (also MSR Action3D), 20 Kinect v1 joints.
- ``'coco'``: the 17 COCO keypoints, MMAction2's graph and bones.
- ``'openpose'``: the 18 OpenPose keypoints, MMAction2's graph and bones.
"""
import dataclasses
from typing import Dict, Optional, Tuple

Edge = Tuple[int, int]


def _pairs(pairs) -> Tuple[Edge, ...]:
    return tuple((int(i), int(j)) for i, j in pairs)


@dataclasses.dataclass(frozen=True)
class SkeletonLayout:
    """The joints of a skeleton, its bones, mirror pairs and graph.

    Sequences are stored as tuples. A layout is checked when created: one
    name per joint, the parents form a tree with a single root, and the
    mirror pairs map the bone tree onto itself.

    Args:
        name (str): Name the layout is registered under.
        joint_names (Sequence[str]): Name of every joint, in data order.
        parents (Sequence[int]): Parent of every joint. The bone of joint
            ``v`` is ``x[v] - x[parents[v]]``; the root is its own parent
            (a zero bone).
        center (int): Centre joint of the graph, the ``center`` of
            MMAction2's ``Graph`` (the reference of its ``'stgcn_spatial'``
            partition and HD-GCN's default centre of mass).
        mirror (Sequence[tuple[int, int]]): ``(left, right)`` joint pairs
            that a left/right flip swaps; a bone, named by its child joint,
            mirrors the bone of the paired joint. Defaults to ``()``.
        edges (Sequence[tuple[int, int]], optional): Graph edges
            ``(joint, neighbour nearer the centre)`` where they are not the
            bones. Defaults to None: the bones (see :attr:`inward`).
    """

    name: str
    joint_names: Tuple[str, ...]
    parents: Tuple[int, ...]
    center: int
    mirror: Tuple[Edge, ...] = ()
    edges: Optional[Tuple[Edge, ...]] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, 'joint_names', tuple(self.joint_names))
        object.__setattr__(self, 'parents', tuple(map(int, self.parents)))
        object.__setattr__(self, 'mirror', _pairs(self.mirror))
        if self.edges is not None:
            object.__setattr__(self, 'edges', _pairs(self.edges))
        self._check()

    @property
    def num_joints(self) -> int:
        """int: Number of joints ``V``."""
        return len(self.parents)

    @property
    def root(self) -> int:
        """int: The joint that is its own parent."""
        return next(v for v, p in enumerate(self.parents) if v == p)

    @property
    def inward(self) -> Tuple[Edge, ...]:
        """tuple[tuple[int, int]]: The graph edges, the ``inward`` of
        MMAction2's ``Graph``: :attr:`edges`, or the bones
        ``(v, parents[v])`` of all joints but the root."""
        if self.edges is not None:
            return self.edges
        return tuple((v, p) for v, p in enumerate(self.parents) if v != p)

    @property
    def flip_order(self) -> Tuple[int, ...]:
        """tuple[int]: Joint order of the left/right flipped skeleton:
        ``x[..., flip_order, :]`` swaps every mirror pair."""
        order = list(range(self.num_joints))
        for left, right in self.mirror:
            order[left], order[right] = right, left
        return tuple(order)

    def graph_dict(self) -> dict:
        """The layout dict that MMAction2's ``Graph(layout=...)`` accepts.

        Returns:
            dict: ``num_node`` (int), ``inward`` (list of ``(joint,
            neighbour)`` tuples) and ``center`` (int).
        """
        return dict(
            num_node=self.num_joints,
            inward=list(self.inward),
            center=self.center)

    def _error(self, reason: str) -> ValueError:
        return ValueError(f'skeleton layout {self.name!r}: {reason}')

    def _check(self) -> None:
        num = self.num_joints
        if len(self.joint_names) != num:
            raise self._error(f'{len(self.joint_names)} joint names for '
                              f'{num} joints')
        if len(set(self.joint_names)) != num:
            raise self._error('joint names repeat')
        joints = [self.center] + [v for edge in self.inward for v in edge]
        joints += list(self.parents) + [v for p in self.mirror for v in p]
        if any(not 0 <= v < num for v in joints):
            raise self._error(f'a joint index is outside 0..{num - 1}')
        roots = [v for v, p in enumerate(self.parents) if v == p]
        if len(roots) != 1:
            raise self._error(f'the parents need exactly one root (a joint '
                              f'that is its own parent), got {roots}')
        for joint in range(num):
            node, steps = joint, 0
            while node != roots[0]:
                node, steps = self.parents[node], steps + 1
                if steps > num:
                    raise self._error(f'joint {joint} does not reach the '
                                      'root: the parents have a cycle')
        if any(i == j for i, j in self.inward):
            raise self._error('a graph edge joins a joint to itself')
        self._check_mirror()

    def _check_mirror(self) -> None:
        paired = [v for pair in self.mirror for v in pair]
        if len(set(paired)) != len(paired):
            raise self._error('a joint is in two mirror pairs, or paired '
                              'with itself')
        swap = dict(self.mirror)
        swap.update((right, left) for left, right in self.mirror)
        for left, right in self.mirror:
            parent = self.parents[left]
            if swap.get(parent, parent) != self.parents[right]:
                raise self._error(
                    f'mirror pair ({left}, {right}) has parents '
                    f'{parent} and {self.parents[right]}, which are not '
                    'one joint or a mirror pair')


LAYOUTS: Dict[str, SkeletonLayout] = {}


def register_layout(layout: SkeletonLayout,
                    force: bool = False) -> SkeletonLayout:
    """Register a layout under its name.

    Args:
        layout (SkeletonLayout): The layout.
        force (bool): Replace a layout of the same name. Defaults to False.

    Returns:
        SkeletonLayout: ``layout``.
    """
    if layout.name in LAYOUTS and not force:
        raise ValueError(f'skeleton layout {layout.name!r} is already '
                         'registered (force=True replaces it)')
    LAYOUTS[layout.name] = layout
    return layout


def get_layout(name: str) -> SkeletonLayout:
    """The registered layout called ``name``.

    Args:
        name (str): Layout name, e.g. ``'ntu_ctrgcn'`` or ``'nw_ucla'``.

    Returns:
        SkeletonLayout: The layout.
    """
    if name not in LAYOUTS:
        raise ValueError(f'unknown skeleton layout {name!r}; registered: '
                         f'{sorted(LAYOUTS)} (add one with register_layout)')
    return LAYOUTS[name]


# Both Kinect skeletons number the left limbs before the right ones, four
# joints apart: shoulder, elbow, wrist, hand, then hip, knee, ankle, foot.
_KINECT_LIMBS = ((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17),
                 (14, 18), (15, 19))

# Kinect v2 SDK joint order; the graph and bones are CTR-GCN's
# ``graph/ntu_rgb_d.py`` and ``feeders/bone_pairs.py``.
register_layout(
    SkeletonLayout(
        name='ntu_ctrgcn',
        joint_names=('spine_base', 'spine_mid', 'neck', 'head',
                     'shoulder_left', 'elbow_left', 'wrist_left', 'hand_left',
                     'shoulder_right', 'elbow_right', 'wrist_right',
                     'hand_right', 'hip_left', 'knee_left', 'ankle_left',
                     'foot_left', 'hip_right', 'knee_right', 'ankle_right',
                     'foot_right', 'spine_shoulder', 'hand_tip_left',
                     'thumb_left', 'hand_tip_right', 'thumb_right'),
        parents=(1, 20, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16,
                 17, 18, 20, 22, 7, 24, 11),
        center=20,
        mirror=_KINECT_LIMBS + ((21, 23), (22, 24))))

# MMAction2's graph: CTR-GCN's body edges (of joints 0-19), then hand tips
# and thumbs linked to the hands.
register_layout(
    dataclasses.replace(
        get_layout('ntu_ctrgcn'),
        name='nturgb+d',
        edges=get_layout('ntu_ctrgcn').inward[:20] + ((21, 7), (22, 7),
                                                      (23, 11), (24, 11))))

# Kinect v1 SDK joint order (NW-UCLA, MSR Action3D); CTR-GCN's NW-UCLA
# graph and bones.
register_layout(
    SkeletonLayout(
        name='nw_ucla',
        joint_names=('hip_center', 'spine', 'shoulder_center', 'head',
                     'shoulder_left', 'elbow_left', 'wrist_left', 'hand_left',
                     'shoulder_right', 'elbow_right', 'wrist_right',
                     'hand_right', 'hip_left', 'knee_left', 'ankle_left',
                     'foot_left', 'hip_right', 'knee_right', 'ankle_right',
                     'foot_right'),
        parents=(1, 2, 2, 2, 2, 4, 5, 6, 2, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17,
                 18),
        center=2,
        mirror=_KINECT_LIMBS))

# COCO keypoint order. MMAction2's graph joins the hips to the shoulders;
# its bones (``JointToBone``) join them to the nose.
register_layout(
    SkeletonLayout(
        name='coco',
        joint_names=('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
                     'left_shoulder', 'right_shoulder', 'left_elbow',
                     'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
                     'right_hip', 'left_knee', 'right_knee', 'left_ankle',
                     'right_ankle'),
        parents=(0, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 0, 0, 11, 12, 13, 14),
        center=0,
        mirror=((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14),
                (15, 16)),
        edges=((15, 13), (13, 11), (16, 14), (14, 12), (11, 5), (12, 6),
               (9, 7), (7, 5), (10, 8), (8, 6), (5, 0), (6, 0), (1, 0), (3, 1),
               (2, 0), (4, 2))))

# OpenPose's 18 keypoints. MMAction2's graph is centred on the neck, its
# bones are rooted at the nose.
register_layout(
    SkeletonLayout(
        name='openpose',
        joint_names=('nose', 'neck', 'right_shoulder', 'right_elbow',
                     'right_wrist', 'left_shoulder', 'left_elbow',
                     'left_wrist', 'right_hip', 'right_knee', 'right_ankle',
                     'left_hip', 'left_knee', 'left_ankle', 'right_eye',
                     'left_eye', 'right_ear', 'left_ear'),
        parents=(0, 0, 1, 2, 3, 1, 5, 6, 2, 8, 9, 5, 11, 12, 0, 0, 14, 15),
        center=1,
        mirror=((5, 2), (6, 3), (7, 4), (11, 8), (12, 9), (13, 10), (15, 14),
                (17, 16)),
        edges=((4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9),
               (9, 8), (11, 5), (8, 2), (5, 1), (2, 1), (0, 1), (15, 0),
               (14, 0), (17, 15), (16, 14))))

"""Skeleton layouts that MMAction2 lacks, and the bone pairs of each layout.

MMAction2's :class:`~mmaction.models.utils.Graph` accepts a layout either by
name (``'nturgb+d'``, ``'coco'``, ``'openpose'``) or as a dict with
``num_node``, ``inward`` and ``center``. CTR-GCN's NTU graph differs from
MMAction2's ``'nturgb+d'`` in the hand joints (thumb and hand tip chain:
``22-23-8`` and ``24-25-12`` instead of ``22-8, 23-8, 24-12, 25-12``), and
NW-UCLA's 20-joint Kinect v1 skeleton has no layout there at all. The dicts
below feed MMAction2's ``Graph`` directly, so its ``'spatial'`` mode gives
CTR-GCN's ``[I, norm(In), norm(Out)]`` subsets.
"""
from typing import Dict, List, Tuple, Union

from mmaction.models.utils import Graph


def _zero_based(edges: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    return [(i - 1, j - 1) for i, j in edges]


# (child, parent), 1-based as written in CTR-GCN's ``graph/ntu_rgb_d.py``.
_NTU_CTRGCN_INWARD = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5),
                      (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
                      (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17),
                      (19, 18), (20, 19), (22, 23), (23, 8), (24, 25),
                      (25, 12)]

# (child, parent), 1-based, Kinect v1 SDK order (NW-UCLA, MSR Action3D).
_NW_UCLA_INWARD = [(1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7),
                   (9, 3), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13),
                   (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19)]

LAYOUTS: Dict[str, dict] = {
    # 25 Kinect v2 joints; centre 21 = spine shoulder (1-based).
    'ntu_ctrgcn':
    dict(num_node=25, inward=_zero_based(_NTU_CTRGCN_INWARD), center=20),
    # 20 Kinect v1 joints; centre 3 = shoulder centre (1-based).
    'nw_ucla':
    dict(num_node=20, inward=_zero_based(_NW_UCLA_INWARD), center=2),
}

# Bone of joint ``v`` is ``x[v] - x[parent(v)]``; the root joint has a zero
# bone. The NTU pairs are CTR-GCN's ``ntu_pairs`` (equal to MMAction2's
# ``JointToBone`` pairs for 'nturgb+d'); the NW-UCLA pairs are its graph
# edges plus the root (shoulder centre) paired with itself.
BONE_PAIRS: Dict[str, List[Tuple[int, int]]] = {
    'ntu_ctrgcn': _zero_based(_NTU_CTRGCN_INWARD[:20] + [(21, 21)] +
                              _NTU_CTRGCN_INWARD[20:]),
    'nw_ucla': _zero_based(_NW_UCLA_INWARD + [(3, 3)]),
}
BONE_PAIRS['nturgb+d'] = BONE_PAIRS['ntu_ctrgcn']


def build_graph(layout: Union[str, dict], mode: str = 'spatial',
                **kwargs) -> Graph:
    """Build MMAction2's ``Graph`` with mmfrhead's named layouts added.

    Args:
        layout (str | dict): ``'ntu_ctrgcn'`` or ``'nw_ucla'``, any layout
            name MMAction2 knows, or a layout dict.
        mode (str): Adjacency mode of MMAction2's ``Graph``.
            Defaults to ``'spatial'``.
        **kwargs: Other arguments of ``Graph`` (``max_hop``, ...).

    Returns:
        Graph: The graph; ``graph.A`` has shape ``(num_subsets, V, V)``.
    """
    if isinstance(layout, str) and layout in LAYOUTS:
        layout = LAYOUTS[layout]
    return Graph(layout=layout, mode=mode, **kwargs)

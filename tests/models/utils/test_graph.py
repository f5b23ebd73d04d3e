"""``build_graph`` over the skeleton layouts gives the graphs used so far."""
import numpy as np
import pytest
from mmaction.models.utils import Graph

from mmfrhead.models.utils import build_graph

# 1-based (child, parent) edges as CTR-GCN writes them (graph/ntu_rgb_d.py,
# graph/ucla.py) and the NW-UCLA data README lists them.
CTRGCN_NTU = ((1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6),
              (8, 7), (9, 21), (10, 9), (11, 10), (12, 11), (13, 1), (14, 13),
              (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19),
              (22, 23), (23, 8), (24, 25), (25, 12))
CTRGCN_UCLA = ((1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6), (8, 7), (9, 3),
               (10, 9), (11, 10), (12, 11), (13, 1), (14, 13), (15, 14),
               (16, 15), (17, 1), (18, 17), (19, 18), (20, 19))
CTRGCN_LAYOUTS = {
    'ntu_ctrgcn': dict(num_node=25, edges=CTRGCN_NTU, center=21),
    'nw_ucla': dict(num_node=20, edges=CTRGCN_UCLA, center=3),
}
MODES = ('spatial', 'stgcn_spatial', 'binary_adj')


def _same_graph(ours, expected):
    assert ours.num_node == expected.num_node
    assert ours.center == expected.center
    assert list(ours.inward) == list(expected.inward)  # same order
    assert ours.A.dtype == expected.A.dtype
    np.testing.assert_array_equal(ours.A, expected.A)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('name', sorted(CTRGCN_LAYOUTS))
def test_ctrgcn_graphs(name, mode):
    spec = CTRGCN_LAYOUTS[name]
    layout = dict(
        num_node=spec['num_node'],
        inward=[(i - 1, j - 1) for i, j in spec['edges']],
        center=spec['center'] - 1)
    _same_graph(build_graph(name, mode), Graph(layout, mode))


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('name', ['nturgb+d', 'coco', 'openpose'])
def test_mmaction_graphs(name, mode):
    _same_graph(build_graph(name, mode), Graph(name, mode))


def test_layout_dict_and_options_pass_through():
    layout = dict(num_node=3, inward=[(1, 0), (2, 1)], center=0)
    _same_graph(build_graph(layout), Graph(layout))
    _same_graph(
        build_graph('nw_ucla', 'stgcn_spatial', max_hop=2),
        Graph(build_graph('nw_ucla').layout, 'stgcn_spatial', max_hop=2))
    with pytest.raises(ValueError, match='unknown skeleton layout'):
        build_graph('kinect')

"""MMAction2's skeleton ``Graph`` over the layouts of :mod:`mmfrhead.skeleton`.

MMAction2's :class:`~mmaction.models.utils.Graph` takes a layout by name
(``'nturgb+d'``, ``'coco'``, ``'openpose'``) or as a dict with ``num_node``,
``inward`` and ``center``. :func:`build_graph` looks a name up among
mmfrhead's registered layouts instead, which hold MMAction2's three (same
edges, same order) and CTR-GCN's NTU and NW-UCLA graphs; ``'spatial'`` mode
then gives CTR-GCN's ``[I, norm(In), norm(Out)]`` subsets.
"""
from typing import Union

from mmaction.models.utils import Graph

from mmfrhead.skeleton import get_layout


def build_graph(layout: Union[str, dict],
                mode: str = 'spatial',
                **kwargs) -> Graph:
    """Build MMAction2's ``Graph`` from a registered skeleton layout.

    Args:
        layout (str | dict): Name of a layout of :mod:`mmfrhead.skeleton`
            (``'ntu_ctrgcn'``, ``'nturgb+d'``, ``'nw_ucla'``, ``'coco'``,
            ``'openpose'`` or one registered by the user), or a dict with
            ``num_node``, ``inward`` and ``center``.
        mode (str): Adjacency mode of MMAction2's ``Graph``.
            Defaults to ``'spatial'``.
        **kwargs: Other arguments of ``Graph`` (``max_hop``, ...).

    Returns:
        Graph: The graph; ``graph.A`` has shape ``(num_subsets, V, V)``.
    """
    if isinstance(layout, str):
        layout = get_layout(layout).graph_dict()
    return Graph(layout=layout, mode=mode, **kwargs)

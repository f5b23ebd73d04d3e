import pytest
import torch

from mmfrhead.models import CTRGCN, STFCTRGCN, StageTaps
from mmfrhead.models.stf.stf_ctrgcn import FAST_TWINS

pytestmark = pytest.mark.usefixtures('one_thread')

SMALL = dict(
    graph_cfg=dict(layout='nw_ucla', mode='spatial'),
    num_person=1,
    base_channels=8)


def test_same_parameters_and_function_as_ctrgcn():
    torch.manual_seed(0)
    stf = {impl: STFCTRGCN(impl=impl, **SMALL).eval()
           for impl in ('plain', 'fast')}
    stf['fast'].load_state_dict(stf['plain'].state_dict())
    x = torch.randn(2, 1, 12, 20, 3)
    # Plain blocks compute exactly as CTR-GCN's; the fast ones (CTRGCN's
    # by default, STFCTRGCN's before its first STF module) sum in another
    # order.
    for stf_impl, impl, tol in (('plain', 'plain', 1e-6),
                                ('plain', 'fast', 1e-3),
                                ('fast', 'plain', 1e-3)):
        plain = CTRGCN(impl=impl, **SMALL)
        assert plain.state_dict().keys() == stf[stf_impl].state_dict().keys()
        plain.load_state_dict(stf[stf_impl].state_dict())
        plain.eval()
        with torch.no_grad():
            torch.testing.assert_close(
                plain(x).contiguous(), stf[stf_impl](x), rtol=tol, atol=tol)


def test_adjacency_tap():
    torch.manual_seed(0)
    backbone = STFCTRGCN(stf_stages=(4, 9), **SMALL)
    assert [type(b.gcn).__name__ for b in backbone.gcn].count(
        'STFCTRGCNUnit') == 2
    taps = StageTaps(['gcn.4.gcn.adjacency', 'gcn.9.gcn.adjacency'])
    with taps.capture(backbone) as adjacencies:
        backbone(torch.randn(2, 1, 12, 20, 3))
    assert [tuple(a.shape) for a in adjacencies] == [(2, 3, 16, 20, 20),
                                                     (2, 3, 32, 20, 20)]
    # alpha starts at 0: the adjacency is the learnable topology PA,
    # initialised to the physical graph.
    PA = backbone.gcn[4].gcn.PA
    torch.testing.assert_close(adjacencies[0][1, :, 5], PA.detach())
    torch.testing.assert_close(PA.detach(),
                               torch.tensor(backbone.graph.A).float())


def test_bad_stages():
    for stages in ((10, ), ()):
        with pytest.raises(ValueError, match='stf_stages'):
            STFCTRGCN(stf_stages=stages, **SMALL)


@pytest.mark.parametrize('impl', ['plain', 'fast'])
def test_first_order_pass(impl):
    """Inside ``first_order_pass`` the STF modules and the plain blocks
    after the first of them run as the fast blocks (with ``impl='fast'``):
    the same outputs, and their classes come back on exit, also after an
    error."""
    torch.manual_seed(0)
    backbone = STFCTRGCN(impl=impl, stf_stages=(4, 9), **SMALL).eval()
    x = torch.randn(2, 1, 12, 20, 3)
    classes = [type(m) for m in backbone.modules()]
    inside = 'FastCTRGCNBlock' if impl == 'fast' else 'STFCTRGCNBlock'
    with torch.no_grad():
        expected = backbone(x)
        with backbone.first_order_pass():
            assert type(backbone.gcn[9]).__name__ == inside
            assert type(backbone.gcn[6].gcn.ctrgc).__name__ == (
                'FastCTRGC' if impl == 'fast' else 'CTRGC')
            torch.testing.assert_close(
                backbone(x), expected, rtol=1e-3, atol=1e-3)
    assert [type(m) for m in backbone.modules()] == classes
    with pytest.raises(ValueError, match='expects'):
        with backbone.first_order_pass():
            backbone(x[..., :2])  # 2 channels for 3
    assert [type(m) for m in backbone.modules()] == classes


def test_fast_twins_add_no_state():
    """A module switched to its fast twin has every attribute the twin
    reads: the twin's ``__init__`` is one the plain class's already ran."""
    for plain, twin in FAST_TWINS.items():
        assert twin.__init__ in {c.__init__ for c in plain.__mro__}, twin

import torch
from _aimclr_parts import UCLA_GRAPH
from mmaction.models import STGCN
from mmaction.registry import MODELS


def build(**kwargs):
    model = MODELS.build(
        dict(type='AimCLRSTGCN', graph_cfg=UCLA_GRAPH, **kwargs))
    model.init_weights()
    return model


def test_widths_and_size_are_aimclrs():
    model = build()
    widths = [block.gcn.bn.num_features for block in model.gcn]
    assert widths == [16, 16, 16, 16, 32, 32, 32, 64, 64, 256]
    # AimCLR's encoder at 20 joints, without its projection
    assert sum(p.numel() for p in model.parameters()) == 814600
    out = model.eval()(torch.randn(2, 1, 20, 20, 3))
    assert out.shape == (2, 1, 256, 5, 20)  # (N, M, C, T', V)


def test_dropout_in_blocks_2_to_10_and_edge_importance_ones():
    model = build()
    rates = [block.tcn.drop.p for block in model.gcn]
    assert rates == [0.] + [0.5] * 9
    for block in model.gcn:
        assert block.gcn.adaptive == 'importance'
        assert torch.equal(block.gcn.PA, torch.ones_like(block.gcn.PA))


def test_aimclr_initialisation():
    torch.manual_seed(0)
    model = build()
    conv = model.gcn[9].tcn.conv
    assert abs(conv.weight.std().item() - 0.02) < 1e-3
    assert torch.equal(conv.bias, torch.zeros_like(conv.bias))
    bn = model.gcn[9].gcn.bn.weight
    assert abs(bn.mean().item() - 1) < 0.01 and bn.std().item() < 0.03


def test_first_nine_blocks_are_mmaction2_stgcn():
    model = build(base_channels=4, out_channels=8).eval()
    reference = STGCN(
        graph_cfg=UCLA_GRAPH,
        base_channels=4,
        gcn_adaptive='importance',
        tcn_dropout=0.5).eval()
    state = {
        k: v
        for k, v in model.state_dict().items() if not k.startswith('gcn.9')
    }
    reference.load_state_dict(state, strict=False)
    x = torch.randn(2, 1, 12, 20, 3)
    with torch.no_grad():
        ours = model.data_bn(x.permute(0, 1, 3, 4, 2).reshape(2, 60, 12))
        theirs = reference.data_bn(
            x.permute(0, 1, 3, 4, 2).reshape(2, 60, 12))
        ours = ours.view(2, 20, 3, 12).permute(0, 2, 3, 1)
        theirs = theirs.view(2, 20, 3, 12).permute(0, 2, 3, 1)
        for i in range(9):
            ours, theirs = model.gcn[i](ours), reference.gcn[i](theirs)
    assert torch.equal(ours, theirs)
    assert model.gcn[9].gcn.in_channels == 16
    assert model.gcn[9].gcn.bn.num_features == 8


def test_pretrained_init_cfg_is_mmengines():
    model = build(
        init_cfg=dict(type='Constant', layer='Conv2d', val=0.5, bias=0))
    assert torch.all(model.gcn[0].gcn.conv.weight == 0.5)

"""Checkpoints of the authors' AimCLR code, converted (a basename of its own:
tests/models/selfsup/test_aimclr_stgcn.py tests the encoder).

The fixture holds random weights in AimCLR's pre-training layout (its
adjacency ``A`` randomised too, so the test shows it is mapped), an input
``(N, C, T, V, M)`` and the query encoder's eval-mode pooled ``features``
and projected ``embedding``.
"""
import pytest
import torch
from mmaction.registry import MODELS

from mmfrhead.converters import check_fits, convert_aimclr_stgcn
from mmfrhead.models.selfsup import pool_features
from mmfrhead.utils import register_all_modules

register_all_modules()

pytestmark = pytest.mark.usefixtures('one_thread')

ATOL = 1e-5
NTU_AIMCLR = dict(
    type='AimCLR',
    queue_size=256,
    backbone=dict(
        type='AimCLRSTGCN',
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial')))


@pytest.fixture(scope='module')
def reference(fixtures_dir):
    return torch.load(
        fixtures_dir / 'reference_checkpoints' / 'aimclr_stgcn_ntu.pth',
        weights_only=True)


@pytest.fixture(scope='module')
def converted(reference):
    return convert_aimclr_stgcn(reference['state_dict'], 'aimclr.pth')


def test_every_tensor_fits_the_model(reference, converted):
    model = MODELS.build(NTU_AIMCLR)
    assert check_fits(converted, model.state_dict(), 'aimclr.pth') == []
    assert converted['key_encoder.steps'] == 1  # average on, no copy
    assert torch.equal(converted['queue.queue'], reference['state_dict'][
        'queue'])


def test_features_and_embedding_are_the_references(reference, converted):
    model = MODELS.build(NTU_AIMCLR)
    model.load_state_dict(converted)
    model.eval()
    x = reference['input'].permute(0, 4, 2, 3, 1)  # (N, M, T, V, C)
    with torch.no_grad():
        feats = model.backbone(x)  # (N, M, C, T', V)
        assert torch.allclose(
            pool_features(feats), reference['features'], atol=ATOL, rtol=0)
        assert torch.allclose(
            model.neck(feats), reference['embedding'], atol=ATOL, rtol=0)
        assert torch.allclose(
            model(x[:, None], mode='tensor'), reference['features'],
            atol=ATOL, rtol=0)


def test_query_encoder_alone(reference):
    state = {
        k: v
        for k, v in reference['state_dict'].items()
        if k.startswith('encoder_q.')
    }
    converted = convert_aimclr_stgcn(state)
    assert {k.split('.')[0] for k in converted} == {'backbone', 'neck'}


@pytest.mark.parametrize('case, match', [
    ('missing', "aimclr.pth: missing key 'encoder_q.st_gcn_networks.3.tcn.2"
     ".bias'"),
    ('extra', r"aimclr.pth: unexpected key\(s\) .* encoder_q.extra"),
    ('other', "aimclr.pth: not in the AimCLR reference code's layout"),
])
def test_bad_sources_name_the_file_and_key(reference, case, match):
    state = dict(reference['state_dict'])
    if case == 'missing':
        del state['encoder_q.st_gcn_networks.3.tcn.2.bias']
    elif case == 'extra':
        state['encoder_q.extra'] = torch.zeros(1)
    else:
        state = {'l1.gcn1.PA': torch.zeros(1)}
    with pytest.raises(ValueError, match=match):
        convert_aimclr_stgcn(state, 'aimclr.pth')

"""Checkpoints of the authors' FR-Head (CTR-GCN) code, converted.

The fixtures hold random weights in the reference layout (every parameter
and batch-norm statistic randomised, so a wrongly mapped key changes the
output), an input ``(N, C, T, V, M)`` and the reference model's eval-mode
logits. Those logits are of order 1e4 (random weights), where float32 keeps
about 0.004-0.008 absolute; they are fp32 results themselves (a float64
mmfrhead model differs from them as much), so the 1e-5 tolerance is relative
to their largest magnitude.
"""
import pytest
import torch
from _models import model_cfg
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules

from mmfrhead.converters import check_fits, convert_frhead_ctrgcn

register_all_modules()

pytestmark = pytest.mark.usefixtures('one_thread')

# fixture -> shipped config of the same model
CONFIGS = {
    'ucla': 'ctrgcn_frhead_ucla_j.py',
    'ntu120': 'ctrgcn_frhead_ntu120_xsub_j.py'
}
RTOL = 1e-5


def fixture_path(fixtures_dir, name):
    return (fixtures_dir / 'reference_checkpoints' /
            f'fr_head_ctrgcn_{name}.pth')


def build(name):
    return MODELS.build(model_cfg(CONFIGS[name]))


def sub_state(state, prefix):
    return {
        k[len(prefix):]: v
        for k, v in state.items() if k.startswith(prefix)
    }


def load_strictly(model, state):
    """Load ``state`` strictly into the backbone, the classifier and every
    FR module that has a counterpart in the reference: all but the
    prototypes, whatever their key."""
    fr = model.fr_head
    modules = {
        'backbone.': model.backbone,
        'cls_head.': model.cls_head,
        'fr_head.spatial.': fr.spatial,
        'fr_head.temporal.': fr.temporal
    }
    for part in ('spatial', 'temporal'):
        for s, loss in enumerate(getattr(fr, f'{part}_losses')):
            modules[f'fr_head.{part}_losses.{s}.projection.'] = (
                loss.projection)
    for prefix, module in modules.items():
        module.load_state_dict(sub_state(state, prefix), strict=True)
    assert all(k.startswith(tuple(modules)) for k in state)


@pytest.fixture(scope='module', params=sorted(CONFIGS))
def converted(request, fixtures_dir):
    """``(name, fixture, converted state dict)``."""
    name = request.param
    path = fixture_path(fixtures_dir, name)
    fixture = torch.load(path, weights_only=True)
    return name, fixture, convert_frhead_ctrgcn(fixture['state_dict'],
                                                str(path))


def to_mmfrhead_inputs(x):
    """``(N, C, T, V, M)`` -> the per-sample ``(num_clips=1, M, T, V, C)``
    clips that the pipeline hands the data preprocessor."""
    return list(x.permute(0, 4, 2, 3, 1).unsqueeze(1))


def max_error(logits, reference):
    """Largest deviation relative to the largest reference magnitude."""
    return ((logits - reference).abs().max() / reference.abs().max()).item()


def test_every_tensor_is_converted_except_prototypes(converted):
    name, fixture, state = converted
    model_state = build(name).state_dict()
    assert set(state) <= set(model_state)
    for key, value in state.items():
        assert value.shape == model_state[key].shape, key
    left = set(model_state) - set(state)
    assert left and all(k.split('.')[-1] == 'prototypes' for k in left)
    assert len(left) == 8  # spatial and temporal, four stages
    assert check_fits(state, model_state,
                      'x') == [k for k in model_state if k in left]
    # Nothing the reference model holds is lost: as many values.
    numel = sum(v.numel() for v in fixture['state_dict'].values())
    assert sum(v.numel() for v in state.values()) == numel


def test_tensor_and_predict_modes_give_the_reference_logits(converted):
    name, fixture, state = converted
    model = build(name)
    # predict returns the raw class scores (the configs' 'prob': softmax).
    model.cls_head.average_clips = 'score'
    load_strictly(model, state)
    model.eval()
    reference = fixture['logits']
    inputs = to_mmfrhead_inputs(fixture['input'])
    with torch.no_grad():
        data = model.data_preprocessor(
            dict(inputs=inputs, data_samples=None), False)
        logits = model(data['inputs'], mode='tensor', stage='head')
        samples = model.test_step(
            dict(
                inputs=inputs,
                data_samples=[ActionDataSample() for _ in inputs]))
    assert max_error(logits, reference) < RTOL
    scores = torch.stack([s.pred_score for s in samples])
    assert max_error(scores, reference) < RTOL
    labels = torch.cat([s.pred_label for s in samples])
    assert torch.equal(labels, reference.argmax(1))


def test_reference_without_fr_modules_is_a_plain_ctrgcn(converted):
    name, fixture, _ = converted
    plain = {
        k: v
        for k, v in fixture['state_dict'].items() if not k.startswith('ren_')
    }
    state = convert_frhead_ctrgcn(plain, 'plain.pt')
    assert not any(k.startswith('fr_head.') for k in state)
    fr_model = build(name).state_dict()
    left = check_fits(state, fr_model, 'plain.pt')
    assert left == [k for k in fr_model if k.startswith('fr_head.')]
    base = model_cfg(CONFIGS[name].replace('_frhead', ''))
    assert check_fits(state, MODELS.build(base).state_dict(), 'x') == []


def test_batch_norm_counters_are_optional(converted):
    name, fixture, _ = converted
    old = {
        k: v
        for k, v in fixture['state_dict'].items()
        if not k.endswith('num_batches_tracked')
    }
    state = convert_frhead_ctrgcn(old, 'old.pt')
    left = check_fits(state, build(name).state_dict(), 'old.pt')
    assert all(k.endswith(('num_batches_tracked', 'prototypes')) for k in left)


@pytest.fixture(scope='module')
def ucla_state(fixtures_dir):
    path = fixture_path(fixtures_dir, 'ucla')
    return torch.load(path, weights_only=True)['state_dict']


EXTRA = {'ren_low.spatio_cl_net.avg_f': torch.zeros(256, 10)}
WRONG_SHAPE = {'l2.gcn1.convs.2.conv3.weight': torch.zeros(64, 32, 1, 1)}
# case -> (keys dropped, entries added or replaced, expected message)
BAD_SOURCES = {
    'ctrgc': (['l3.gcn1.convs.1.conv2.bias'], {},
              "missing key 'l3.gcn1.convs.1.conv2.bias'"),
    'residual': (['l5.residual.bn.running_var'], {},
                 "missing key 'l5.residual.bn.running_var'"),
    # the max-pool branch without its last batch norm
    'tcn': (['l2.tcn1.branches.2.4.weight'], {},
            "missing key 'l2.tcn1.branches.2.4.weight'"),
    'unexpected': ([], EXTRA, 'unexpected key.*: ren_low.spatio_cl_net.avg_f'),
    'shape': ([], WRONG_SHAPE, "shape mismatch: 'l2.gcn1.convs.2.conv3.weight'"
              r' is \(64, 32, 1, 1\)'),
}


@pytest.mark.parametrize('case', sorted(BAD_SOURCES))
def test_bad_source_names_file_and_key(ucla_state, case):
    drop, add, message = BAD_SOURCES[case]
    state = {k: v for k, v in ucla_state.items() if k not in drop}
    state.update(add)
    with pytest.raises(ValueError, match='^bad.pt: .*' + message):
        convert_frhead_ctrgcn(state, 'bad.pt')


def test_incomplete_fr_modules_name_the_missing_key(ucla_state):
    state = {k: v for k, v in ucla_state.items() if not k.startswith('ren_f')}
    with pytest.raises(ValueError, match="missing key 'ren_fin."):
        convert_frhead_ctrgcn(state, 'bad.pt')


def test_not_the_reference_layout(converted):
    _, _, state = converted  # mmfrhead's own layout
    with pytest.raises(
            ValueError,
            match="^mine.pth: not in the .* layout: no key 'l1.gcn1.PA' "
            r'\(found backbone.data_bn'):
        convert_frhead_ctrgcn(state, 'mine.pth')


def test_mismatched_model_names_file_and_key(ucla_state):
    state = convert_frhead_ctrgcn(ucla_state, 'ucla.pt')
    ntu = build('ntu120').state_dict()
    with pytest.raises(
            ValueError,
            match=r'^ucla.pt does not fit the model: shape mismatch .*'
            r'backbone.data_bn.weight: converted \(60,\), model \(150,\)'):
        check_fits(state, ntu, 'ucla.pt')
    del state['backbone.gcn.3.tcn.reduce.bias']
    with pytest.raises(
            ValueError, match='missing .*backbone.gcn.3.tcn.reduce.bias'):
        check_fits(state, build('ucla').state_dict(), 'ucla.pt')

import copy
from collections import Counter

import numpy as np
import pytest
import torch
from _models import FR_CFG, PLAIN_CFG
from mmaction.registry import MODELS
from mmengine.logging.history_buffer import HistoryBuffer

from mmfrhead.apis import (load_recognizer_checkpoint, strip_fr_head,
                           strip_fr_head_file)
from mmfrhead.utils import register_all_modules

torch.set_num_threads(2)
register_all_modules()


@pytest.fixture(scope='module')
def fr_checkpoint(tmp_path_factory):
    """An FRRecognizer checkpoint saved as MMEngine does (with the extras
    of a training run: message hub, optimizer)."""
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(FR_CFG))
    with torch.no_grad():  # make every tensor distinguishable
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.01)
    hub = dict(
        log_scalars=dict(loss=HistoryBuffer([1., 2.], [1, 1])),
        runtime_info=dict(epoch=3, acc=np.float64(0.5)))
    checkpoint = dict(
        meta=dict(epoch=3, iter=30, mmengine_version='0.10.7'),
        state_dict=model.state_dict(),
        message_hub=hub,
        optimizer=dict(state={}, param_groups=[dict(lr=0.1)]),
        param_schedulers=[dict(milestones=Counter({
            35: 1,
            55: 1
        }))])
    path = tmp_path_factory.mktemp('ckpt') / 'fr.pth'
    torch.save(checkpoint, path)
    return path, model


def test_strip_fr_head_removes_exactly_fr_keys(fr_checkpoint):
    path, model = fr_checkpoint
    checkpoint = torch.load(path, map_location='cpu')
    state = checkpoint['state_dict']
    fr_keys = {k for k in state if k.startswith('fr_head.')}
    assert fr_keys  # the head's weights, buffers and prototypes
    assert 'fr_head.spatial_losses.0.memory.prototypes' in fr_keys

    stripped = strip_fr_head(checkpoint)
    assert set(checkpoint) > {'meta', 'state_dict'}
    assert set(stripped) == {'meta', 'state_dict'}  # optimizer etc. dropped
    assert set(stripped['state_dict']) == set(state) - fr_keys
    for key, value in stripped['state_dict'].items():
        assert torch.equal(value, state[key])
    assert stripped['meta']['epoch'] == 3
    assert stripped['meta']['fr_head_stripped'] == len(fr_keys)
    # the input is left as it was
    assert set(checkpoint['state_dict']) == set(state)
    assert 'fr_head_stripped' not in checkpoint['meta']
    # a bare state dict is accepted too
    bare = strip_fr_head(model.state_dict())
    assert set(bare['state_dict']) == set(state) - fr_keys


def test_strip_fr_head_file_round_trip(fr_checkpoint, tmp_path):
    src, model = fr_checkpoint
    dst = tmp_path / 'plain.pth'
    fr_keys = [k for k in model.state_dict() if k.startswith('fr_head.')]
    assert strip_fr_head_file(str(src), str(dst)) == len(fr_keys)

    loaded = torch.load(dst, map_location='cpu')  # weights_only default
    plain = MODELS.build(copy.deepcopy(PLAIN_CFG))
    result = plain.load_state_dict(loaded['state_dict'], strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    expected = {
        k: v
        for k, v in model.state_dict().items() if not k.startswith('fr_head.')
    }
    for key, value in plain.state_dict().items():
        assert torch.equal(value, expected[key]), key
    # the full FR checkpoint does not load strictly into the plain model
    full = torch.load(src, map_location='cpu')
    with pytest.raises(RuntimeError, match='fr_head'):
        MODELS.build(copy.deepcopy(PLAIN_CFG)).load_state_dict(
            full['state_dict'], strict=True)


def _assert_same_deployed_weights(model, reference):
    expected = reference.state_dict()
    for key, value in model.state_dict().items():
        if not key.startswith('fr_head.'):
            assert torch.equal(value, expected[key]), key


def test_load_recognizer_checkpoint_accepts_fr_and_stripped(
        fr_checkpoint, tmp_path):
    src, model = fr_checkpoint
    plain = MODELS.build(copy.deepcopy(PLAIN_CFG))
    load_recognizer_checkpoint(plain, str(src))  # FR weights left over
    _assert_same_deployed_weights(plain, model)

    dst = tmp_path / 'plain.pth'
    strip_fr_head_file(str(src), str(dst))
    fr = MODELS.build(copy.deepcopy(FR_CFG))
    prototypes = fr.fr_head.spatial_losses[0].memory.prototypes.clone()
    load_recognizer_checkpoint(fr, str(dst))  # FR weights missing
    _assert_same_deployed_weights(fr, model)
    assert torch.equal(fr.fr_head.spatial_losses[0].memory.prototypes,
                       prototypes)


def test_load_recognizer_checkpoint_refuses_a_misfit(fr_checkpoint, tmp_path):
    src, _ = fr_checkpoint
    other_classes = copy.deepcopy(PLAIN_CFG)
    other_classes['cls_head']['num_classes'] = 12
    with pytest.raises(ValueError) as error:
        load_recognizer_checkpoint(MODELS.build(other_classes), str(src))
    message = str(error.value)
    assert str(src) in message
    assert 'cls_head.fc.weight: checkpoint (10, 256), model (12, 256)' in \
        message

    state = torch.load(src, map_location='cpu')['state_dict']
    del state['backbone.gcn.3.gcn.alpha']
    state['backbone.extra'] = torch.zeros(1)
    path = tmp_path / 'stale.pth'
    torch.save(dict(state_dict=state), path)
    model = MODELS.build(copy.deepcopy(PLAIN_CFG))
    before = copy.deepcopy(model.state_dict())
    with pytest.raises(
            ValueError,
            match=r'missing \(1\): '
            r'backbone.gcn.3.gcn.alpha; unexpected \(1\): '
            r'backbone.extra'):
        load_recognizer_checkpoint(model, str(path))
    for key, value in model.state_dict().items():  # nothing was loaded
        assert torch.equal(value, before[key]), key

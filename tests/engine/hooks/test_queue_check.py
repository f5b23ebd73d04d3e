from types import SimpleNamespace

import pytest
from mmaction.registry import HOOKS

from mmfrhead.utils import register_all_modules

register_all_modules()


def runner(queue_size, num_samples, batch_size, drop_last=True):
    model = SimpleNamespace(queue=SimpleNamespace(size=queue_size))
    loader = SimpleNamespace(
        dataset=range(num_samples), batch_size=batch_size,
        drop_last=drop_last)
    return SimpleNamespace(model=model, train_dataloader=loader)


def test_a_fitting_queue_passes():
    HOOKS.build(dict(type='QueueCheckHook')).before_train(runner(64, 100, 16))


@pytest.mark.parametrize('args, match', [
    ((512, 100, 16), 'queue_size = 512 is larger than the pre-training set'),
    ((60, 100, 16), 'queue_size = 60 is not a multiple of the global batch'),
    ((64, 100, 16, False), 'drop_last must be True'),
])
def test_bad_queue_settings_are_named(args, match):
    with pytest.raises(ValueError, match=match):
        HOOKS.build(dict(type='QueueCheckHook')).before_train(runner(*args))

from types import SimpleNamespace

from mmaction.registry import HOOKS

from mmfrhead.utils import register_all_modules

register_all_modules()


def test_mining_from_the_configured_zero_based_epoch():
    hook = HOOKS.build(dict(type='NNMSwitchHook', begin_epoch=2))
    model = SimpleNamespace(nnm=False)
    logger = SimpleNamespace(info=lambda message: None)
    seen = []
    for epoch in range(4):
        hook.before_train_epoch(
            SimpleNamespace(model=model, epoch=epoch, logger=logger))
        seen.append(model.nnm)
    assert seen == [False, False, True, True]

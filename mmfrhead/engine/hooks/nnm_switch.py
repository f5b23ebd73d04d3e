from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class NNMSwitchHook(Hook):
    """Switch on AimCLR's nearest-neighbour mining from an epoch on.

    Sets ``model.nnm = runner.epoch >= begin_epoch`` before every training
    epoch. ``runner.epoch`` counts from 0 there, so ``begin_epoch=150``
    mines from the 151st epoch, as AimCLR's ``mining_epoch: 150`` (whose
    epochs count from 1). A resumed run gets the right value too.

    Args:
        begin_epoch (int): First (0-based) epoch with mining.
            Defaults to 150.
    """

    priority = 'NORMAL'

    def __init__(self, begin_epoch: int = 150) -> None:
        self.begin_epoch = begin_epoch

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        nnm = runner.epoch >= self.begin_epoch
        if nnm and not model.nnm:
            runner.logger.info(
                f'epoch {runner.epoch + 1}: nearest-neighbour mining on')
        model.nnm = nnm

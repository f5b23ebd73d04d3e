from mmaction.registry import HOOKS
from mmengine.dist import get_world_size
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class QueueCheckHook(Hook):
    """Check a MoCo queue against the training data before training.

    Stops with a message naming the setting when the queue
    (``model.queue_size``) is larger than the pre-training set (its own
    keys would then sit in the queue as negatives), when it is not a
    multiple of the global batch size, or when the training loader keeps a
    last, smaller batch (``drop_last``) that cannot fill the queue evenly.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        size = model.queue.size
        loader = runner.train_dataloader
        num_samples = len(loader.dataset)
        batch = loader.batch_size * get_world_size()
        if size > num_samples:
            raise ValueError(
                f'model.queue_size = {size} is larger than the pre-training '
                f'set ({num_samples} samples in train_dataloader.dataset): '
                'the queue would hold keys of the very sample as negatives; '
                'use a smaller queue')
        if size % batch:
            raise ValueError(
                f'model.queue_size = {size} is not a multiple of the global '
                f'batch size {batch} (train_dataloader.batch_size = '
                f'{loader.batch_size} x {get_world_size()} processes)')
        if not loader.drop_last and num_samples % batch:
            raise ValueError(
                'train_dataloader.drop_last must be True: the last batch of '
                f'{num_samples % batch} samples would not fill the queue '
                f'(model.queue_size = {size}) evenly')

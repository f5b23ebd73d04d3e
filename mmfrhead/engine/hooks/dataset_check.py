from typing import Iterator

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


def _leaf_datasets(dataset) -> Iterator:
    """The built datasets inside dataset wrappers."""
    if hasattr(dataset, 'dataset'):  # RepeatDataset, ClassBalancedDataset
        yield from _leaf_datasets(dataset.dataset)
    elif hasattr(dataset, 'datasets'):  # ConcatDataset
        for inner in dataset.datasets:
            yield from _leaf_datasets(inner)
    else:
        yield dataset


@HOOKS.register_module()
class DatasetCheckHook(Hook):
    """Check the datasets against the model before the first step.

    Before training (the train and val sets) and before testing (the test
    set), stops with a message naming the key to change when a label lies
    outside the model's classes (``model.cls_head.num_classes``) or the
    samples have another joint count than the model's skeleton layout
    (``model.data_preprocessor.layout``). Both are set by ``dataset_meta``
    (see :mod:`mmfrhead.datasets.dataset_meta`). ``tools/train.py`` and
    ``tools/test.py`` add the hook to every config.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        self._check(runner, 'train', runner.train_dataloader)
        if runner.val_loop is not None:
            self._check(runner, 'val', runner.val_dataloader)

    def before_test(self, runner) -> None:
        self._check(runner, 'test', runner.test_dataloader)

    @staticmethod
    def _check(runner, loader: str, dataloader) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        num_classes = getattr(getattr(model, 'cls_head', None),
                              'num_classes', None)
        parents = getattr(model.data_preprocessor, 'parents', None)
        layout = runner.cfg.get('model', {}).get('data_preprocessor',
                                                 {}).get('layout')
        for dataset in _leaf_datasets(dataloader.dataset):
            if not hasattr(dataset, 'get_data_info') or not len(dataset):
                continue
            # BaseDataset serialises its data_list by default.
            samples = [dataset.get_data_info(i) for i in range(len(dataset))]
            where = (f'{loader}_dataloader (ann_file '
                     f'{getattr(dataset, "ann_file", "?")}, split '
                     f'{getattr(dataset, "split", None)})')
            labels = [s['label'] for s in samples if 'label' in s]
            if num_classes is not None and labels and not (
                    0 <= min(labels) and max(labels) < num_classes):
                raise ValueError(
                    f'{where} has labels {min(labels)}..{max(labels)} but '
                    f'model.cls_head.num_classes = {num_classes}; set '
                    'dataset_meta.num_classes (or the split, if this is '
                    'the wrong data set)')
            if parents is None or 'keypoint' not in samples[0]:
                continue
            joints = parents.numel()
            found = {s['keypoint'].shape[-2] for s in samples}
            if found != {joints}:
                raise ValueError(
                    f'{where} has samples of {sorted(found)} joints but '
                    f'the layout {layout!r} (model.data_preprocessor.'
                    f'layout) has {joints}; set dataset_meta.layout')

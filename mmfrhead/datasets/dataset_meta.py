"""A dataset described once: ``dataset_meta`` resolved into its consumers.

A config (or ``--cfg-options``) sets a top-level ``dataset_meta`` dict;
:func:`resolve_dataset_meta` writes each of its keys into every place that
needs it. Keys left out keep the values of the config, so a shipped config
without ``dataset_meta`` resolves to itself:

- ``ann_file``: the annotation file of the train, val and test datasets
  (inside dataset wrappers such as ``RepeatDataset``).
- ``train_split``, ``val_split``, ``test_split``: their ``split``;
  ``test_split`` defaults to ``val_split``.
- ``num_classes``: ``model.cls_head.num_classes`` where the model has a
  classifier (FR Head reads it there).
- ``layout``: a name of :func:`mmfrhead.skeleton.get_layout`, for
  ``model.data_preprocessor.layout``, ``model.backbone.graph_cfg.layout``
  (the layout's graph dict where the config has a dict, as MMAction2's
  backbones take it) and the transforms that take a ``layout``.
- ``clip_len``: the transforms that take a ``clip_len``.
- ``num_person``: ``FormatGCNInput`` and ``model.backbone.num_person``.

``layout``, ``clip_len`` and ``num_person`` also set the matching entries
of ``clip_shape`` ``(M, T, V, C)`` (``model.clip_shape`` of FR Head and the
top-level ``clip_shape`` of the dataset bases).
"""
from typing import Iterator, List

from mmengine.config import Config, ConfigDict

from mmfrhead.skeleton import get_layout

DATASET_META_KEYS = ('ann_file', 'train_split', 'val_split', 'test_split',
                     'num_classes', 'layout', 'clip_len', 'num_person')
LOADERS = ('train', 'val', 'test')


def leaf_datasets(dataset: dict) -> Iterator[dict]:
    """Yield the datasets with a pipeline inside dataset wrappers.

    Args:
        dataset (dict): A dataset config, e.g. ``RepeatDataset`` around a
            ``PoseDataset`` or a ``ConcatDataset`` of several.

    Yields:
        dict: Every wrapped dataset config that has a ``pipeline``.
    """
    if 'pipeline' in dataset:
        yield dataset
    if isinstance(dataset.get('dataset'), dict):
        yield from leaf_datasets(dataset['dataset'])
    for inner in dataset.get('datasets', ()):
        yield from leaf_datasets(inner)


def loader_datasets(cfg: Config, loader: str) -> List[dict]:
    """The leaf dataset configs of ``<loader>_dataloader``.

    Args:
        cfg (Config): The config.
        loader (str): ``'train'``, ``'val'`` or ``'test'``.

    Returns:
        list[dict]: The datasets (empty when the loader is not set).
    """
    dataloader = cfg.get(f'{loader}_dataloader')
    if not dataloader:
        return []
    return list(leaf_datasets(dataloader['dataset']))


def resolve_dataset_meta(cfg: Config) -> Config:
    """Write ``cfg.dataset_meta`` into its consumers (see the module).

    The test loader gets a dataset config of its own, so a config where
    ``test_dataloader = val_dataloader`` stays correct when the validation
    set changes.

    Args:
        cfg (Config): The config, modified in place.

    Returns:
        Config: ``cfg``.

    Raises:
        KeyError: ``dataset_meta`` has a key that is not one of
            :data:`DATASET_META_KEYS`.
    """
    meta = cfg.get('dataset_meta')
    if not meta:
        return cfg
    unknown = sorted(set(meta) - set(DATASET_META_KEYS))
    if unknown:
        raise KeyError(f'dataset_meta has unknown keys {unknown}; the keys '
                       f'are {list(DATASET_META_KEYS)}')
    if cfg.get('test_dataloader') is not None:
        cfg.test_dataloader = ConfigDict(cfg.test_dataloader.to_dict())
    splits = dict(meta)
    if 'val_split' in meta:
        splits.setdefault('test_split', meta['val_split'])
    for loader in LOADERS:
        for dataset in loader_datasets(cfg, loader):
            if 'ann_file' in meta:
                dataset.ann_file = meta['ann_file']
            if f'{loader}_split' in splits:
                dataset.split = splits[f'{loader}_split']
            _resolve_pipeline(dataset.pipeline, meta)
    model = cfg.get('model', {})
    if 'num_classes' in meta and 'cls_head' in model:
        model.cls_head.num_classes = meta['num_classes']
    if 'layout' in meta:
        if 'data_preprocessor' in model:
            model.data_preprocessor.layout = meta['layout']
        graph_cfg = model.get('backbone', {}).get('graph_cfg')
        if graph_cfg is not None:
            layout = get_layout(meta['layout'])
            graph_cfg.layout = layout.graph_dict() if isinstance(
                graph_cfg.get('layout'), dict) else meta['layout']
    if 'num_person' in meta and 'num_person' in model.get('backbone', {}):
        model.backbone.num_person = meta['num_person']
    if 'clip_shape' in model:
        model.clip_shape = _clip_shape(model.clip_shape, meta)
    if 'clip_shape' in cfg:
        cfg.clip_shape = _clip_shape(cfg.clip_shape, meta)
    return cfg


def _resolve_pipeline(pipeline: list, meta: dict) -> None:
    for transform in pipeline:
        for key in ('clip_len', 'layout'):
            if key in meta and key in transform:
                transform[key] = meta[key]
        if 'num_person' in meta and transform['type'] == 'FormatGCNInput':
            transform.num_person = meta['num_person']


def _clip_shape(shape: tuple, meta: dict) -> tuple:
    persons, frames, joints, channels = shape
    if 'layout' in meta:
        joints = get_layout(meta['layout']).num_joints
    return (meta.get('num_person', persons), meta.get('clip_len', frames),
            joints, channels)

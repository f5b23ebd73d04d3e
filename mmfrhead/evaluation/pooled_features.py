from typing import List, Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


@HOOKS.register_module()
class PooledFeatureHook(Hook):
    """Attach the classifier's input features to every test prediction.

    During testing, a forward pre-hook on ``model.cls_head`` takes its input,
    the backbone output ``(N * num_clips, M, C, T, V)``, and averages it over
    persons, frames and joints (what ``GCNHead`` does before its linear
    layer) and over clips. A forward hook on the recognizer then stores the
    ``(C, )`` vector of each sample in its data sample as
    ``pooled_feature``, where :class:`DumpScores` finds it. The torch hooks
    exist only between ``before_test`` and ``after_test``.
    """

    def __init__(self) -> None:
        self._handles: List = []
        self._features: Optional[torch.Tensor] = None

    def before_test(self, runner) -> None:
        """Register the torch hooks on the (unwrapped) model."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        self._handles = [
            model.cls_head.register_forward_pre_hook(self._capture),
            model.register_forward_hook(self._attach)
        ]

    def after_test(self, runner) -> None:
        """Remove the torch hooks."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._features = None

    def _capture(self, head, args) -> None:
        self._features = args[0].detach().mean(dim=(1, 3, 4))  # (N, C)

    def _attach(self, model, args, outputs) -> None:
        if not isinstance(outputs, list) or self._features is None:
            return  # not a 'predict' forward
        features = self._features.view(
            len(outputs), -1, self._features.size(-1)).mean(dim=1)
        for sample, feature in zip(outputs, features):
            sample.set_field(feature.cpu(), 'pooled_feature')
        self._features = None

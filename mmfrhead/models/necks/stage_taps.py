from contextlib import contextmanager
from typing import Iterator, List, Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS


@MODELS.register_module()
class StageTaps:
    """Multi-level feature taps ("neck hooks") for any backbone.

    Captures the outputs of named submodules of a backbone with forward
    hooks, so a multi-level head can read intermediate stages without any
    change to the backbone. The hooks exist only inside :meth:`capture`; at
    any other time the backbone runs exactly as it was written.

    A tapped output may be ``(N * M, C, T, V)`` (inside MMAction2's GCN
    backbones) or ``(N, M, C, T, V)`` (a backbone's final output, tapped
    with the name ``''``); both are returned as they are.

    Args:
        stages (Sequence[str]): Names of the submodules to tap, as in
            ``backbone.named_modules()``, e.g. ``('gcn.0', 'gcn.4', 'gcn.7',
            'gcn.9')`` after blocks 1, 5, 8 and 10 of MMAction2's ``STGCN``,
            ``AAGCN`` or mmfrhead's ``CTRGCN``.

    Examples:
        >>> taps = StageTaps(['gcn.0', 'gcn.9'])
        >>> with taps.capture(backbone) as feats:
        ...     out = backbone(x)
        >>> [f.shape for f in feats]
    """

    def __init__(self, stages: Sequence[str]) -> None:
        if isinstance(stages, str) or not stages:
            raise ValueError(
                f'stages must be a non-empty list of names, got {stages!r}')
        self.stages = tuple(stages)

    def modules(self, backbone: nn.Module) -> List[nn.Module]:
        """Resolve the stage names, with a clear error for a wrong name."""
        named = dict(backbone.named_modules())
        missing = [name for name in self.stages if name not in named]
        if missing:
            children = [n for n in named if n and n.count('.') <= 1]
            raise KeyError(
                f'{type(backbone).__name__} has no submodule named '
                f'{missing}; tap names must come from named_modules(), '
                f'e.g. {children[:12]}')
        return [named[name] for name in self.stages]

    @contextmanager
    def capture(self, backbone: nn.Module) -> Iterator[List[torch.Tensor]]:
        """Hook the stages while the block runs.

        Yields:
            list[torch.Tensor]: Filled, in the order of ``stages``, by the
            backbone's forward inside the block.
        """
        outputs = {}

        def hook(index):

            def store(module, args, output):
                outputs[index] = output

            return store

        handles = [
            module.register_forward_hook(hook(i))
            for i, module in enumerate(self.modules(backbone))
        ]
        feats: List[torch.Tensor] = []
        try:
            yield feats
        finally:
            for handle in handles:
                handle.remove()
        if len(outputs) != len(self.stages):
            skipped = [
                s for i, s in enumerate(self.stages) if i not in outputs
            ]
            raise RuntimeError(
                f'stages {skipped} did not run in forward. A backbone '
                'compiled on its own (torch.compile(backbone)) skips hooks '
                'added after it was compiled: compile the recognizer '
                '(MMEngine: compile=True) instead')
        for i in range(len(self.stages)):
            feat = outputs[i]
            if not (torch.is_tensor(feat) and feat.dim() in (4, 5)):
                raise TypeError(
                    f'stage {self.stages[i]!r} returned {type(feat).__name__}'
                    ', expected a (N*M, C, T, V) or (N, M, C, T, V) tensor')
            feats.append(feat)

    @torch.no_grad()
    def probe(self, backbone: nn.Module,
              clip_shape: Sequence[int]) -> List[Tuple[int, int, int]]:
        """Run one dummy clip to find the ``(C, T, V)`` of every stage.

        Args:
            backbone (nn.Module): The backbone, taking ``(N, M, T, V, C)``.
            clip_shape (Sequence[int]): ``(M, T, V, C)`` of one clip.

        Returns:
            list[tuple[int]]: ``(C, T, V)`` of each stage.
        """
        was_training = backbone.training
        backbone.eval()
        x = torch.zeros((1, ) + tuple(clip_shape))
        try:
            with self.capture(backbone) as feats:
                backbone(x)
        except (RuntimeError, ValueError, IndexError) as e:
            raise ValueError(
                f'{type(backbone).__name__} cannot run a clip of shape '
                f'(M, T, V, C)={tuple(clip_shape)}; check clip_shape against '
                f'the backbone (persons, joints of its graph, channels): {e}'
            ) from e
        finally:
            backbone.train(was_training)
        return [tuple(f.shape[-3:]) for f in feats]

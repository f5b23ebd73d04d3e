"""What every converter from another code base's checkpoints needs: reading
the source state dict key by key, and checking the result against a model.
"""
from typing import Dict, List, Mapping, Sequence

import torch

from mmfrhead.apis.checkpoint import FR_PREFIXES

StateDict = Mapping[str, torch.Tensor]


def _listed(keys: Sequence[str]) -> str:
    """``'(n): k1, k2, ...'``, at most five keys."""
    more = ', ...' if len(keys) > 5 else ''
    return f'({len(keys)}): {", ".join(keys[:5])}{more}'


class SourceState:
    """A state dict being converted: hands out its tensors by key, with
    errors that name the file and the key, and remembers which keys were
    used, so that nothing in the source is silently dropped.

    Args:
        state_dict (Mapping[str, torch.Tensor]): The source state dict.
        source (str): Where it comes from (a file name), for the errors.
        layout (str): Name of the source layout, for the errors.
    """

    def __init__(self, state_dict: StateDict, source: str,
                 layout: str) -> None:
        self.state = dict(state_dict)
        self.source = source
        self.layout = layout
        self.used = set()

    def has(self, key: str) -> bool:
        return key in self.state

    def count(self, pattern: str, start: int = 0) -> int:
        """Number of consecutive indices ``i = start, start + 1, ...`` for
        which ``pattern.format(i)`` is a key."""
        n = 0
        while pattern.format(start + n) in self.state:
            n += 1
        return n

    def error(self, message: str) -> ValueError:
        return ValueError(f'{self.source}: {message}')

    def take(self, key: str) -> torch.Tensor:
        """The tensor of ``key``; raises ValueError naming it if absent."""
        if key not in self.state:
            raise self.error(f'missing key {key!r} of the {self.layout} '
                             'layout')
        self.used.add(key)
        return self.state[key]

    def cat(self, keys: Sequence[str]) -> torch.Tensor:
        """The tensors of ``keys`` stacked along the first axis (their
        other axes must agree)."""
        parts = [self.take(key) for key in keys]
        for key, part in zip(keys, parts):
            if part.shape[1:] != parts[0].shape[1:]:
                raise self.error(
                    f'shape mismatch: {key!r} is {tuple(part.shape)} but '
                    f'{keys[0]!r} is {tuple(parts[0].shape)}; they are '
                    'concatenated along the first axis')
        return torch.cat(parts)

    def check_all_used(self) -> None:
        """Raise ValueError naming the source keys no rule converted."""
        unused = [key for key in self.state if key not in self.used]
        if unused:
            raise self.error(f'unexpected key(s) for the {self.layout} '
                             f'layout {_listed(unused)}')


def check_fits(converted: StateDict, model_state: StateDict,
               source: str) -> List[str]:
    """Check a converted state dict against the state dict of a model.

    Every converted key must be in the model with the same shape, and
    every parameter and buffer of the backbone and the classifier must be
    converted, except batch-norm ``num_batches_tracked`` counters (which
    PyTorch before 0.4.1 did not save). The model may keep some FR Head
    entries of its own: those the source has no counterpart for (the
    prototypes, or the whole head for a source trained without it).

    Args:
        converted (Mapping[str, torch.Tensor]): The converted state dict.
        model_state (Mapping[str, torch.Tensor]): ``model.state_dict()``.
        source (str): The source file, for the errors.

    Returns:
        list[str]: The model's keys that the converted state dict leaves
        to the model.

    Raises:
        ValueError: Naming the source and the unexpected, mis-shaped or
            missing keys.
    """
    unexpected = [k for k in converted if k not in model_state]
    mismatched = [
        f'{k}: converted {tuple(v.shape)}, model '
        f'{tuple(model_state[k].shape)}' for k, v in converted.items()
        if k in model_state and v.shape != model_state[k].shape
    ]
    left = [k for k in model_state if k not in converted]
    missing = [
        k for k in left if not k.startswith(FR_PREFIXES)
        and not k.endswith('.num_batches_tracked')
    ]
    found = (('not in the model', unexpected), ('shape mismatch', mismatched),
             ('missing', missing))
    problems = [f'{what} {_listed(keys)}' for what, keys in found if keys]
    if problems:
        raise ValueError(f'{source} does not fit the model: ' +
                         '; '.join(problems))
    return left


def as_state_dict(checkpoint: Dict, source: str) -> Dict[str, torch.Tensor]:
    """The state dict of a loaded checkpoint file: the file itself when it
    is a bare state dict (as the reference code saves), else its
    ``'state_dict'`` entry.

    Args:
        checkpoint (dict): What ``torch.load`` returned.
        source (str): The file, for the errors.

    Returns:
        dict[str, torch.Tensor]: The state dict.
    """
    if not isinstance(checkpoint, Mapping):
        raise ValueError(f'{source}: expected a dict, got '
                         f'{type(checkpoint).__name__}')
    state = checkpoint.get('state_dict', checkpoint)
    bad = [k for k, v in state.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise ValueError(f'{source}: not a state dict of tensors; '
                         f'entries {bad[:5]} are not tensors')
    return dict(state)

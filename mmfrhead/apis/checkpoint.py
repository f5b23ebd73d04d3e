"""Checkpoints of FR Head recognizers: stripping and checked loading."""
from typing import Dict

import torch
from mmengine.runner import CheckpointLoader

FR_PREFIXES = ('fr_head.', )


def strip_fr_head(checkpoint: Dict) -> Dict:
    """Remove the training-only FR Head weights from a checkpoint.

    The result holds the ``meta`` and the ``state_dict`` of the backbone and
    classifier only: MMAction2's plain ``RecognizerGCN`` loads it strictly,
    and it is what to deploy. Optimizer and scheduler states are dropped.

    Args:
        checkpoint (dict): A checkpoint as saved by MMEngine, or a bare
            state dict.

    Returns:
        dict: ``{'meta': ..., 'state_dict': ...}`` without FR weights.
    """
    state = checkpoint.get('state_dict', checkpoint)
    stripped = {
        k: v
        for k, v in state.items() if not k.startswith(FR_PREFIXES)
    }
    meta = dict(checkpoint.get('meta', {}))
    meta['fr_head_stripped'] = len(state) - len(stripped)
    return dict(meta=meta, state_dict=stripped)


def strip_fr_head_file(src: str, dst: str) -> int:
    """Strip the FR Head from the checkpoint file ``src`` into ``dst``.

    Args:
        src (str): Checkpoint written by training with ``FRRecognizer``.
        dst (str): Output path.

    Returns:
        int: Number of tensors removed.
    """
    stripped = strip_fr_head(torch.load(src, map_location='cpu'))
    torch.save(stripped, dst)
    return stripped['meta']['fr_head_stripped']


def load_recognizer_checkpoint(model: torch.nn.Module, filename: str) -> None:
    """Load a checkpoint into a recognizer, refusing one that does not fit.

    MMEngine's ``load_from`` (and MMAction2's ``init_recognizer``) load
    non-strictly: a checkpoint of another model, or one whose class count
    differs, is only warned about and the test then runs on random weights.
    Here every deployed parameter and buffer must be in the checkpoint with
    its shape. The FR Head is training-only, so its weights may be missing
    (a stripped checkpoint under an FR config) or left over (an FR
    checkpoint under a plain config).

    Args:
        model (torch.nn.Module): The recognizer (not wrapped by DDP).
        filename (str): Checkpoint written by MMEngine, or a bare state
            dict: a path or a URL, as MMEngine's ``load_from``.

    Raises:
        ValueError: Naming the file and the missing, unexpected or
            mis-shaped entries.
    """
    # MMEngine's loader, as for load_from: local paths, URLs, backends.
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    state = {
        k[len('module.'):] if k.startswith('module.') else k: v
        for k, v in state.items()
    }
    own = model.state_dict()
    missing = [
        k for k in own if k not in state and not k.startswith(FR_PREFIXES)
    ]
    unexpected = [
        k for k in state if k not in own and not k.startswith(FR_PREFIXES)
    ]
    mismatched = [
        f'{k}: checkpoint {tuple(v.shape)}, model {tuple(own[k].shape)}'
        for k, v in state.items() if k in own and v.shape != own[k].shape
    ]
    problems = [
        f'{what} ({len(keys)}): {", ".join(keys[:5])}'
        f'{", ..." if len(keys) > 5 else ""}'
        for what, keys in (('missing', missing), ('unexpected', unexpected),
                           ('shape mismatch', mismatched)) if keys
    ]
    if problems:
        raise ValueError(
            f'{filename} does not fit the model of this config; ' +
            '; '.join(problems))
    deployed = {k: v for k, v in state.items() if k in own}
    model.load_state_dict(deployed, strict=False)

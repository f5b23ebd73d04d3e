from typing import Dict

import torch

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

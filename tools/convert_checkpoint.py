"""Convert a checkpoint of the authors' FR-Head (CTR-GCN) code to mmfrhead.

The output is an MMEngine checkpoint of mmfrhead's recognizer (``CTRGCN``,
``GCNHead`` and, where the source has them, the ``FRHead`` modules): test it
with ``tools/test.py``, or train on with ``tools/train.py CFG --cfg-options
load_from=DST``. The reference keeps no FR prototypes in its state dict; a
model loading the output keeps its own initial ones (see the printed note).

Example:
    python tools/convert_checkpoint.py runs-65-16250.pt fr_ucla_j.pth \
        --config configs/ctrgcn_frhead_ucla_j.py
"""
import argparse
import sys
from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmfrhead
from mmfrhead.converters import (PROTOTYPE_NOTE, as_state_dict, check_fits,
                                 convert_frhead_ctrgcn)


def convert(src: str, dst: str, config: Optional[str] = None) -> Dict:
    """Convert the file ``src`` into ``dst`` and report on stdout.

    Args:
        src (str): Checkpoint of the reference code: its bare state dict
            (as its ``main.py`` saves) or a dict with a ``'state_dict'``.
        dst (str): Output checkpoint, ``{'state_dict': ..., 'meta': ...}``.
        config (str, optional): An mmfrhead config to check the result
            against (every tensor must fit its model). Defaults to None.

    Returns:
        dict: The checkpoint written.
    """
    source = as_state_dict(
        torch.load(src, map_location='cpu', weights_only=True), src)
    state = convert_frhead_ctrgcn(source, src)
    meta = dict(
        converted_from=src,
        converter='mmfrhead.converters.convert_frhead_ctrgcn',
        mmfrhead_version=mmfrhead.__version__,
        fr_prototypes=PROTOTYPE_NOTE)
    print(f'converted {len(source)} tensors of {src} into {len(state)}')
    if config is not None:
        cfg = Config.fromfile(config)
        init_default_scope(cfg.get('default_scope', 'mmaction'))
        left = check_fits(state, MODELS.build(cfg.model).state_dict(), src)
        meta['config'] = config
        print(f'fits the model of {config}; it keeps its own {len(left)} '
              f'tensor(s): {", ".join(left) or "none"}')
    checkpoint = dict(state_dict=state, meta=meta)
    torch.save(checkpoint, dst)
    print(PROTOTYPE_NOTE)
    print(f'wrote {dst}')
    return checkpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="checkpoint of the authors' code")
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--config', help='mmfrhead config whose model must fit the result')
    args = parser.parse_args()
    try:
        convert(args.src, args.dst, args.config)
    except ValueError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()

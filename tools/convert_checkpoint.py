"""Convert a checkpoint of the authors' FR-Head or AimCLR code to mmfrhead.

``--format`` (by default detected from the keys):

* ``frhead_ctrgcn``: the FR-Head (CTR-GCN) code; the output is an MMEngine
  checkpoint of mmfrhead's recognizer (``CTRGCN``, ``GCNHead`` and, where
  the source has them, the ``FRHead`` modules): test it with
  ``tools/test.py``, or train on with ``tools/train.py CFG --cfg-options
  load_from=DST``. The reference keeps no FR prototypes in its state dict;
  a model loading the output keeps its own initial ones (see the note).
* ``aimclr``: AimCLR's pre-training model (``encoder_q.*``); the output is
  a checkpoint of mmfrhead's ``AimCLR`` (encoder ``backbone.``, projection
  ``neck.``, key encoder, queue), to resume pre-training or to initialise a
  classifier's backbone with ``prefix='backbone.'``.

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
from mmfrhead.apis.cli import check_config
from mmfrhead.converters import (PROTOTYPE_NOTE, as_state_dict, check_fits,
                                 convert_aimclr_stgcn, convert_frhead_ctrgcn)

# format -> (converter, a key only its layout has, note for the user)
FORMATS = {
    'frhead_ctrgcn': (convert_frhead_ctrgcn, 'l1.gcn1.PA', PROTOTYPE_NOTE),
    'aimclr': (convert_aimclr_stgcn, 'encoder_q.data_bn.weight', None),
}


def detect_format(state: Dict, src: str) -> str:
    """The format whose marker key ``state`` has."""
    for name, (_, marker, _) in FORMATS.items():
        if marker in state:
            return name
    markers = ', '.join(f'{m!r} ({n})' for n, (_, m, _) in FORMATS.items())
    raise ValueError(f'{src}: unknown checkpoint layout, none of the keys '
                     f'{markers}; pass --format')


def convert(src: str,
            dst: str,
            config: Optional[str] = None,
            fmt: str = 'auto') -> Dict:
    """Convert the file ``src`` into ``dst`` and report on stdout.

    Args:
        src (str): Checkpoint of the reference code: its bare state dict
            (as its ``main.py`` saves) or a dict with a ``'state_dict'``.
        dst (str): Output checkpoint, ``{'state_dict': ..., 'meta': ...}``.
        config (str, optional): An mmfrhead config to check the result
            against (every tensor must fit its model). Defaults to None.
        fmt (str): A key of :data:`FORMATS`, or ``'auto'`` to detect it
            from the keys. Defaults to ``'auto'``.

    Returns:
        dict: The checkpoint written.
    """
    source = as_state_dict(
        torch.load(src, map_location='cpu', weights_only=True), src)
    fmt = detect_format(source, src) if fmt == 'auto' else fmt
    converter, _, note = FORMATS[fmt]
    state = converter(source, src)
    meta = dict(
        converted_from=src,
        converter=f'mmfrhead.converters.{converter.__name__}',
        mmfrhead_version=mmfrhead.__version__)
    if note is not None:
        meta['fr_prototypes'] = note
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
    if note is not None:
        print(note)
    print(f'wrote {dst}')
    return checkpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="checkpoint of the authors' code")
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--config', help='mmfrhead config whose model must fit the result')
    parser.add_argument(
        '--format',
        default='auto',
        choices=['auto', *FORMATS],
        help='layout of src (default: detected from its keys)')
    args = parser.parse_args()
    if args.config is not None:
        check_config(args.config)
    try:
        convert(args.src, args.dst, args.config, args.format)
    except ValueError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()

"""Converters of checkpoints trained with other code bases."""
from .aimclr_stgcn import convert_aimclr_stgcn
from .base import SourceState, as_state_dict, check_fits
from .frhead_ctrgcn import PROTOTYPE_NOTE, convert_frhead_ctrgcn

__all__ = [
    'SourceState', 'as_state_dict', 'check_fits', 'PROTOTYPE_NOTE',
    'convert_aimclr_stgcn', 'convert_frhead_ctrgcn'
]

from .ctrgcn import CTRGCN
from .hdgcn import HDGCN

__all__ = ['CTRGCN', 'HDGCN']

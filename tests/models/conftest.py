"""Shared settings of the model tests: two CPU threads, registered modules."""
import pytest
import torch

from mmfrhead.utils import register_all_modules

torch.set_num_threads(2)
register_all_modules()


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same random state."""
    torch.manual_seed(0)

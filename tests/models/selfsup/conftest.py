"""The self-supervised model tests run tiny models on one thread."""
import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """One intra-op thread (the ``one_thread`` fixture of tests/)."""

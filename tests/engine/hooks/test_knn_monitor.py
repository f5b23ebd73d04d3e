import pytest
import torch

from mmfrhead.engine.hooks import knn_top1


def test_knn_votes_by_weighted_neighbours():
    memory = torch.tensor([[1., 0], [0.9, 0.1], [0, 1.], [0.1, 0.9]])
    labels = torch.tensor([0, 0, 1, 1])
    queries = torch.tensor([[1., 0.05], [0.05, 1.], [1., 0.]])
    assert knn_top1(memory, labels, queries, torch.tensor([0, 1, 1]), k=2,
                    temperature=0.1) == pytest.approx(200 / 3)


def test_weights_decide_a_tie_of_counts():
    memory = torch.tensor([[1., 0], [0., 1.]])
    labels = torch.tensor([0, 1])
    query = torch.tensor([[1., 0.2]])  # closer to class 0
    assert knn_top1(memory, labels, query, torch.tensor([0]), k=2,
                    temperature=0.1) == 100

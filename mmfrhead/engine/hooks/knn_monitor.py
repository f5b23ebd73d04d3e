from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import HOOKS
from mmengine.dist import all_gather
from mmengine.hooks import Hook


def knn_top1(memory: torch.Tensor, memory_labels: torch.Tensor,
             queries: torch.Tensor, query_labels: torch.Tensor, k: int,
             temperature: float) -> float:
    """Top-1 (%) of a weighted cosine kNN classifier (Wu et al., 2018).

    Each query votes for the labels of its ``k`` most similar memory
    features, weighted by ``exp(similarity / temperature)``.

    Args:
        memory (torch.Tensor): ``(N, C)`` labelled features.
        memory_labels (torch.Tensor): ``(N, )``.
        queries (torch.Tensor): ``(Q, C)``.
        query_labels (torch.Tensor): ``(Q, )``.
        k (int): Neighbours.
        temperature (float): Temperature of the vote weights.

    Returns:
        float: Percentage of queries whose vote is their label.
    """
    memory, queries = F.normalize(memory, dim=1), F.normalize(queries, dim=1)
    sim, idx = (queries @ memory.t()).topk(min(k, len(memory)), dim=1)
    votes = torch.zeros(len(queries), int(memory_labels.max()) + 1)
    votes.scatter_add_(1, memory_labels[idx], (sim / temperature).exp())
    return (votes.argmax(1) == query_labels).float().mean().item() * 100


@HOOKS.register_module()
class KNNMonitorHook(Hook):
    """Log a kNN top-1 of the encoder's features during pre-training.

    Every ``interval`` epochs, the model (in eval mode, ``predict`` giving
    each sample's ``pooled_features``, as :class:`AimCLR` does) embeds a
    labelled memory set and a query set without augmentation; the weighted
    kNN top-1 of the queries (:func:`knn_top1`) is logged as ``knn/top1``.
    The labels serve the monitor only, never the training. Under
    distributed training each process embeds its shard and the features
    are gathered (the sampler's padding repeats a few samples).

    Args:
        memory_dataloader (dict): Loader config of the labelled memory
            (e.g. the training split with the test pipeline).
        query_dataloader (dict): Loader config of the queries.
        k (int): Neighbours. Defaults to 20.
        temperature (float): Vote temperature. Defaults to 0.1.
        interval (int): Epochs between two evaluations. Defaults to 10.
    """

    priority = 'LOW'

    def __init__(self,
                 memory_dataloader: Dict,
                 query_dataloader: Dict,
                 k: int = 20,
                 temperature: float = 0.1,
                 interval: int = 10) -> None:
        self.loaders = dict(memory=memory_dataloader, query=query_dataloader)
        self.k = k
        self.temperature = temperature
        self.interval = interval

    def _features(self, runner, name: str) -> Tuple[torch.Tensor, ...]:
        loader = self.loaders[name]
        if isinstance(loader, dict):
            loader = self.loaders[name] = runner.build_dataloader(loader)
        feats, labels = [], []
        for data in loader:
            for sample in runner.model.val_step(data):
                feats.append(sample.pooled_features.float().cpu())
                labels.append(sample.gt_label.cpu())
        feats, labels = torch.stack(feats), torch.cat(labels)
        return torch.cat(all_gather(feats)), torch.cat(all_gather(labels))

    def after_train_epoch(self, runner) -> None:
        if not self.every_n_epochs(runner, self.interval):
            return
        runner.model.eval()
        with torch.no_grad():
            memory = self._features(runner, 'memory')
            query = self._features(runner, 'query')
        runner.model.train()
        top1 = knn_top1(*memory, *query, self.k, self.temperature)
        runner.logger.info(f'Epoch {runner.epoch + 1}: knn/top1 '
                           f'{top1:.2f} (k={self.k})')
        runner.visualizer.add_scalars({'knn/top1': top1},
                                      step=runner.epoch + 1)

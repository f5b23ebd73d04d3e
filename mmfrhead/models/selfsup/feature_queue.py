import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.dist import all_gather, get_world_size
from mmengine.model import BaseModule


@MODELS.register_module()
class FeatureQueue(BaseModule):
    """MoCo's queue of negative keys, as registered buffers.

    ``queue`` ``(dim, size)`` starts as L2-normalised Gaussian noise and
    ``ptr`` at 0; both are in the state dict, so a checkpoint saves them and
    a resumed run continues with them. Under distributed training every
    process enqueues the keys of all processes (gathered), so the queues
    stay identical.

    Args:
        dim (int): Size of a key. Defaults to 128.
        size (int): Number of keys (AimCLR's ``queue_size``); a multiple of
            the global batch size. Defaults to 32768.
    """

    def __init__(self, dim: int = 128, size: int = 32768) -> None:
        super().__init__()
        self.size = size
        self.register_buffer('queue', F.normalize(torch.randn(dim, size),
                                                  dim=0))  # (D, K)
        self.register_buffer('ptr', torch.zeros(1, dtype=torch.long))

    @torch.no_grad()
    def enqueue(self, keys: torch.Tensor) -> None:
        """Replace the oldest keys by ``keys`` ``(B, dim)`` of every process.

        Raises:
            ValueError: If ``size`` is not a multiple of the global batch.
        """
        if get_world_size() > 1:
            keys = torch.cat(all_gather(keys.contiguous()))
        batch = keys.size(0)
        if self.size % batch:
            raise ValueError(
                f'queue size {self.size} (model.queue.size) is not a '
                f'multiple of the global batch size {batch} (batch_size x '
                f'{get_world_size()} processes); use drop_last=True and a '
                'queue size that is a multiple of it')
        ptr = int(self.ptr)
        self.queue[:, ptr:ptr + batch] = keys.t()
        self.ptr[0] = (ptr + batch) % self.size

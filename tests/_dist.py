"""Real multi-process runs for the distributed tests: a gloo process group of
spawned CPU processes on a free local port."""
import socket
from typing import Any, Callable, Dict

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _rank_main(rank: int, world_size: int, port: int, fn: Callable,
               results) -> None:
    from mmfrhead.utils import register_all_modules
    register_all_modules()
    torch.set_num_threads(1)  # the processes share the CPU cores
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{port}',
        rank=rank,
        world_size=world_size)
    results.put((rank, fn(rank)))
    dist.barrier()
    dist.destroy_process_group()


def run_ranks(fn: Callable[[int], Any],
              world_size: int = 2,
              timeout: float = 300) -> Dict[int, Any]:
    """Run ``fn(rank)`` on every rank of a fresh gloo process group.

    Args:
        fn (Callable): A module-level function (spawned processes import
            it); what it returns must travel by value, e.g. numpy arrays
            (tensors would go through shared memory that vanishes when
            their process exits).
        world_size (int): Number of processes. Defaults to 2.
        timeout (float): Seconds to wait for each result. Defaults to 300.

    Returns:
        dict: What ``fn`` returned, by rank.
    """
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    ctx = mp.get_context('spawn')
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_rank_main, args=(rank, world_size, port, fn, results))
        for rank in range(world_size)
    ]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=timeout) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return got

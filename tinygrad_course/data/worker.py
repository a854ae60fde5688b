"""``get_worker_info``: what a dataset sees about the (in-process) loading worker it runs in.

Our ``DataLoader`` never starts processes: with ``num_workers > 0`` it runs one worker, id 0, in
the calling thread. While that worker fetches data (and while ``worker_init_fn`` runs),
``get_worker_info()`` returns a ``WorkerInfo`` with ``id=0, num_workers=1``, so the usual
``IterableDataset`` sharding code (``range(info.id, n, info.num_workers)``) yields every
sample exactly once. Everywhere else it returns ``None``, as in PyTorch's main process.
"""
import contextlib
import threading
from dataclasses import dataclass
from typing import Any, Iterator, Optional

__all__ = ["WorkerInfo", "get_worker_info"]

_local = threading.local()


@dataclass(frozen=True)
class WorkerInfo:
    """The loading worker's identity: ``id``, ``num_workers``, ``seed`` and the ``dataset`` it reads.

    Example
    -------
    >>> WorkerInfo(id=0, num_workers=1, seed=7, dataset=None).num_workers
    1
    """

    id: int
    num_workers: int
    seed: int
    dataset: Any


def get_worker_info() -> Optional[WorkerInfo]:
    """The ``WorkerInfo`` of the worker fetching data right now, or ``None`` outside one.

    Example
    -------
    >>> get_worker_info() is None  # the main process
    True
    """
    return getattr(_local, "info", None)


@contextlib.contextmanager
def _as_worker(info: WorkerInfo) -> Iterator[None]:
    """Make ``get_worker_info()`` return ``info`` inside the block (restored after, even on error)."""
    previous = getattr(_local, "info", None)
    _local.info = info
    try:
        yield
    finally:
        _local.info = previous

"""``DataLoader``: batches of a dataset, in the order its sampler gives (optionally shuffled by a seeded generator)."""
import itertools
import numbers
from typing import Callable, Optional

import numpy as np

from ..autograd import _array
from ._tc import resolve_generator, tc
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import _VECTORISED, BatchSampler, RandomSampler, SequentialSampler
from .worker import WorkerInfo, _as_worker


def _tensor_source(dataset):
    """``(TensorDataset, index map or None)`` if ``dataset`` is a TensorDataset, possibly wrapped
    in Subsets; else ``(None, None)``. Exact types only: a subclass may override ``__getitem__``."""
    index_map = None
    while type(dataset) is Subset:
        inner = np.asarray(dataset.indices, dtype=np.int64).reshape(-1)
        index_map = inner if index_map is None else inner[index_map]
        dataset = dataset.dataset
    if type(dataset) is TensorDataset:
        return dataset, index_map
    return None, None


def _take(tensor, idx):
    """``tensor[idx]`` for an int index array, as a new Tensor (one numpy gather, no Python loop)."""
    if tensor.requires_grad:
        return tensor[idx]  # keep the tape when the data itself is being learned
    return tc().from_numpy(_array(tensor)[idx])


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, collated into Tensors.

    Arguments and their checks are PyTorch's. Which indices are visited, and in what order,
    comes from ``sampler`` (default: ``RandomSampler`` if ``shuffle`` else
    ``SequentialSampler``), grouped by ``batch_sampler`` (default:
    ``BatchSampler(sampler, batch_size, drop_last)``); ``collate_fn`` (default
    ``default_collate``) turns a list of samples into a batch. ``batch_size=None`` yields single
    samples through ``default_convert`` (no batch dimension). An ``IterableDataset`` is read in
    the order it yields, ``batch_size`` samples at a time (no sampler, no shuffle).

    ``generator`` (for ``shuffle=True``): a ``numpy.random.Generator``, an int seed, or ``None``
    for the library's generator, so ``tc.manual_seed`` makes shuffling reproducible; each pass
    draws a new permutation.

    Loading always happens in this process and thread: ``num_workers > 0`` runs a single
    in-process worker, id 0. ``worker_init_fn(0)`` is called once per pass (once in all with
    ``persistent_workers=True``); while that worker fetches data ``get_worker_info()`` returns
    ``WorkerInfo(id=0, num_workers=1, ...)``, and ``None`` in the loop body, as in PyTorch's
    main process. ``pin_memory``, ``timeout``, ``prefetch_factor``, ``multiprocessing_context``,
    ``pin_memory_device`` and ``in_order`` are checked as PyTorch checks them and otherwise
    have no effect (there is no accelerator and no worker process).

    A ``TensorDataset`` (or a ``Subset`` of one) with the default ``collate_fn`` is batched by
    indexing its tensors with a whole batch of indices at once (one gather per batch).

    Example
    -------
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader:
    ...     loss = loss_fn(model(xb), yb)
    """

    _initialized = False

    def __init__(self, dataset, batch_size: Optional[int] = 1, shuffle: Optional[bool] = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn: Optional[Callable] = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Optional[Callable[[int], None]] = None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor: Optional[int] = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if not isinstance(num_workers, numbers.Integral) or isinstance(num_workers, bool) or num_workers < 0:
            raise ValueError(
                f"num_workers option should be non-negative; use num_workers=0 to disable "
                f"multiprocessing, got num_workers={num_workers!r}"
            )
        if not isinstance(timeout, numbers.Real) or timeout < 0:
            raise ValueError(f"timeout option should be non-negative, got timeout={timeout!r}")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError(f"prefetch_factor option should be non-negative, got prefetch_factor={prefetch_factor!r}")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if worker_init_fn is not None and not callable(worker_init_fn):
            raise TypeError(f"DataLoader: worker_init_fn must be callable, got {type(worker_init_fn).__name__}")
        if not isinstance(drop_last, (bool, np.bool_)):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        drop_last = bool(drop_last)

        if generator is not None:
            resolve_generator(generator, "DataLoader")  # a bad generator fails now, not at the first shuffle
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            # Checked before the sampler options, as PyTorch does: these are meaningless for a stream.
            if shuffle not in (False, None):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
            shuffle = False
        else:
            if shuffle is None:  # PyTorch's default; means no shuffling
                shuffle = False
            if not isinstance(shuffle, (bool, np.bool_)):
                raise ValueError(f"shuffle should be a boolean value, but got shuffle={shuffle!r}")
            shuffle = bool(shuffle)
            needs_len = sampler is None and batch_sampler is None
            if not hasattr(dataset, "__getitem__") or (needs_len and not hasattr(dataset, "__len__")):
                raise TypeError(
                    f"DataLoader: dataset must define __getitem__ and __len__ (or be an IterableDataset), "
                    f"got {type(dataset).__name__}"
                )

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size = None
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
                )
        elif not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")

        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, int(batch_size), drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = int(num_workers)
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterable = iterable
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._worker = None  # the in-process worker's WorkerInfo, once started
        self._initialized = True

    def __setattr__(self, attr, val) -> None:
        # These define the index stream; PyTorch refuses to change them after construction.
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_size is not None if self._iterable else self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        """Number of batches: ``len(batch_sampler)`` (``ceil(n / batch_size)``, ``floor`` with
        ``drop_last``); for an ``IterableDataset``, the same from ``len(dataset)``."""
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self._index_sampler)

    def __iter__(self):
        # A pass's random order is drawn here, when the iterator is made (as before samplers
        # existed, so seeded runs keep their order), not at the first next().
        if self.num_workers > 0:
            # The worker starts when the iterator is made, as PyTorch's processes do.
            info = self._start_worker()
            with _as_worker(info):
                batches = self._batches()
            return self._in_worker(info, batches)
        return self._batches()

    def _start_worker(self) -> WorkerInfo:
        if self._worker is None or not self.persistent_workers:
            # Drawn from the library's generator only when workers are asked for, so a loader
            # with num_workers=0 consumes exactly the random numbers its sampler needs.
            seed = int(resolve_generator(None, "DataLoader").integers(0, 2**63 - 1))
            info = WorkerInfo(id=0, num_workers=1, seed=seed, dataset=self.dataset)
            if self.worker_init_fn is not None:
                with _as_worker(info):
                    self.worker_init_fn(0)
            self._worker = info
        return self._worker

    def _in_worker(self, info, batches):
        batches = iter(batches)
        while True:
            with _as_worker(info):  # only while fetching: the caller's loop body sees None
                try:
                    batch = next(batches)
                except StopIteration:
                    return
            yield batch

    def _batches(self):
        """An iterator over the batches of one pass (its index order already drawn)."""
        if self._iterable:
            return self._iter_stream(iter(self.dataset))
        if not self._auto_collation:
            sampler = self.sampler
            indices = sampler._epoch_indices().tolist() if type(sampler) in _VECTORISED else sampler
            return (self.collate_fn(self.dataset[i]) for i in indices)
        bs = self.batch_sampler
        vectorised = type(bs) is BatchSampler and type(bs.sampler) in _VECTORISED
        source, index_map = (None, None)
        if self.collate_fn is default_collate:
            source, index_map = _tensor_source(self.dataset)
        if source is not None:
            index_batches = bs._index_batches() if vectorised else (np.asarray(b, dtype=np.int64) for b in bs)
            return self._iter_tensors(source, index_map, index_batches)
        ids = (a.tolist() for a in bs._index_batches()) if vectorised else bs
        return self._iter_samples(ids)

    def _iter_stream(self, it):
        if self.batch_size is None:
            for sample in it:
                yield self.collate_fn(sample)
            return
        bs = self.batch_size
        while True:
            batch = list(itertools.islice(it, bs))
            if not batch or (self.drop_last and len(batch) < bs):
                return
            yield self.collate_fn(batch)

    def _iter_tensors(self, source, index_map, index_batches):
        for idx in index_batches:
            if index_map is not None:
                idx = index_map[idx]
            yield [_take(t, idx) for t in source.tensors]

    def _iter_samples(self, id_batches):
        collate = self.collate_fn
        getitems = getattr(self.dataset, "__getitems__", None)
        for ids in id_batches:
            samples = getitems(ids) if getitems else [self.dataset[i] for i in ids]
            yield collate(samples)

    def __repr__(self) -> str:
        size = "?" if self._iterable else len(self.dataset) if hasattr(self.dataset, "__len__") else "?"
        return (f"DataLoader(dataset={type(self.dataset).__name__} of {size}, batch_size={self.batch_size}, "
                f"sampler={type(self.sampler).__name__}, drop_last={self.drop_last})")

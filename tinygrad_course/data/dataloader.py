"""``DataLoader``: batches of a dataset, optionally shuffled by a seeded generator."""
import numbers

import numpy as np

from ._tc import resolve_generator, tc
from .collate import default_collate, default_convert
from .dataset import Subset, TensorDataset


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
    return tc().from_numpy(tensor._data[idx])


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, collated into Tensors.

    ``shuffle=True`` draws a new permutation at the start of every pass from ``generator`` (a
    ``numpy.random.Generator``, an int seed, or ``None`` for the library's generator, so
    ``tc.manual_seed`` makes shuffling reproducible). ``drop_last`` drops a final short batch.
    ``batch_size=None`` yields single samples without a batch dimension (as in PyTorch).
    ``num_workers`` is accepted for compatibility; loading always happens in this process.
    A ``TensorDataset`` (or a ``Subset`` of one) with the default ``collate_fn`` is batched by
    indexing its arrays with the whole index array at once.

    Example
    -------
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    >>> for xb, yb in loader:
    ...     loss = loss_fn(model(xb), yb)
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, *, collate_fn=None, drop_last=False,
                 generator=None, num_workers=0):
        if batch_size is not None and (
            not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0
        ):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")
        if not isinstance(drop_last, (bool, np.bool_)):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        if shuffle is None:  # PyTorch's default; means no shuffling
            shuffle = False
        if not isinstance(shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle should be a boolean value, but got shuffle={shuffle!r}")
        if batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if not isinstance(num_workers, numbers.Integral) or isinstance(num_workers, bool) or num_workers < 0:
            raise ValueError(
                f"num_workers option should be non-negative; use num_workers=0 to disable "
                f"multiprocessing, got num_workers={num_workers!r}"
            )
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
            raise TypeError(
                f"DataLoader: dataset must define __getitem__ and __len__, got {type(dataset).__name__}"
            )
        if shuffle and len(dataset) == 0:
            # PyTorch's RandomSampler refuses an empty dataset at construction; so do we.
            raise ValueError(
                "num_samples should be a positive integer value, but got num_samples=0 "
                "(DataLoader: shuffle=True on an empty dataset)"
            )
        # An int seed becomes one Generator now, so successive epochs differ but a run repeats.
        self._generator = None if generator is None else resolve_generator(generator, "DataLoader")
        self.generator = generator
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.num_workers = num_workers
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        """Number of batches: ``ceil(n / batch_size)``, or ``floor`` with ``drop_last``."""
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        if self.drop_last:
            return n // self.batch_size
        return (n + self.batch_size - 1) // self.batch_size

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n, dtype=np.int64)
        # Looked up now, not at construction: tc.manual_seed replaces the library's generator.
        gen = self._generator if self._generator is not None else resolve_generator(None, "DataLoader")
        return gen.permutation(n).astype(np.int64)

    def _batches(self, order):
        bs = self.batch_size
        stop = (len(order) // bs) * bs if self.drop_last else len(order)
        for start in range(0, stop, bs):
            yield order[start:start + bs]

    def __iter__(self):
        order = self._order()
        if self.batch_size is None:
            convert = self.collate_fn or default_convert
            return (convert(self.dataset[int(i)]) for i in order)
        source, index_map = (None, None) if self.collate_fn is not None else _tensor_source(self.dataset)
        if source is not None:
            return self._iter_tensors(source, index_map, order)
        return self._iter_samples(order)

    def _iter_tensors(self, source, index_map, order):
        for idx in self._batches(order):
            if index_map is not None:
                idx = index_map[idx]
            yield [_take(t, idx) for t in source.tensors]

    def _iter_samples(self, order):
        collate = self.collate_fn or default_collate
        getitems = getattr(self.dataset, "__getitems__", None)
        for idx in self._batches(order):
            ids = idx.tolist()
            samples = getitems(ids) if getitems else [self.dataset[i] for i in ids]
            yield collate(samples)

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__} of {len(self.dataset)}, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})")

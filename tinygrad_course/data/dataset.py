"""Map-style datasets: ``Dataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``, ``random_split``."""
import abc
import bisect
import math
import numbers
import warnings
from typing import List, Sequence

import numpy as np

from ._tc import is_tensor, resolve_generator, tc


class Dataset(abc.ABC):
    """A map from indices ``0..len-1`` to samples; subclasses define ``__getitem__`` and ``__len__``.

    Example
    -------
    >>> class Squares(Dataset):
    ...     def __len__(self): return 10
    ...     def __getitem__(self, i): return i, i * i
    """

    @abc.abstractmethod
    def __getitem__(self, index):
        """The sample at ``index``."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """The number of samples."""

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        """``a + b`` is the concatenation of two datasets (as in PyTorch)."""
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses define ``__iter__`` (and ``__len__`` only if they know it).

    A ``DataLoader`` over it takes samples in the order ``__iter__`` yields them; it accepts no
    ``sampler``/``batch_sampler``/``shuffle``. ``a + b`` chains two streams (``ChainDataset``).

    Example
    -------
    >>> class Count(IterableDataset):
    ...     def __iter__(self): return iter(range(3))
    >>> list(Count())
    [0, 1, 2]
    """

    @abc.abstractmethod
    def __iter__(self):
        """The samples, one after the other."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} is an IterableDataset: it cannot be indexed, only iterated")

    def __len__(self) -> int:
        # A TypeError, as len() of an object without __len__ (so list() falls back to iteration).
        raise TypeError(f"object of type '{type(self).__name__}' has no len()")

    def __add__(self, other: "Dataset") -> "ChainDataset":
        """``a + b`` is the chain of two iterable datasets (as in PyTorch)."""
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """Several iterable datasets one after the other; ``len`` is the sum of their lengths.

    Example
    -------
    >>> list(ChainDataset([Count(), Count()]))  # Count as in IterableDataset's example
    [0, 1, 2, 0, 1, 2]
    """

    def __init__(self, datasets) -> None:
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(f"ChainDataset only supports IterableDataset, got {type(d).__name__}")
            yield from d

    def __len__(self) -> int:
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(f"ChainDataset only supports IterableDataset, got {type(d).__name__}")
            total += len(d)
        return total


class TensorDataset(Dataset):
    """Samples are ``tuple(t[i] for t in tensors)``; every tensor must have the same first dimension.

    numpy arrays are accepted too and wrapped with ``tc.from_numpy`` (memory is shared).

    Example
    -------
    >>> ds = TensorDataset(tc.randn(100, 3), tc.arange(100))
    >>> x, y = ds[0]
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor, got none")
        converted = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = tc().from_numpy(t)
            elif not is_tensor(t):
                raise TypeError(
                    f"TensorDataset: argument {i} must be a Tensor or numpy array, "
                    f"got {type(t).__name__}"
                )
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is 0-dimensional; need a first dimension")
            converted.append(t)
        first = converted[0].shape[0]
        if any(t.shape[0] != first for t in converted):
            shapes = ", ".join(str(tuple(t.shape)) for t in converted)
            # PyTorch raises AssertionError here; we keep the kind and name the shapes.
            raise AssertionError(f"Size mismatch between tensors: shapes {shapes}")
        self.tensors = tuple(converted)

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``subset[i] = dataset[indices[i]]``.

    >>> ds = tc.data.TensorDataset(tc.arange(5))
    >>> sub = tc.data.Subset(ds, [4, 0])
    >>> len(sub), sub[0]
    (2, (tensor(4),))
    """

    def __init__(self, dataset, indices: Sequence[int]):
        self.dataset = dataset
        self.indices = indices
        # A subclass that changes __getitem__ but not __getitems__ would be bypassed by the
        # DataLoader's batched fetch; PyTorch refuses it, so do we.
        if type(self).__getitem__ is not Subset.__getitem__ and type(self).__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. When subclassing Subset "
                "and overriding __getitem__, you must also override __getitems__, e.g.\n\n"
                "def __getitems__(self, indices):\n    return [self.__getitem__(idx) for idx in indices]"
            )

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: List[int]) -> list:
        """The samples at ``indices`` (a list), through the wrapped dataset's ``__getitems__`` if any."""
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after the other; ``cumulative_sizes[k]`` is the end of dataset ``k``.

    >>> ds = tc.data.ConcatDataset([tc.data.TensorDataset(tc.arange(2)), tc.data.TensorDataset(tc.arange(3))])
    >>> len(ds), ds.cumulative_sizes
    (5, [2, 5])
    """

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            # PyTorch raises AssertionError for this.
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError(f"ConcatDataset does not support IterableDataset, got {type(d).__name__}")
        self.cumulative_sizes = self.cumsum(self.datasets)

    @staticmethod
    def cumsum(sequence) -> List[int]:
        """Running totals of the lengths of ``sequence``'s datasets."""
        out, total = [], 0
        for d in sequence:
            total += len(d)
            out.append(total)
        return out

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if not isinstance(idx, numbers.Integral) or isinstance(idx, bool):
            raise TypeError(f"ConcatDataset: index must be an int, got {type(idx).__name__}")
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError("ConcatDataset: absolute value of index should not exceed dataset length")
            idx = n + idx
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {n}")
        k = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if k == 0 else self.cumulative_sizes[k - 1]
        return self.datasets[k][idx - start]


def _split_lengths(n: int, lengths) -> List[int]:
    """Integer lengths from ``lengths`` (ints, or fractions summing to 1 as in PyTorch)."""
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths must not be empty")
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        out = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"random_split: fraction at index {i} is not between 0 and 1, got {frac}")
            out.append(math.floor(n * frac))
        # Hand out the remainder one by one, round robin (PyTorch's rule).
        for i in range(n - sum(out)):
            out[i % len(out)] += 1
        for i, length in enumerate(out):
            if length == 0:
                warnings.warn(
                    f"random_split: length of split at index {i} is 0. "
                    "This might result in an empty dataset.",
                    stacklevel=3,
                )
        return out
    for i, length in enumerate(lengths):
        if not isinstance(length, numbers.Integral) or isinstance(length, bool) or length < 0:
            raise ValueError(
                f"random_split: lengths must be non-negative ints or fractions summing to 1, "
                f"got {lengths[i]!r} at index {i}"
            )
    if total != n:
        raise ValueError(
            f"Sum of input lengths does not equal the length of the input dataset! "
            f"(sum {total}, dataset length {n})"
        )
    return [int(x) for x in lengths]


def random_split(dataset, lengths, generator=None) -> List[Subset]:
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given lengths or fractions.

    ``generator``: a ``numpy.random.Generator``, an int seed, or ``None`` for the library's
    generator (reseeded by ``tc.manual_seed``).

    Example
    -------
    >>> train, val = random_split(range(10), [0.8, 0.2], generator=0)
    >>> len(train), len(val)
    (8, 2)
    """
    gen = resolve_generator(generator, "random_split")
    sizes = _split_lengths(len(dataset), lengths)
    perm = gen.permutation(sum(sizes)).tolist()
    out, offset = [], 0
    for size in sizes:
        out.append(Subset(dataset, perm[offset:offset + size]))
        offset += size
    return out

"""Samplers: which dataset indices a ``DataLoader`` visits, and in what order (``torch.utils.data.sampler``).

Every ``generator`` argument takes a ``numpy.random.Generator``, an int seed, or ``None`` for the
library's generator (looked up at each pass, so ``tc.manual_seed`` makes the order reproducible).
An int seed becomes one Generator at construction: successive passes differ, a rerun repeats.
"""
import itertools
import numbers
from typing import Iterable, Iterator, List, Optional, Sequence, Sized

import numpy as np

from ._tc import is_tensor, resolve_generator

__all__ = [
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
    "WeightedRandomSampler", "BatchSampler",
]


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


class _Seeded:
    """Keeps the user's ``generator`` as given and the numpy Generator it resolves to."""

    def _set_generator(self, generator, where: str) -> None:
        self.generator = generator
        self._gen = None if generator is None else resolve_generator(generator, where)

    def _rng(self) -> np.random.Generator:
        # Looked up per pass, not stored: tc.manual_seed replaces the library's generator.
        return self._gen if self._gen is not None else resolve_generator(None, type(self).__name__)


class Sampler:
    """Base class of samplers: ``__iter__`` yields dataset indices (or lists of them, for batch
    samplers); ``__len__`` is optional, as in PyTorch.

    Example
    -------
    >>> class Reversed(Sampler):
    ...     def __init__(self, n): self.n = n
    ...     def __iter__(self): return iter(range(self.n - 1, -1, -1))
    ...     def __len__(self): return self.n
    >>> list(Reversed(3))
    [2, 1, 0]
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError

    # No default __len__: list(sampler) must be able to fall back to iteration (PyTorch's reasoning).


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order.

    Args: ``data_source``, anything with ``__len__``.

    Example
    -------
    >>> list(SequentialSampler(range(4)))
    [0, 1, 2, 3]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def _epoch_indices(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(_Seeded, Sampler):
    """Indices in random order: a fresh permutation per pass, or ``num_samples`` uniform draws
    with replacement.

    Without replacement and ``num_samples > len(data_source)``, whole permutations are chained
    (then a truncated one), as PyTorch does.

    Args: ``data_source`` (has ``__len__``), ``replacement`` (bool), ``num_samples`` (default
    ``len(data_source)``), ``generator`` (see the module docstring).

    Example
    -------
    >>> sorted(RandomSampler(range(5), generator=0))
    [0, 1, 2, 3, 4]
    >>> len(RandomSampler(range(5), replacement=True, num_samples=12))
    12
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: Optional[int] = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        n = self.num_samples
        if not _is_int(n) or n <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={n}")
        self._set_generator(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """Indices per pass: ``num_samples`` if given, else the (current) dataset length."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _epoch_indices(self) -> np.ndarray:
        n, k, gen = len(self.data_source), self.num_samples, self._rng()
        if n == 0:
            raise ValueError(f"RandomSampler: cannot draw {k} samples from an empty data_source")
        if self.replacement:
            return gen.integers(0, n, size=k, dtype=np.int64)
        whole, rest = divmod(k, n)
        # No extra permutation when rest == 0, so a plain shuffle consumes exactly one draw per pass.
        parts = [gen.permutation(n) for _ in range(whole)]
        if rest:
            parts.append(gen.permutation(n)[:rest])
        return np.concatenate(parts).astype(np.int64, copy=False)

    def __iter__(self) -> Iterator[int]:
        return iter(self._epoch_indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(_Seeded, Sampler):
    """The given ``indices`` in a fresh random order each pass (without replacement).

    Args: ``indices`` (a sequence of ints), ``generator`` (see the module docstring).

    Example
    -------
    >>> sorted(SubsetRandomSampler([7, 3, 9], generator=0))
    [3, 7, 9]
    """

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self._set_generator(generator, "SubsetRandomSampler")

    def _epoch_indices(self) -> np.ndarray:
        perm = self._rng().permutation(len(self.indices))
        idx = self.indices
        if isinstance(idx, range) or (isinstance(idx, np.ndarray) and idx.dtype.kind in "iu"):
            return np.asarray(idx, dtype=np.int64)[perm]
        if is_tensor(idx):
            return idx.numpy().astype(np.int64).reshape(-1)[perm]
        return np.asarray([int(idx[i]) for i in perm.tolist()], dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        perm = self._rng().permutation(len(self.indices)).tolist()
        # Yield the caller's own elements (as PyTorch does), not a converted copy.
        return (self.indices[i] for i in perm)

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(_Seeded, Sampler):
    """``num_samples`` indices of ``weights`` drawn with probability ``weights[i] / sum(weights)``.

    With ``replacement=False`` an index is drawn at most once per pass (successive draws
    renormalise the remaining weights, as ``torch.multinomial``). Invalid weights (negative,
    non-finite, all zero, or too few positive ones without replacement) raise ``RuntimeError``
    when a pass starts, as in PyTorch.

    Args: ``weights`` (1-D sequence, need not sum to 1), ``num_samples`` (int > 0),
    ``replacement`` (bool, default True), ``generator`` (see the module docstring).

    Example
    -------
    >>> s = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=4, generator=0)
    >>> set(s) <= {1, 2}
    True
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        if not _is_int(num_samples) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        w = weights.detach().numpy() if is_tensor(weights) else weights
        try:
            w = np.asarray(w, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"WeightedRandomSampler: weights must be a sequence of numbers, got {type(weights).__name__}"
            ) from None
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}")
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self._set_generator(generator, "WeightedRandomSampler")

    def _epoch_indices(self) -> np.ndarray:
        w, k = self.weights, self.num_samples
        if w.size == 0:
            raise RuntimeError("WeightedRandomSampler: cannot sample from empty probability weights")
        if not np.all(np.isfinite(w)):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if np.any(w < 0):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        total = w.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not self.replacement and k > w.size:
            raise RuntimeError(
                f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                f"(WeightedRandomSampler: num_samples={k}, {w.size} weights)"
            )
        gen = self._rng()
        if self.replacement:
            return gen.choice(w.size, size=k, replace=True, p=w / total).astype(np.int64)
        # Exponential race (Gumbel-top-k): the k smallest E_i / w_i are a draw without replacement
        # with successive renormalisation, in draw order. Zero weights (key inf) come last, as in
        # torch.multinomial, in random order (ties broken by E_i).
        e = gen.exponential(size=w.size)
        with np.errstate(divide="ignore"):
            keys = e / w
        return np.lexsort((e, keys))[:k].astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self._epoch_indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``; ``drop_last`` drops a
    final shorter list.

    Args: ``sampler`` (a Sampler or any iterable of indices), ``batch_size`` (int > 0),
    ``drop_last`` (bool). ``len`` is ``ceil(len(sampler) / batch_size)``, or ``floor`` with
    ``drop_last``.

    Example
    -------
    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not _is_int(batch_size) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def _index_batches(self) -> Iterator[np.ndarray]:
        """The batches as int64 arrays, one vectorised draw per pass when the sampler is one of
        ours (exact type: a subclass may override ``__iter__``); else grouped from iteration."""
        if type(self.sampler) in _VECTORISED:
            order = self.sampler._epoch_indices()
            bs = self.batch_size
            stop = (len(order) // bs) * bs if self.drop_last else len(order)
            return (order[i:i + bs] for i in range(0, stop, bs))
        return (np.asarray(b, dtype=np.int64) for b in self)

    def __iter__(self) -> Iterator[List[int]]:
        if type(self.sampler) in _VECTORISED:
            for batch in self._index_batches():
                yield batch.tolist()
            return
        it = iter(self.sampler)
        if self.drop_last:
            for batch in zip(*([it] * self.batch_size)):
                yield list(batch)
        else:
            batch = list(itertools.islice(it, self.batch_size))
            while batch:
                yield batch
                batch = list(itertools.islice(it, self.batch_size))

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


_VECTORISED = (SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler)

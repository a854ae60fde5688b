"""Argument checks and the random source shared by the dataset generators."""
import numbers

import numpy as np


def rng(seed, where: str) -> np.random.Generator:
    """A Generator from ``seed``: None (the library's, reseeded by ``tc.manual_seed``), an int,
    or a ``numpy.random.Generator``."""
    if seed is None:
        from ..autograd.random import default_generator

        return default_generator()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"{where}: seed must be non-negative, got {seed}")
        return np.random.default_rng(int(seed))
    raise TypeError(f"{where}: seed must be None, an int or a numpy.random.Generator, got {type(seed).__name__}")


def count(value, name: str, where: str, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` or a ValueError naming it."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{where}: {name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def nonneg(value, name: str, where: str) -> float:
    """``value`` as a float >= 0 or a ValueError naming it."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{where}: {name} must be a number >= 0, got {value!r}")
    return float(value)

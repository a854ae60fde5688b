"""Dimension and shape arguments: PyTorch's rules for ``dim`` and ``size``, in one place."""
from operator import index as _index

import numpy as np


def norm_dim(d, ndim, op="op"):
    """A dimension index in [0, ndim), PyTorch's IndexError otherwise."""
    n = max(ndim, 1)
    if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
        raise TypeError(f"{op}(): dim must be an int, got {type(d).__name__}")
    if d < -n or d >= n:
        raise IndexError(f"{op}(): Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n if ndim else 0


def norm_dims(dim, ndim, op="op"):
    """``dim`` (None, int or tuple) as a sorted tuple of non-negative axes (None: all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        ds = tuple(norm_dim(d, ndim, op) for d in dim)
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"{op}(): dim {tuple(dim)} appears multiple times in the list of dims")
        return tuple(sorted(ds)) if ndim else ()
    d = norm_dim(dim, ndim, op)  # checked even for a 0-d tensor, which accepts only 0 and -1
    return (d,) if ndim else ()


def shape_arg(shape):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch-like Size)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        # operator.index: ints (and integer NumPy scalars / 0-d integer tensors) only, no 2.5 -> 2
        return tuple(_index(s) for s in shape)
    except TypeError:
        raise TypeError(f"expected a shape (a tuple of ints), got {tuple(shape)!r}") from None

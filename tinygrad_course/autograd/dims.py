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


def _is_int(d):
    return isinstance(d, (int, np.integer)) and not isinstance(d, bool)


def check_dims_type(dim, op="op", name="dim"):
    """PyTorch's argument-parser TypeError for a ``dim`` that is not None, an int or a sequence of
    ints (a str, float or None element), raised before any range or dtype check, as PyTorch's is.
    Returns ``dim`` unchanged."""
    if dim is None or _is_int(dim):
        return dim
    if isinstance(dim, (list, tuple)):
        for i, d in enumerate(dim):
            if not _is_int(d):
                raise TypeError(f"{op}(): argument '{name}' must be a tuple of ints, but element {i} of "
                                f"{dim!r} is {type(d).__name__}")
        return dim
    raise TypeError(f"{op}(): argument '{name}' must be an int or a tuple of ints, not {type(dim).__name__}")


def norm_dims(dim, ndim, op="op"):
    """``dim`` (None, int or tuple) as a sorted tuple of non-negative axes (None: all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        check_dims_type(dim, op)  # every element's type before any range: [1, 'x'] is a TypeError
        ds = tuple(norm_dim(d, ndim, op) for d in dim)
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"{op}(): dim {tuple(dim)} appears multiple times in the list of dims")
        return tuple(sorted(ds)) if ndim else ()
    d = norm_dim(dim, ndim, op)  # checked even for a 0-d tensor, which accepts only 0 and -1
    return (d,) if ndim else ()


def reduce_dims(dim, ndim, op="op"):
    """``dim`` of a reduction (sum, mean, var, std, norm, logsumexp, count_nonzero) as sorted
    non-negative axes, where None and an empty list both mean every dim, as in PyTorch.

    >>> reduce_dims((), 3), reduce_dims(-1, 3)
    ((0, 1, 2), (2,))
    """
    return norm_dims(dim, ndim, op) or tuple(range(ndim))


def shape_arg(shape):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch-like Size)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        # operator.index: ints (and integer NumPy scalars / 0-d integer tensors) only, no 2.5 -> 2
        return tuple(_index(s) for s in shape)
    except TypeError:
        raise TypeError(f"expected a shape (a tuple of ints), got {tuple(shape)!r}") from None


class _AllDims:
    """The default of a ``dim`` that PyTorch lets be left out but not passed as None (``prod``,
    ``squeeze``): omitted, the op reduces (squeezes) every dimension; ``dim=None`` is a TypeError."""

    __slots__ = ()

    def __repr__(self):
        return "<all dims>"


ALL_DIMS = _AllDims()

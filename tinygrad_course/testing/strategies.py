"""Hypothesis strategies for tinygrad_course: shapes, broadcastable shapes and Tensors.

They are public API: use them to property-test your own functions and ``Function``s.

>>> from hypothesis import given
>>> from tinygrad_course.testing import tensors, shapes
>>> @given(tensors(shape=shapes(max_dims=2)))
... def test_double_negation(x):
...     assert ((-(-x)) == x).all()
"""
import functools
from typing import Optional, Tuple, Union

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra import numpy as hnp

from ..autograd import dtypes as _dt
from ..autograd.factories import tensor

Shape = Tuple[int, ...]


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 1, max_side: int = 5) -> st.SearchStrategy:
    """Tensor shapes: tuples of ``min_dims``..``max_dims`` sides, each in ``min_side``..``max_side``.

    Shrinks towards ``()`` (or the fewest dims allowed) and sides of ``min_side``.

    >>> shapes(max_dims=2).example()  # doctest: +SKIP
    (3, 1)
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcastable_shapes(shape: Shape, min_dims: int = 0, max_dims: Optional[int] = None, min_side: int = 1,
                         max_side: Optional[int] = None) -> st.SearchStrategy:
    """Shapes that broadcast with ``shape`` (NumPy/PyTorch rules: align on the right; each pair
    of sides is equal or one of them is 1), as ``hypothesis.extra.numpy.broadcastable_shapes``.

    >>> broadcastable_shapes((3, 4)).example()  # doctest: +SKIP
    (1, 4)
    """
    return hnp.broadcastable_shapes(tuple(shape), min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                                    max_side=max_side)


def _elements(npd: np.dtype, elements) -> st.SearchStrategy:
    """The element strategy for ``tensors``: a strategy as given, or bounds ``(lo, hi)``."""
    if isinstance(elements, st.SearchStrategy):
        return elements
    if npd.kind == "b":
        if elements is not None:
            raise InvalidArgument("tensors(): bool tensors take no (lo, hi) bounds; pass a strategy")
        return st.booleans()
    if elements is None:
        lo, hi = (-3.0, 3.0) if npd.kind == "f" else (-10, 10)
    else:
        try:
            lo, hi = elements
        except (TypeError, ValueError):
            raise InvalidArgument(
                f"tensors(): elements must be a Hypothesis strategy or (lo, hi) bounds, got {elements!r}"
            ) from None
        if lo > hi:
            raise InvalidArgument(f"tensors(): elements bounds must satisfy lo <= hi, got ({lo}, {hi})")
    if npd.kind == "f":
        lo, hi = _representable(lo, hi, npd)
        # finite, no subnormals: finite differences on 1e-310 say nothing about a gradient
        return st.floats(lo, hi, width=8 * npd.itemsize, allow_nan=False, allow_infinity=False,
                         allow_subnormal=False)
    info = np.iinfo(npd)
    return st.integers(max(int(np.ceil(lo)), int(info.min)), min(int(np.floor(hi)), int(info.max)))


def _representable(lo, hi, npd):
    """Bounds rounded inwards to values of dtype ``npd`` (Hypothesis requires exact ones)."""
    t = npd.type
    a, b = t(lo), t(hi)
    if float(a) < lo:
        a = np.nextafter(a, t(np.inf))
    if float(b) > hi:
        b = np.nextafter(b, t(-np.inf))
    return float(a), float(b)


def tensors(shape: Union[None, int, Shape, st.SearchStrategy] = None, dtype=_dt.float64,
            elements: Union[None, Tuple[float, float], st.SearchStrategy] = None,
            requires_grad: bool = True, unique: bool = False) -> st.SearchStrategy:
    """Leaf ``Tensor``s of ``shape`` (a tuple, an int, a strategy of shapes or None for
    ``shapes()``) and ``dtype`` (float64 by default, as gradient checks want), with finite
    values drawn from ``elements`` (a strategy, or ``(lo, hi)`` bounds; default [-3, 3] for
    floats, [-10, 10] for integers). ``unique=True`` makes all elements distinct (e.g. to
    avoid ties when testing ``max``).

    Shrinks towards small shapes and values near 0.

    >>> from tinygrad_course.testing import tensors
    >>> tensors(shape=(2, 3), elements=(0.1, 2.0)).example()  # doctest: +SKIP
    tensor([[0.1000, 1.5000, 0.1000],
            [0.1000, 0.1000, 0.1000]], dtype=tinygrad_course.float64, requires_grad=True)
    """
    try:
        npd = _dt.to_np(dtype)
    except TypeError as e:
        raise InvalidArgument(f"tensors(): {e}") from None
    if requires_grad and npd.kind != "f":
        raise InvalidArgument(f"tensors(): only floating point tensors can require grad, got dtype {_dt.as_dtype(dtype)}")
    if shape is None:
        shape = shapes()
    elif isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    elif not isinstance(shape, st.SearchStrategy):
        shape = tuple(int(s) for s in shape)
    arrays = hnp.arrays(npd, shape, elements=_elements(npd, elements), unique=unique)
    return arrays.map(functools.partial(tensor, requires_grad=requires_grad))

"""Division with rounding (``div(rounding_mode='floor'|'trunc')``, ``//``): PyTorch's values,
dtypes (integers stay integers), zero checks and a zero gradient on the tape."""
from __future__ import annotations

import numpy as np

from ..dtypes import result_type
from .elementwise import _Binary, _run, remainder


def _trunc_divide(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Quotient rounded toward zero; integers stay integers (NumPy's ``trunc(x / y)`` is a float)."""
    if x.dtype.kind == "f":
        return np.trunc(x / y)
    q = np.floor_divide(x, y)
    # floor and trunc differ when the division is inexact and the signs differ
    return np.where((q * y != x) & ((x < 0) != (y < 0)), q + 1, q).astype(x.dtype, copy=False)


class _RoundedDiv(_Binary):
    """Piecewise constant in both operands: the gradient is 0 (PyTorch still records the op)."""

    need_tensors, int_zero_check = False, True

    @staticmethod
    def grads(a, b, out, g):
        z = g * 0
        return z, z


class FloorDivide(_RoundedDiv):
    """floor(a / b), Python's ``//``;  d/da = d/db = 0."""

    op, f = "div", staticmethod(np.floor_divide)


class TruncDivide(_RoundedDiv):
    """trunc(a / b), C's integer division;  d/da = d/db = 0."""

    op, f = "div", staticmethod(_trunc_divide)


def rounded_div(a, b, rounding_mode: str):
    """``a / b`` rounded by ``rounding_mode`` ('floor' or 'trunc'); integer ``b == 0`` raises
    PyTorch's ``RuntimeError: ZeroDivisionError``.

    >>> rounded_div(tc.tensor([7, -7]), 2, 'trunc')
    tensor([ 3, -3])
    """
    if rounding_mode not in ("floor", "trunc"):
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    x = _arr_dtype(a, b)
    if x == "b":
        raise NotImplementedError(f'"div_{rounding_mode}_cpu" not implemented for \'Bool\'')
    return _run(FloorDivide if rounding_mode == "floor" else TruncDivide, a, b)


def _arr_dtype(a, b) -> str:
    """The kind of the promoted dtype of a and b ('b' for two bools)."""
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    return result_type(x, y).kind


class RoundingDivOps:
    """``//``, ``%`` and ``div(rounding_mode=...)``: integers stay integers (``// 0`` raises, as
    PyTorch); float results stay on the tape with a zero gradient (``%`` is differentiable).
    ``Tensor`` inherits these methods."""

    __slots__ = ()

    def _rounded_div(self, other, rounding_mode):
        return rounded_div(self, other, rounding_mode)

    def __floordiv__(self, other):
        return rounded_div(self, other, "floor")

    def __rfloordiv__(self, other):
        return rounded_div(other, self, "floor")

    def __mod__(self, other):
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(other, self)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

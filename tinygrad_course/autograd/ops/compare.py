"""Comparisons and logic: ``== < isnan isclose all any nonzero``; results carry no gradient."""

import numpy as np

from .. import dtypes as _dt
from .arith import _arr
from .reduce import _axes

__all__ = [  # the function forms, exported as tc.<name>
    "all",
    "any",
    "isnan",
    "isinf",
    "isfinite",
    "allclose",
    "isclose",
    "equal",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_not",
    "logical_and",
    "logical_or",
    "nonzero",
    "count_nonzero",
    "greater",
    "less",
    "greater_equal",
    "less_equal",
    "not_equal",
]



def _compare(fn, a, b, op):
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else np.asarray(b) if isinstance(b, (list, tuple)) else b
    try:
        return Tensor._make(np.asarray(fn(x, y)))
    except ValueError:
        raise RuntimeError(
            f"{op}(): the size of tensor a {tuple(np.shape(x))} must match the size of tensor b {tuple(np.shape(y))}"
        ) from None


def _logic(fn, a, b, op):
    try:
        return Tensor._make(np.asarray(fn(_arr(a), _arr(b))))
    except (ValueError, TypeError) as e:
        raise RuntimeError(f"{op}(): {e}") from None


class CompareOps:
    """Comparisons and logic (no gradient). ``Tensor`` inherits these methods."""

    __slots__ = ()

    def __eq__(self, other):
        if other is None:
            return False
        return _compare(np.equal, self, other, "eq")

    def __ne__(self, other):
        if other is None:
            return True
        return _compare(np.not_equal, self, other, "ne")

    def __lt__(self, other):
        return _compare(np.less, self, other, "lt")

    def __le__(self, other):
        return _compare(np.less_equal, self, other, "le")

    def __gt__(self, other):
        return _compare(np.greater, self, other, "gt")

    def __ge__(self, other):
        return _compare(np.greater_equal, self, other, "ge")

    def __and__(self, other):
        return _logic(np.logical_and if self.dtype == _dt.bool else np.bitwise_and, self, other, "and")

    def __or__(self, other):
        return _logic(np.logical_or if self.dtype == _dt.bool else np.bitwise_or, self, other, "or")

    def __xor__(self, other):
        return _logic(np.logical_xor if self.dtype == _dt.bool else np.bitwise_xor, self, other, "xor")

    def __invert__(self):
        d = self._data
        return Tensor._make(np.logical_not(d) if d.dtype.kind == "b" else np.invert(d))

    def logical_not(self):
        return Tensor._make(np.logical_not(self._data))

    def logical_and(self, other):
        return _logic(np.logical_and, self, other, "logical_and")

    def logical_or(self, other):
        return _logic(np.logical_or, self, other, "logical_or")

    def isnan(self):
        return Tensor._make(np.isnan(self._data))

    def isinf(self):
        return Tensor._make(np.isinf(self._data))

    def isfinite(self):
        return Tensor._make(np.isfinite(self._data))

    def equal(self, other):
        return bool(self.shape == other.shape and np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.allclose(self._data, _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return Tensor._make(np.isclose(self._data, _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def all(self, dim=None, keepdim=False):
        return Tensor._make(np.asarray(np.all(self._data, axis=_axes(dim, self), keepdims=keepdim)))

    def any(self, dim=None, keepdim=False):
        return Tensor._make(np.asarray(np.any(self._data, axis=_axes(dim, self), keepdims=keepdim)))

    def count_nonzero(self, dim=None):
        return Tensor._make(np.asarray(np.count_nonzero(self._data, axis=_axes(dim, self)), dtype=np.int64))

    def nonzero(self, as_tuple=False):
        if self.ndim == 0:  # PyTorch treats a 0-d tensor as one element: (n, 0) indices, or one (n,) tensor
            n = int(bool(self.item()))
            return (Tensor(np.zeros(n, np.int64)),) if as_tuple else Tensor(np.zeros((n, 0), np.int64))
        nz = np.nonzero(self._data)
        if as_tuple:
            return tuple(Tensor._make(i.astype(np.int64)) for i in nz)
        return Tensor._make(np.stack(nz, -1).astype(np.int64) if nz else np.zeros((1, 0), np.int64))

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__
    eq = __eq__
    ne = __ne__
    lt = less = __lt__
    le = __le__
    gt = greater = __gt__
    ge = __ge__

# ---- function forms: ``tc.<name>(input, ...)`` ----

def all(input, dim=None, keepdim=False):
    return input.all(dim, keepdim)


def any(input, dim=None, keepdim=False):
    return input.any(dim, keepdim)


def isnan(input):
    return input.isnan()


def isinf(input):
    return input.isinf()


def isfinite(input):
    return input.isfinite()


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.allclose(other, rtol, atol, equal_nan)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return input.isclose(other, rtol, atol, equal_nan)


def equal(input, other):
    return input.equal(other)


def eq(input, other):
    return input == other


def ne(input, other):
    return input != other


def lt(input, other):
    return input < other


def le(input, other):
    return input <= other


def gt(input, other):
    return input > other


def ge(input, other):
    return input >= other


def logical_not(input):
    return input.logical_not()


def logical_and(input, other):
    return input.logical_and(other)


def logical_or(input, other):
    return input.logical_or(other)


def nonzero(input, as_tuple=False):
    return input.nonzero(as_tuple)


def count_nonzero(input, dim=None):
    return input.count_nonzero(dim)




def greater(input, other):
    return input > other


def less(input, other):
    return input < other


greater_equal = ge


less_equal = le


not_equal = ne


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

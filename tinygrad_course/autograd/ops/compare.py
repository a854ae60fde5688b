"""Comparisons and logic: ``== < isnan isclose all any nonzero``; results carry no gradient."""

import numpy as np

from .. import dtypes as _dt
from ..aliases import numpy_dims, with_out
from ..dims import reduce_dims
from ..effects import replayed
from .operands import _arr
from .reduce import _axes
from .input_checks import scalar_or_tensor, tensor_input, tensor_other

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



@replayed  # its result is made outside the tape: tc.compile replays the comparison itself
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


def _close(t, other, rtol, atol, equal_nan, op):
    """|t - other| <= atol + rtol |other| as a bool array, with PyTorch's checks: a Tensor other of
    t's dtype, tolerances >= 0, shapes that broadcast."""
    other = tensor_other(other, op)
    x, y = t._data, other._data
    if x.dtype != y.dtype:
        raise RuntimeError(f"{op}(): {_dt._BY_NP[x.dtype]} did not match {_dt._BY_NP[y.dtype]} (convert one with .to())")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v < 0:
            raise RuntimeError(f"{op}(): {name} must be greater than or equal to zero, but got {v}")
    try:
        return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError:
        raise RuntimeError(f"{op}(): the shapes {tuple(x.shape)} and {tuple(y.shape)} do not broadcast") from None


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

    def eq(self, other):
        """Elementwise ``self == other`` (a tensor or a number; ``==`` also takes others, giving False)."""
        return _compare(np.equal, self, scalar_or_tensor(other, "eq"), "eq")

    def ne(self, other):
        """Elementwise ``self != other`` (a tensor or a number)."""
        return _compare(np.not_equal, self, scalar_or_tensor(other, "ne"), "ne")

    def __lt__(self, other):
        return _compare(np.less, self, scalar_or_tensor(other, "lt"), "lt")

    def __le__(self, other):
        return _compare(np.less_equal, self, scalar_or_tensor(other, "le"), "le")

    def __gt__(self, other):
        return _compare(np.greater, self, scalar_or_tensor(other, "gt"), "gt")

    def __ge__(self, other):
        return _compare(np.greater_equal, self, scalar_or_tensor(other, "ge"), "ge")

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
        """Elementwise logical NOT (non-zero is True)."""
        return Tensor._make(np.logical_not(self._data))

    def logical_and(self, other):
        """Elementwise logical AND (non-zero is True)."""
        return _logic(np.logical_and, self, tensor_other(other, "logical_and"), "logical_and")

    def logical_or(self, other):
        """Elementwise logical OR (non-zero is True)."""
        return _logic(np.logical_or, self, tensor_other(other, "logical_or"), "logical_or")

    def isnan(self):
        """True where self is NaN."""
        return Tensor._make(np.isnan(self._data))

    def isinf(self):
        """True where self is infinite."""
        return Tensor._make(np.isinf(self._data))

    def isfinite(self):
        """True where self is finite."""
        return Tensor._make(np.isfinite(self._data))

    def equal(self, other):
        """True when other has self's shape and elements (a Python bool)."""
        return bool(self.shape == other.shape and np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """True when |self - other| <= atol + rtol * |other| everywhere (a Python bool)."""
        return bool(_close(self, other, rtol, atol, equal_nan, "allclose").all())

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """Elementwise |self - other| <= atol + rtol * |other|, as a bool tensor."""
        return Tensor._make(_close(self, other, rtol, atol, equal_nan, "isclose"))

    @numpy_dims
    def all(self, dim=None, keepdim=False):
        """True if every element (along ``dim``, when given) is non-zero."""
        return Tensor._make(np.asarray(np.all(self._data, axis=_axes(dim, self, "all"), keepdims=keepdim)))

    @numpy_dims
    def any(self, dim=None, keepdim=False):
        """True if some element (along ``dim``, when given) is non-zero."""
        return Tensor._make(np.asarray(np.any(self._data, axis=_axes(dim, self, "any"), keepdims=keepdim)))

    @numpy_dims
    def count_nonzero(self, dim=None):
        """The number of non-zero elements (along ``dim``, when given)."""
        return Tensor._make(np.asarray(np.count_nonzero(self._data, axis=None if dim is None else reduce_dims(dim, self.ndim, "count_nonzero")), dtype=np.int64))

    def nonzero(self, as_tuple=False):
        """Indices of the non-zero elements, one row each (a tuple of index tensors with ``as_tuple=True``)."""
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
    lt = less = __lt__
    le = __le__
    gt = greater = __gt__
    ge = __ge__

# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def all(input, dim=None, keepdim=False):
    """True if every element (along ``dim``, when given) is non-zero.

    >>> tc.all(tc.tensor([True, False]))
    tensor(False)
    >>> tc.all(tc.tensor([[1, 1], [0, 1]]), dim=1)
    tensor([ True, False])
    """
    return input.all(dim, keepdim)


@with_out
def any(input, dim=None, keepdim=False):
    """True if some element (along ``dim``, when given) is non-zero.

    >>> tc.any(tc.tensor([True, False]))
    tensor(True)
    >>> tc.any(tc.tensor([[0, 0], [0, 1]]), dim=1)
    tensor([False,  True])
    """
    return input.any(dim, keepdim)


def isnan(input):
    """True where input is NaN.

    >>> tc.isnan(tc.tensor([1.0, float('nan')]))
    tensor([False,  True])
    """
    return input.isnan()


def isinf(input):
    """True where input is +inf or -inf.

    >>> tc.isinf(tc.tensor([1.0, float('inf')]))
    tensor([False,  True])
    """
    return input.isinf()


def isfinite(input):
    """True where input is neither NaN nor infinite.

    >>> tc.isfinite(tc.tensor([1.0, float('inf'), float('nan')]))
    tensor([ True, False, False])
    """
    return input.isfinite()


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when |input - other| <= atol + rtol * |other| everywhere (a Python bool).

    Args: rtol, atol: tolerances; equal_nan: NaNs compare equal when True.

    >>> tc.allclose(tc.tensor([1.0, 2.0]), tc.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return input.allclose(other, rtol, atol, equal_nan)


@tensor_input
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |input - other| <= atol + rtol * |other|, as a bool tensor.

    Args: rtol, atol: tolerances; equal_nan: NaNs compare equal when True.

    >>> tc.isclose(tc.tensor([1.0, 2.0]), tc.tensor([1.0, 2.1]))
    tensor([ True, False])
    """
    return input.isclose(other, rtol, atol, equal_nan)


def equal(input, other):
    """True when input and other have the same shape and elements (a Python bool).

    >>> tc.equal(tc.tensor([1, 2]), tc.tensor([1, 2]))
    True
    """
    return input.equal(other)


@with_out
@tensor_input
def eq(input, other):
    """Elementwise ``input == other`` with broadcasting, as a bool tensor.

    >>> tc.eq(tc.tensor([1., 2., 3.]), 2)
    tensor([False,  True, False])
    """
    return input.eq(other)


@with_out
@tensor_input
def ne(input, other):
    """Elementwise ``input != other`` with broadcasting, as a bool tensor.

    >>> tc.ne(tc.tensor([1., 2., 3.]), 2)
    tensor([ True, False,  True])
    """
    return input.ne(other)


@with_out
@tensor_input
def lt(input, other):
    """Elementwise ``input < other`` with broadcasting, as a bool tensor.

    >>> tc.lt(tc.tensor([1., 2., 3.]), 2)
    tensor([ True, False, False])
    """
    return input < other


@with_out
@tensor_input
def le(input, other):
    """Elementwise ``input <= other`` with broadcasting, as a bool tensor.

    >>> tc.le(tc.tensor([1., 2., 3.]), 2)
    tensor([ True,  True, False])
    """
    return input <= other


@with_out
@tensor_input
def gt(input, other):
    """Elementwise ``input > other`` with broadcasting, as a bool tensor.

    >>> tc.gt(tc.tensor([1., 2., 3.]), 2)
    tensor([False, False,  True])
    """
    return input > other


@with_out
@tensor_input
def ge(input, other):
    """Elementwise ``input >= other`` with broadcasting, as a bool tensor.

    >>> tc.ge(tc.tensor([1., 2., 3.]), 2)
    tensor([False,  True,  True])
    """
    return input >= other


@with_out
def logical_not(input):
    """Elementwise logical NOT (non-zero is True).

    >>> tc.logical_not(tc.tensor([1., 0.]))
    tensor([False,  True])
    """
    return input.logical_not()


@with_out
@tensor_input
def logical_and(input, other):
    """Elementwise logical AND of the truth values (non-zero is True).

    >>> tc.logical_and(tc.tensor([True, False]), tc.tensor([True, True]))
    tensor([ True, False])
    """
    return input.logical_and(other)


@with_out
@tensor_input
def logical_or(input, other):
    """Elementwise logical OR of the truth values (non-zero is True).

    >>> tc.logical_or(tc.tensor([True, False]), tc.tensor([False, False]))
    tensor([ True, False])
    """
    return input.logical_or(other)


@with_out
def nonzero(input, as_tuple=False):
    """Indices of the non-zero elements: one row per element (or a tuple of index tensors with ``as_tuple=True``).

    >>> tc.nonzero(tc.tensor([0., 1., 2.]))
    tensor([[1],
            [2]])
    """
    return input.nonzero(as_tuple)


@numpy_dims
def count_nonzero(input, dim=None):
    """The number of non-zero elements (along ``dim``, when given), int64.

    >>> tc.count_nonzero(tc.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    return input.count_nonzero(dim)




@with_out
def greater(input, other):
    """Alias of ``tc.gt``: elementwise input > other.

    >>> tc.greater(tc.tensor([1., 3.]), 2)
    tensor([False,  True])
    """
    return input > other


@with_out
def less(input, other):
    """Alias of ``tc.lt``: elementwise input < other.

    >>> tc.less(tc.tensor([1., 3.]), 2)
    tensor([ True, False])
    """
    return input < other


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
greater_equal = with_out(ge.__wrapped__, name="greater_equal")
less_equal = with_out(le.__wrapped__, name="less_equal")
not_equal = with_out(ne.__wrapped__, name="not_equal")


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""The operands of elementwise binary ops: the arrays behind Tensors and numbers, promoted to
PyTorch's result dtype; Python numbers as cached 0-d arrays (``number``); the test for the fast
path that needs no promotion, broadcasting or gradient reduction (``_plain``); the metadata a
gradient needs to be summed back to an input's shape and dtype (``meta``, ``metas``)."""
import numpy as np

from ..dtypes import result_type

_A = np.ndarray

__all__ = []  # helpers of the op families, not tc. functions


def _arr(x):
    """The array behind a Tensor, or ``x`` as an array."""
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x)


def _t(x):
    """``x`` as a Tensor (a constant when it is not one already)."""
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def operand(x, op):
    """The array (or Python scalar) behind one operand of ``op``."""
    if x.__class__ is _A or x.__class__ in (float, int, bool):
        return x
    d = getattr(x, "_data", None)
    if d is not None:
        return d
    if isinstance(x, np.generic):
        return x.item()
    # a list or tuple is no tensor (PyTorch's TypeError, even when it holds numbers), nor is None or a str
    raise TypeError(f"{op}(): an operand must be a Tensor or a number, not {type(x).__name__}"
                    + (f" {x!r}" if isinstance(x, (list, tuple)) and len(x) < 8 else ""))


def prep(a, b, op):
    """Both operands as arrays/scalars, promoted to PyTorch's result dtype."""
    ta, tb = a.__class__, b.__class__
    # a Tensor and a Python number is the commonest case; look no further for it
    x = a._data if ta is Tensor else a if ta is float or ta is int else operand(a, op)
    y = b._data if tb is Tensor else b if tb is float or tb is int else operand(b, op)
    tx, ty = x.__class__, y.__class__
    if tx is _A and ty is _A:
        if x.dtype == y.dtype:
            return x, y
    elif tx is _A:
        k = x.dtype.kind
        if (ty is float and k == "f") or (ty is int and k in "if"):
            return x, y
    elif ty is _A:
        k = y.dtype.kind
        if (tx is float and k == "f") or (tx is int and k in "if"):
            return x, y
    else:
        raise TypeError(f"{op}(): at least one operand must be a Tensor")
    d = result_type(x, y)
    if tx is _A and x.dtype != d:
        x = x.astype(d)
    elif tx is not _A:
        x = np.asarray(x, d)
    if ty is _A and y.dtype != d:
        y = y.astype(d)
    elif ty is not _A:
        y = np.asarray(y, d)
    return x, y


def meta(t, out):
    """(shape, dtype) of an input requiring grad when its gradient needs reducing/casting."""
    if getattr(t, "_rg", False):
        d = t._data
        if d.shape != out.shape or d.dtype != out.dtype:
            return (d.shape, d.dtype)
    return None


_NUMBERS = {}  # dtype -> {Python number: read-only 0-d array of that dtype}
_NONE = {}  # (stays empty: the lookup of a dtype with nothing cached yet)


def number(v, dtype):
    """The Python number ``v`` as a read-only 0-d array of the float ``dtype``, cached.

    NumPy converts the number of ``float32_array * 1.5`` to float32 on every call (NEP 50);
    given the converted 0-d array it computes the same values in two thirds of the time, and
    tensor-and-number ops are everywhere (``x * 0.5``, ``1 - y``, ``x / n``).

    >>> number(0.5, np.dtype(np.float32)).dtype
    dtype('float32')
    """
    try:
        return _NUMBERS[dtype][v]
    except KeyError:
        pass
    try:
        with np.errstate(over="ignore"):  # a number beyond the dtype is inf, silently (PyTorch)
            z = np.array(v, dtype)
    except (OverflowError, ValueError, TypeError):
        return v  # (an int too large for C): NumPy's own conversion gives its own error
    if v == 0 or v != v:
        return z  # 0.0 == -0.0 and nan != nan: not dict keys that keep their value
    z.flags.writeable = False
    cache = _NUMBERS.setdefault(dtype, {})
    if len(cache) >= 1024:  # a loop with ever new numbers (a schedule) must not grow it without end
        cache.clear()
    cache[v] = z
    return z


def _plain(a, b):
    """The operand arrays ``(x, y)`` when nothing needs promoting, broadcasting or reducing:
    a float Tensor with a Python number (either side; the number as ``number()``), or two
    Tensors of one shape and dtype. None otherwise."""
    ta, tb = a.__class__, b.__class__
    if ta is Tensor:
        x = a._data
        if tb is Tensor:
            y = b._data
            if x.dtype is y.dtype and x.shape == y.shape:
                return x, y
        elif tb is float or tb is int:
            d = x.dtype
            if d.kind == "f":
                # number()'s lookup spelled out (this runs for every op); one get() each, which
                # another thread's clear() cannot split
                z = _NUMBERS.get(d, _NONE).get(b)
                return x, z if z is not None else number(b, d)
    elif tb is Tensor and (ta is float or ta is int):
        y = b._data
        d = y.dtype
        if d.kind == "f":
            z = _NUMBERS.get(d, _NONE).get(a)
            return z if z is not None else number(a, d), y
    return None


def metas(a, b, out, n):
    """``meta`` of both inputs, or None when neither gradient needs reducing or casting."""
    ma = mb = None
    if n[0] is not None:
        d = a._data
        if d.shape != out.shape or d.dtype != out.dtype:
            ma = (d.shape, d.dtype)
    if n[1] is not None:
        d = b._data
        if d.shape != out.shape or d.dtype != out.dtype:
            mb = (d.shape, d.dtype)
    return None if ma is None and mb is None else (ma, mb)


def _kind(v):
    """NumPy's dtype kind of an operand (Python numbers: 'f' for float, 'i' for int/bool)."""
    return v.dtype.kind if v.__class__ is _A else ("f" if isinstance(v, float) else "i")


def _shape_error(op, x, y):
    return RuntimeError(
        f"{op}(): the size of tensor a {tuple(np.shape(x))} must match the size of tensor b "
        f"{tuple(np.shape(y))} (broadcasting failed)"
    )


def _binary(np_fn, op, x, y):
    try:
        return np_fn(x, y)
    except ValueError:
        raise _shape_error(op, x, y) from None


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

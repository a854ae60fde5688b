"""How a ``Tensor`` behaves as a Python object: ``len``, iteration, truth, conversion to Python
numbers and to NumPy (``numpy()``, ``__array__``), pickling and ``copy.deepcopy``, and how it
prints (PyTorch's ``repr``)."""
from typing import Any

import numpy as np

from . import dtypes as _dt


class PythonOps:
    """``Tensor``'s Python protocols: number conversions, ``len``/``iter``/``bool``, ``repr``."""

    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying ndarray (shared memory)."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"item(): a Tensor with {self._data.size} elements cannot be converted to Scalar (shape {self._data.shape})"
            )
        return self._data.item()

    def tolist(self):
        """The elements as (nested) Python lists of numbers."""
        return self._data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous (shape {self._data.shape})")
        return bool(self._data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __complex__(self):
        return complex(self.item())

    def __repr__(self):
        return _repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return repr(self)

    def __reduce__(self):
        return (_rebuild, (self._data, self._rg))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment")
        t = type(self).__new__(type(self))
        Tensor.__init__(t, self._data.copy(), requires_grad=self._rg)
        if self._grad is not None:
            t._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = t
        return t


def _repr(t):
    d = t._data
    kw = {"precision": 4, "separator": ", ", "prefix": "tensor(", "threshold": 1000, "edgeitems": 3}
    if d.dtype.kind == "f" and d.size and np.all(np.isfinite(d)) and np.all(d == np.round(d)):
        body = np.array2string(d, formatter={"float_kind": lambda v: f"{v:.0f}."}, **kw)
    elif d.dtype.kind == "f":
        body = np.array2string(d, floatmode="fixed", **kw)
    else:
        body = np.array2string(d, **kw)
    extra = []
    if d.size == 0:
        extra.append(f"size={tuple(d.shape)}")
    if d.dtype not in (_dt.get_default_dtype().np, np.dtype(np.int64), np.dtype(np.bool_)):
        extra.append(f"dtype={_dt._BY_NP[d.dtype]}")
    if t._grad_fn is not None:
        extra.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._rg:
        extra.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extra) + ")"


def _rebuild(data, rg):
    return Tensor(data, requires_grad=rg)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

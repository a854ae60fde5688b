"""Creating tensors: ``tensor``, ``zeros``, ``arange``, ``new_*``, ... (PyTorch's factories; the
random ones are in sampling.py)."""
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

_A = np.ndarray

from . import dtypes as _dt
from .aliases import with_out
from .dims import shape_arg as _shape_arg
from .device import check_device as _check_device


def _size(op, size):
    """A shape argument of a factory, with PyTorch's error for negative sizes."""
    shape = _shape_arg(size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"{op}(): Dimension size must be non-negative (got size {list(shape)})")
    return shape


def _sizes(op, args, size):
    """The shape of a ``*size`` factory: positional sizes (``zeros(2, 3)``, ``zeros((2, 3))``) or
    PyTorch's ``size=`` keyword (``zeros(size=(2, 3))``), not both."""
    if size is not None:
        if args:
            raise TypeError(f"{op}() got multiple values for argument 'size'")
        args = (size,)
    return _size(op, args)


def _alloc(op, make, shape, npdtype):
    """``make(shape, npdtype)``; a size the machine cannot hold is PyTorch's RuntimeError naming the bytes."""
    try:
        return make(shape, npdtype)
    except (MemoryError, ValueError) as e:
        if isinstance(e, ValueError) and "too big" not in str(e) and "Maximum allowed" not in str(e):
            raise
        nbytes = int(np.prod([int(s) for s in shape], dtype=object)) * np.dtype(npdtype).itemsize
        raise RuntimeError(f"{op}(): not enough memory: you tried to allocate {nbytes} bytes "
                           f"(size {list(shape)}, dtype {np.dtype(npdtype).name})") from None


def _finish(arr, requires_grad, op):
    _check_rg(arr, requires_grad, op)
    t = Tensor._make(arr)
    t._rg = bool(requires_grad)
    return t


def _float(dtype):
    return _dt.get_default_dtype().np if dtype is None else _dt.to_np(dtype)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
    """A new leaf tensor holding a copy of ``data`` (lists/floats become float32, ints int64).

    >>> tc.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> tc.tensor([1., 2.], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    """
    _check_device(device, "tensor")
    arr = _to_array(data, dtype)
    if isinstance(data, (np.ndarray, Tensor)) or arr is data:
        arr = arr.copy()
    return _finish(arr, requires_grad, "tensor")


def as_tensor(data, dtype=None, device=None):
    """A tensor sharing ``data``'s memory when it is already an array of the right dtype.

    >>> tc.as_tensor([1., 2.])
    tensor([1., 2.])
    """
    _check_device(device, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return Tensor._make(_to_array(data, dtype))


def from_numpy(ndarray):
    """A tensor sharing the array's memory and keeping its dtype.

    >>> tc.from_numpy(np.arange(3))
    tensor([0, 1, 2])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype not in _dt._BY_NP:
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype}; supported types: {sorted(_dt._BY_NAME)}")
    return Tensor._make(ndarray)


@with_out
def zeros(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
    """A tensor of zeros: ``tc.zeros(2, 3)``, ``tc.zeros((2, 3))`` or ``tc.zeros(size=(2, 3))``.

    >>> tc.zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    """
    _check_device(device, "zeros")
    return _finish(_alloc("zeros", np.zeros, _sizes("zeros", args, size), _float(dtype)), requires_grad, "zeros")


@with_out
def ones(*args: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
    """A tensor of ones: ``tc.ones(2, 3)``, ``tc.ones((2, 3))`` or ``tc.ones(size=(2, 3))``.

    >>> tc.ones(2, dtype=tc.int64)
    tensor([1, 1])
    """
    _check_device(device, "ones")
    return _finish(_alloc("ones", np.ones, _sizes("ones", args, size), _float(dtype)), requires_grad, "ones")


@with_out
def empty(*args, size=None, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor (zero-filled here): ``tc.empty(2, 3)`` or ``tc.empty(size=(2, 3))``.

    >>> tc.empty(2, 3).shape
    tinygrad_course.Size([2, 3])
    """
    _check_device(device, "empty")
    return _finish(_alloc("empty", np.zeros, _sizes("empty", args, size), _float(dtype)), requires_grad, "empty")


@with_out
def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value).

    >>> tc.full((2, 2), 7.)
    tensor([[7., 7.],
            [7., 7.]])
    """
    _check_device(device, "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(f"full(): fill_value must be a number, not {type(fill_value).__name__}")
    if dtype is None:
        dtype = _dt.bool if isinstance(fill_value, bool) else _dt.int64 if isinstance(fill_value, int) else _dt.get_default_dtype()
    shape, npdt = _size("full", (size,)), _dt.to_np(dtype)
    if np.dtype(npdt).kind in "iub" and isinstance(fill_value, (float, np.floating)) and not np.isfinite(fill_value):
        raise RuntimeError(f"full(): value cannot be converted to type {np.dtype(npdt).name} without overflow "
                           f"(fill_value {fill_value})")
    return _finish(_alloc("full", lambda sh, dt: np.full(sh, fill_value, dt), shape, npdt), requires_grad, "full")


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    """Zeros of ``input``'s shape (and dtype unless given).

    >>> tc.zeros_like(tc.ones(2, 2))
    tensor([[0., 0.],
            [0., 0.]])
    """
    _check_device(device, "zeros_like")
    return _finish(np.zeros(input.shape, _dt.to_np(dtype or input.dtype)), requires_grad, "zeros_like")


def ones_like(input, dtype=None, device=None, requires_grad=False):
    """Ones of ``input``'s shape (and dtype unless given).

    >>> tc.ones_like(tc.zeros(3))
    tensor([1., 1., 1.])
    """
    _check_device(device, "ones_like")
    return _finish(np.ones(input.shape, _dt.to_np(dtype or input.dtype)), requires_grad, "ones_like")


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """``fill_value`` in ``input``'s shape (and dtype unless given).

    >>> tc.full_like(tc.zeros(3), 5.)
    tensor([5., 5., 5.])
    """
    _check_device(device, "full_like")
    return _finish(np.full(input.shape, fill_value, _dt.to_np(dtype or input.dtype)), requires_grad, "full_like")


def empty_like(input, dtype=None, device=None, requires_grad=False):
    """An uninitialised (zero-filled here) tensor of ``input``'s shape and dtype.

    >>> tc.empty_like(tc.zeros(2, 3)).shape
    tinygrad_course.Size([2, 3])
    """
    _check_device(device, "empty_like")
    return zeros_like(input, dtype, None, requires_grad)


@with_out
def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 if all are ints.

    >>> tc.arange(5)
    tensor([0, 1, 2, 3, 4])
    >>> tc.arange(0., 1., 0.25)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    _check_device(device, "arange")
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError(f"arange(): upper bound and lower bound inconsistent with step sign (start={start}, end={end}, step={step})")
    for v in (start, end, step):
        if isinstance(v, (float, np.floating)) and not np.isfinite(v):
            raise RuntimeError(f"arange(): unsupported range: {start} -> {end} (step {step})")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
        dtype = _dt.int64 if ints else _dt.get_default_dtype()
    if np.dtype(_dt.to_np(dtype)).kind in "iu":  # PyTorch truncates bounds and step for an integral result
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("arange(): step must be nonzero (a fractional step truncates to 0 in an integral dtype)")
    n = int(np.ceil((end - start) / step))
    if n * np.dtype(_dt.to_np(dtype)).itemsize > 2 ** 48:  # far beyond any memory: PyTorch's error, not NumPy's
        raise RuntimeError(f"arange(): not enough memory: you tried to allocate {n} elements "
                           f"({start} -> {end}, step {step})")
    return _finish(np.arange(start, end, step).astype(_dt.to_np(dtype)), requires_grad, "arange")


@with_out
def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> tc.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _check_device(device, "linspace")
    _scalar_ends("linspace", start, end)
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    return _finish(np.linspace(start, end, steps).astype(_float(dtype)), requires_grad, "linspace")


@with_out
def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """``steps`` values ``base ** v`` for ``v`` evenly spaced from ``start`` to ``end``.

    >>> tc.logspace(0, 2, 3)
    tensor([1., 10., 100.])
    """
    _check_device(device, "logspace")
    _scalar_ends("logspace", start, end)
    if steps < 0:
        raise RuntimeError(f"logspace(): number of steps must be non-negative (got {steps})")
    return _finish(np.logspace(start, end, steps, base=base).astype(_float(dtype)), requires_grad, "logspace")


def _scalar_ends(op, start, end):
    """PyTorch takes only 0-d tensors (or numbers) as the ends of linspace/logspace."""
    dims = [v.ndim if isinstance(v, Tensor) else 0 for v in (start, end)]
    if any(dims):
        raise RuntimeError(f"{op} only supports 0-dimensional start and end tensors, but got start with {dims[0]} "
                           f"dimension(s) and end with {dims[1]} dimension(s).")


@with_out
def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix (m = n by default).

    >>> tc.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check_device(device, "eye")
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"eye(): {name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, m, dtype=_float(dtype)), requires_grad, "eye")


def _to_array(data, dtype=None, default_float=False):
    """An ndarray for ``tc.tensor``/``tc.Tensor`` data, with PyTorch's dtype inference."""
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, _A):
        arr = data
    else:
        if isinstance(data, (str, bytes)):
            raise TypeError(f"tensor(): new(): invalid data type '{type(data).__name__}'")
        try:
            arr = np.asarray(data)
        except ValueError:
            msg = _ragged(data)
            # PyTorch: a number beside a sequence is a TypeError, unequal lengths a ValueError
            raise (TypeError if "got a number" in msg else ValueError)(f"tensor(): {msg}") from None
        if arr.dtype.kind == "O":
            raise TypeError(f"tensor(): could not infer dtype of {type(data).__name__} (ragged or non-numeric data)")
        if arr.dtype.kind == "U" or arr.dtype.kind == "S":
            raise ValueError("tensor(): too many dimensions 'str' (strings are not numbers)")
        k = arr.dtype.kind
        # with an explicit dtype, convert once below (a float64 request must not round via float32)
        if dtype is None and not isinstance(data, np.generic):
            if k == "f" or default_float:
                arr = arr.astype(_dt.get_default_dtype().np)
            elif k in "iu":
                arr = arr.astype(np.int64)
    if dtype is not None:
        target = np.dtype(_dt.to_np(dtype))
        if target.kind in "iu" and arr.dtype.kind == "f" and not isinstance(data, (Tensor, _A)):
            info = np.iinfo(target)
            with np.errstate(invalid="ignore"):
                bad = ~np.isfinite(arr) | (arr < info.min) | (arr > info.max)
            if bad.any():  # NumPy would wrap NaN/inf to garbage, PyTorch refuses
                raise RuntimeError(f"tensor(): value cannot be converted to type {target.name} without overflow "
                                   f"(got {arr[bad].flat[0]})")
        arr = arr.astype(target, copy=False)
    elif arr.dtype not in _dt._BY_NP:
        # e.g. uint16 or complex: map to the nearest supported type
        arr = arr.astype(np.int64 if arr.dtype.kind in "iu" else _dt.get_default_dtype().np)
    return arr


def _ragged(data, dim=0) -> str:
    """PyTorch's message for a nested sequence whose lengths differ ("expected sequence of length 2 at dim 1 (got 1)")."""
    level = [data]
    while True:
        seqs = [x for x in level if isinstance(x, (list, tuple))]
        if not seqs:
            return "expected a sequence of equal-length sequences"
        if len(seqs) != len(level):
            return f"expected a sequence at dim {dim} (got a number and a sequence)"
        n = len(seqs[0])
        for x in seqs:
            if len(x) != n:
                return f"expected sequence of length {n} at dim {dim} (got {len(x)}): nested lists must be equal-length"
        level = [y for x in seqs for y in x]
        dim += 1


def _check_rg(arr, requires_grad, op="tensor"):
    if requires_grad and arr.dtype.kind != "f":
        raise RuntimeError(
            f"{op}(): Only Tensors of floating point and complex dtype can require gradients (got {_dt._BY_NP[arr.dtype]})"
        )


def _new_size(op, args, size):
    if size is not None:
        if args:
            raise TypeError(f"{op}() got multiple values for argument 'size'")
        return (size,)
    return args


def _new(fn, size, dtype, requires_grad):
    if any(s < 0 for s in size):
        raise RuntimeError(f"new tensor: Trying to create tensor with negative dimension: {list(size)}")
    t = Tensor._make(fn(size, _dt.to_np(dtype)))
    return t.requires_grad_(requires_grad) if requires_grad else t


class FactoryOps:
    """``new_*`` and in-place random fills. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def new_zeros(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        """Zeros of the given size with this tensor's dtype (unless given)."""
        _check_device(device, "new_zeros")
        return _new(np.zeros, _shape_arg(_new_size("new_zeros", args, size)), dtype or self.dtype, requires_grad)

    def new_ones(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        """Ones of the given size with this tensor's dtype (unless given)."""
        _check_device(device, "new_ones")
        return _new(np.ones, _shape_arg(_new_size("new_ones", args, size)), dtype or self.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        """``fill_value`` in the given size with this tensor's dtype (unless given)."""
        _check_device(device, "new_full")
        t = _new(np.zeros, _shape_arg((size,)), dtype or self.dtype, False)
        t._data[...] = fill_value
        return t.requires_grad_(requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A copy of ``data`` with this tensor's dtype (unless given)."""
        _check_device(device, "new_tensor")
        t = Tensor._make(_to_array(data, dtype or self.dtype).copy())
        return t.requires_grad_(requires_grad)

    def new_empty(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        """An uninitialised (zero-filled here) tensor of the given size with this tensor's dtype."""
        return self.new_zeros(*args, size=size, dtype=dtype, device=device, requires_grad=requires_grad)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""PyTorch-named dtypes over NumPy's, and PyTorch's type-promotion rule."""
import numpy as np


class dtype:
    """A tensor element type (``tc.float32`` ...); compares equal to the NumPy dtype it wraps.

    >>> tc.float32
    tinygrad_course.float32
    >>> tc.tensor([1, 2]).dtype == tc.int64
    True
    """

    __slots__ = ("name", "np", "is_floating_point", "itemsize")

    def __init__(self, name, np_dtype):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"tinygrad_course.{self.name}"

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.np == other.np
        try:
            return self.np == np.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.np)

    def __reduce__(self):
        return (as_dtype, (self.name,))


float16 = half = dtype("float16", np.float16)
float32 = float = dtype("float32", np.float32)
float64 = double = dtype("float64", np.float64)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
int16 = short = dtype("int16", np.int16)
int32 = int = dtype("int32", np.int32)
int64 = long = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)

_BY_NP = {d.np: d for d in (float16, float32, float64, int8, uint8, int16, int32, int64, bool)}
_BY_NAME = {d.name: d for d in _BY_NP.values()}
_BY_NAME.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)

_default = {"float": float32}


def as_dtype(d):
    """Our dtype for a tc dtype, NumPy dtype, Python type or name."""
    if d.__class__ is dtype:
        return d
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d]
    try:
        npd = np.dtype(d)
    except TypeError:
        raise TypeError(f"unsupported dtype {d!r}") from None
    if npd not in _BY_NP:
        raise TypeError(f"unsupported dtype {d!r}: tinygrad_course supports {sorted(_BY_NAME)}")
    return _BY_NP[npd]


def to_np(d):
    """The NumPy dtype behind any dtype-like."""
    return as_dtype(d).np


def get_default_dtype():
    """The float dtype Python floats and lists become (float32 unless changed).

    >>> tc.get_default_dtype()
    tinygrad_course.float32
    """
    return _default["float"]


def set_default_dtype(d):
    """Set the float dtype Python floats and lists become (float32 or float64).

    >>> tc.set_default_dtype(tc.float64)
    >>> tc.tensor([1.]).dtype
    tinygrad_course.float64
    >>> tc.set_default_dtype(tc.float32)
    """
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype(): only floating-point types are supported as the default type, got {d}")
    _default["float"] = d


def _category(npd):
    k = npd.kind
    return 2 if k == "f" else (0 if k == "b" else 1)


def result_type(a, b):
    """PyTorch's promotion of two operands (arrays or Python scalars) to one NumPy dtype.

    Dimensioned arrays outrank 0-d ones, which outrank Python scalars, unless a
    lower-ranked operand is of a higher category (bool < integer < float).
    """
    ta, tb = type(a), type(b)
    if ta is np.ndarray and tb is np.ndarray:
        da, db = a.dtype, b.dtype
        if da == db:
            return da
        ca, cb = _category(da), _category(db)
        za, zb = a.ndim == 0, b.ndim == 0
        if za != zb:
            # the dimensioned one wins unless the 0-d one is of a higher category
            dim_d, zero_d = (db, da) if za else (da, db)
            if _category(zero_d) > _category(dim_d):
                return zero_d
            return dim_d
        if ca != cb:
            return da if ca > cb else db
        return np.promote_types(da, db)
    if ta is np.ndarray:
        return _with_scalar(a.dtype, b)
    if tb is np.ndarray:
        return _with_scalar(b.dtype, a)
    raise TypeError("result_type needs at least one array")


def _with_scalar(d, s):
    if isinstance(s, (builtins_bool, np.bool_)):
        return d
    if isinstance(s, (builtins_int, np.integer)):
        return d if d.kind != "b" else np.dtype(np.int64)
    if isinstance(s, (builtins_float, np.floating)):
        return d if d.kind == "f" else _default["float"].np
    raise TypeError(f"unsupported operand type {type(s).__name__}")


import builtins as _b  # noqa: E402  (the names bool/int/float are dtypes in this module)

builtins_bool, builtins_int, builtins_float = _b.bool, _b.int, _b.float

"""PyTorch's legacy spellings: ``tc.FloatTensor`` and friends, ``tc.autograd.Variable``, ``x.type()``.

Old tutorials and textbooks write ``torch.FloatTensor(2, 3)``, ``isinstance(x, torch.LongTensor)``,
``x.type() == 'torch.FloatTensor'`` and ``Variable(x, requires_grad=True)``. These are not classes
of their own in PyTorch either: a typed tensor is a plain ``Tensor`` of one dtype, and a
``Variable`` is a plain ``Tensor``. So here they are objects whose metaclass answers
``isinstance`` by dtype and whose call builds a ``Tensor``.
"""
import numpy as np

from . import dtypes as _dt
from .device import Size, check_device
from .factories import _to_array

# PyTorch's legacy type names, by dtype (``x.type()`` returns 'torch.<name>' in PyTorch).
_TYPE_NAMES = {
    _dt.float32: "FloatTensor", _dt.float64: "DoubleTensor", _dt.float16: "HalfTensor",
    _dt.int64: "LongTensor", _dt.int32: "IntTensor", _dt.int16: "ShortTensor", _dt.int8: "CharTensor",
    _dt.uint8: "ByteTensor", _dt.bool: "BoolTensor",
}


def type_name(dt) -> str:
    """PyTorch's legacy type string of a dtype: ``type_name(tc.float32) == 'torch.FloatTensor'``."""
    return "torch." + _TYPE_NAMES[_dt.as_dtype(dt)]


class _TypedTensorMeta(type):
    """Metaclass of the legacy typed-tensor names: instances are Tensors of one dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __call__(cls, *args, device=None):
        """``FloatTensor(2, 3)``: uninitialised of that size; ``FloatTensor([1, 2])``: a copy of the
        data in this dtype; ``FloatTensor()``: empty."""
        check_device(device, cls.__name__)
        name = cls.__name__
        if not args:
            return _wrap(np.zeros((0,), cls.dtype.np))
        if len(args) == 1 and isinstance(args[0], Tensor):
            t = args[0]
            if t.dtype != cls.dtype:
                raise TypeError(f"{name}(): expected a Tensor of dtype {cls.dtype} (got a Tensor of dtype {t.dtype})")
            return t.detach()
        shape = _sizes(args, name)
        if shape is not None:
            return _wrap(np.zeros(shape, cls.dtype.np))
        data = args[0]
        if isinstance(data, np.ndarray):
            return _wrap(np.array(data, dtype=cls.dtype.np, copy=True))
        if not isinstance(data, (list, tuple)):
            raise TypeError(f"{name}(): new(): data must be a sequence (got {type(data).__name__})")
        # through float64 first: PyTorch truncates LongTensor([1.7]) to 1 and rounds nothing else
        arr = np.asarray(data)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}(): could not convert {type(data).__name__} data to numbers")
        return _wrap(arr.astype(cls.dtype.np))


def constructor_data(args, dtype):
    """The array and version counter of ``Tensor(*args)``: sizes give zeros (PyTorch leaves them
    uninitialised; zeros, so nothing depends on leftover memory), a Tensor shares its values,
    data is copied as float (an ndarray keeps its dtype and memory), nothing gives an empty one."""
    default = _dt.to_np(dtype) if dtype is not None else _dt.get_default_dtype().np
    if not args:
        return np.zeros((0,), default), [0]
    if len(args) == 1 and isinstance(args[0], Tensor) and dtype is None:
        return args[0]._data, args[0]._vc
    shape = _sizes(args, "Tensor")
    if shape is not None:
        return np.zeros(shape, default), [0]
    data = args[0]
    if not isinstance(data, (np.ndarray, Tensor, list, tuple)):
        raise TypeError(f"Tensor(): new(): data must be a sequence (got {type(data).__name__})")
    return _to_array(data, dtype, default_float=not isinstance(data, (np.ndarray, Tensor))), [0]


def _sizes(args, name):
    """The shape if ``args`` are sizes (ints or one ``Size``), else None (data); bad mixes raise."""
    if len(args) == 1 and isinstance(args[0], Size):
        args = tuple(args[0])
    if not all(isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_)) for a in args):
        if len(args) == 1:
            return None
        bad = next(i for i, a in enumerate(args) if not isinstance(a, (int, np.integer)) or isinstance(a, bool))
        raise TypeError(
            f"{name}(): new(): argument 'size' must be tuple of ints, but found element of type "
            f"{type(args[bad]).__name__} at pos {bad}"
        )
    shape = tuple(int(a) for a in args)
    neg = [s for s in shape if s < 0]
    if neg:
        raise RuntimeError(f"{name}(): Trying to create tensor with negative dimension {neg[0]}: {list(shape)}")
    return shape


def _typed(name, dt):
    return _TypedTensorMeta(name, (), {"dtype": dt, "__doc__": f"Legacy constructor/type of {dt} tensors "
                                       f"(``tc.{name}(2, 3)``, ``tc.{name}([1, 2])``, ``isinstance(x, tc.{name})``).\n\n"
                                       f">>> tc.{name}([1, 0]).dtype\n{dt}\n"})


FloatTensor = _typed("FloatTensor", _dt.float32)
DoubleTensor = _typed("DoubleTensor", _dt.float64)
HalfTensor = _typed("HalfTensor", _dt.float16)
LongTensor = _typed("LongTensor", _dt.int64)
IntTensor = _typed("IntTensor", _dt.int32)
ShortTensor = _typed("ShortTensor", _dt.int16)
CharTensor = _typed("CharTensor", _dt.int8)
ByteTensor = _typed("ByteTensor", _dt.uint8)
BoolTensor = _typed("BoolTensor", _dt.bool)

_BY_TYPE_STRING = {type_name(c.dtype): c.dtype for c in (
    FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor)}


def dtype_of_type(t):
    """The dtype a ``x.type(t)`` argument names: a legacy class, a 'torch.FloatTensor' string or a dtype."""
    if isinstance(t, _TypedTensorMeta):
        return t.dtype
    if isinstance(t, str):
        key = t.replace("tinygrad_course.", "torch.")
        if key in _BY_TYPE_STRING:
            return _BY_TYPE_STRING[key]
        if key.startswith("torch.cuda."):
            raise AssertionError("Torch not compiled with CUDA enabled: tinygrad_course runs on the CPU only")
        raise ValueError(f"type(): invalid type: '{t}' (expected e.g. 'torch.FloatTensor' or 'torch.LongTensor')")
    return _dt.as_dtype(t)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)

    def __subclasscheck__(cls, sub):
        return isinstance(sub, type) and issubclass(sub, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy ``Variable(data, requires_grad=False)``: a Tensor sharing ``data``'s values.

    Since PyTorch 0.4 every Tensor is a Variable: ``isinstance(t, Variable)`` holds for every
    Tensor, and the call returns a new leaf Tensor on ``data``'s memory.

    >>> v = Variable(tc.ones(2), requires_grad=True)
    >>> v.requires_grad, isinstance(tc.ones(1), Variable)
    (True, True)
    """

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if data is None:
            return Tensor()
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


def _wrap(arr):
    return Tensor._make(arr)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

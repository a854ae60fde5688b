"""dtype conversions (``to``, ``float``, ``type``), copies (``clone``) and the tensor's own methods as functions."""
import numpy as np

from .. import dtypes as _dt
from ..device import check_device as _check_device, device as _device
from ..function import Function
from . import bw

__all__ = [  # the function forms, exported as tc.<name>
    "clone",
    "detach",
    "numel",
    "is_floating_point",
    "fill_",
    "zero_",
    "detach_",
]



class Cast(Function):
    """x.to(dtype);  the gradient is cast back to the input's dtype."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dtype):
        if ctx._next:
            ctx._aux = a._data.dtype
        return a._data.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return bw.cast(g, ctx._aux), None


class Clone(Function):
    """A copy;  d/dx = 1."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        return a._data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class ConvertOps:
    """dtype conversions and copies. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def contiguous(self):
        """self when its memory is C-contiguous, else a contiguous (differentiable) copy."""
        return self if self._data.flags.c_contiguous else Clone.apply(self)

    def clone(self):
        """A copy with its own memory; differentiable."""
        return Clone.apply(self)

    def to(self, *args, **kwargs):
        """A copy of another dtype (device arguments are accepted and ignored: CPU only)."""
        dtype = kwargs.get("dtype")
        for a in args + ((kwargs["device"],) if kwargs.get("device") is not None else ()):
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, _device):
                _check_device(a, "to")
            elif isinstance(a, (_dt.dtype, type, np.dtype)) or (isinstance(a, str) and a in _dt._BY_NAME):
                dtype = a
            elif (isinstance(a, str) and a.split(":")[0] != "cpu") or (isinstance(a, int) and not isinstance(a, bool)):
                raise RuntimeError(
                    f"to(): unknown dtype or device '{a}': tinygrad_course runs on the CPU only (device 'cpu'); "
                    f"dtypes are {sorted(_dt._BY_NAME)}"
                )
        if dtype is None:
            return self
        npd = _dt.to_np(dtype)
        if npd == self._data.dtype:
            return self
        if self._rg and npd.kind != "f":
            return Tensor._make(self._data.astype(npd))
        return Cast.apply(self, npd)

    def type(self, dtype=None, non_blocking=False):
        """PyTorch's legacy type string ('torch.FloatTensor', what PyTorch programs compare
        with), or a copy converted to ``dtype`` (a dtype, ``tc.FloatTensor`` or such a string)."""
        from ..legacy import dtype_of_type, type_name

        if dtype is None:
            return type_name(self.dtype)
        return self.to(dtype_of_type(dtype))

    def type_as(self, other):
        """self converted to other's dtype."""
        return self.to(other.dtype)

    def float(self):
        """self converted to ``tc.float32`` (self itself when already float32)."""
        return self.to(_dt.float32)

    def double(self):
        """self converted to ``tc.float64`` (self itself when already float64)."""
        return self.to(_dt.float64)

    def half(self):
        """self converted to ``tc.float16``."""
        return self.to(_dt.float16)

    def long(self):
        """self converted to ``tc.int64``."""
        return self.to(_dt.int64)

    def int(self):
        """self converted to ``tc.int32``."""
        return self.to(_dt.int32)

    def bool(self):
        """self converted to ``tc.bool``."""
        return self.to(_dt.bool)


# ---- function forms: ``tc.<name>(input, ...)`` ----

def clone(input):
    """A copy of input with its own memory; differentiable (the gradient flows back to input).

    >>> tc.clone(tc.tensor([1., 2.]))
    tensor([1., 2.])
    """
    return input.clone()


def detach(input):
    """A tensor sharing input's data but cut from the tape (requires_grad=False).

    >>> tc.detach(tc.ones(2, requires_grad=True))
    tensor([1., 1.])
    """
    return input.detach()


def numel(input):
    return input.numel()


def is_floating_point(input):
    """True if input's dtype is a floating-point type.

    >>> tc.is_floating_point(tc.tensor([1.]))
    True
    >>> tc.is_floating_point(tc.tensor([1]))
    False
    """
    return input.is_floating_point()


def fill_(input, value):
    """Fill input with ``value`` in place and return it.

    >>> tc.fill_(tc.zeros(3), 7.)
    tensor([7., 7., 7.])
    """
    return input.fill_(value)


def zero_(input):
    """Fill input with zeros in place and return it.

    >>> tc.zero_(tc.ones(3))
    tensor([0., 0., 0.])
    """
    return input.zero_()


def detach_(input):
    """Cut input from the tape in place (it becomes a leaf with requires_grad=False).

    >>> tc.detach_(tc.ones(2) * 2)
    tensor([2., 2.])
    """
    return input.detach_()


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

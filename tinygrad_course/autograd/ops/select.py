"""Selection ops: ``where``, ``masked_fill``, ``clamp``, ``maximum``/``minimum``, ``lerp``."""
import numpy as np

from ..aliases import with_out
from ..dtypes import result_type
from ..function import Function
from . import bw
from .operands import _A, _arr, _binary, _t, meta, operand, prep
from .input_checks import tensor_input, tensor_other

__all__ = [  # the function forms, exported as tc.<name>
    "where",
    "clamp",
    "clip",
    "maximum",
    "minimum",
    "masked_fill",
    "lerp",
    "clamp_min",
    "clamp_max",
    "clamp_",
    "clip_",
]



class Maximum(Function):
    """max(a, b) elementwise; ties split the gradient evenly, as PyTorch does."""

    _raw = True

    _np = staticmethod(np.maximum)
    _wins = staticmethod(np.greater)  # where a alone gets the gradient

    @classmethod
    def forward(cls, ctx, a, b):
        op = cls.__name__.lower()
        x, y = prep(a, b, op)
        out = _binary(cls._np, op, x, y)
        if ctx._next:
            # a's share of the gradient: 1 where it wins, 1/2 at a tie, 0 where it loses
            w = cls._wins(x, y) + 0.5 * (x == y)
            ctx.save_for_backward(w.astype(out.dtype, copy=False))
            ctx._aux = (meta(a, out), meta(b, out))
        return out

    @staticmethod
    def backward(ctx, g):
        (w,) = ctx.saved_tensors
        ma, mb = ctx._aux
        return bw.unb(g * w, ma), bw.unb(g * (1.0 - w), mb)


class Minimum(Maximum):
    """min(a, b) elementwise; ties split the gradient evenly, as PyTorch does."""

    _np = staticmethod(np.minimum)
    _wins = staticmethod(np.less)


class Where(Function):
    """cond ? a : b;  the gradient goes to the branch that was taken."""

    _raw = True

    @staticmethod
    def forward(ctx, cond, a, b):
        c = operand(cond, "where")
        if c.__class__ is not _A or c.dtype.kind != "b":
            c = np.asarray(c)
            if c.dtype.kind != "b":
                raise RuntimeError(f"where(): expected condition to be a bool tensor, got {c.dtype}")
        x, y = prep(a, b, "where")
        try:
            out = np.where(c, x, y)
        except ValueError:
            raise RuntimeError(
                f"where(): shapes of condition {c.shape}, input {np.shape(x)} and other {np.shape(y)} "
                "are not broadcastable"
            ) from None
        if ctx._next:
            ctx.save_for_backward(c)
            ctx._aux = (meta(a, out), meta(b, out))
        return out

    @staticmethod
    def backward(ctx, g):
        (c,) = ctx.saved_tensors
        ma, mb = ctx._aux
        n = ctx._next
        z = 0.0
        ga = bw.unb(bw.where(c, g, z), ma) if n[1] else None
        gb = bw.unb(bw.where(c, z, g), mb) if n[2] else None
        return None, ga, gb


class Clamp(Function):
    """clamp(x, min, max) with scalar bounds; the gradient passes where min <= x <= max."""

    _raw = True

    @staticmethod
    def forward(ctx, a, lo, hi):
        x = a._data
        if lo is None and hi is None:
            raise RuntimeError("clamp(): At least one of 'min' or 'max' must not be None")
        out = np.clip(x, lo, hi)
        if out.dtype != x.dtype and x.dtype.kind != "f":
            out = out.astype(result_type(x, lo if lo is not None else hi))
        if ctx._next:
            m = np.ones(x.shape, bool)
            if lo is not None:
                m &= x >= lo
            if hi is not None:
                m &= x <= hi
            ctx.save_for_backward(m)
        return out

    @staticmethod
    def backward(ctx, g):
        (m,) = ctx.saved_tensors
        return bw.where(m, g, 0.0), None, None


@with_out
def where(condition, input=None, other=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other``.

    >>> tc.where(tc.tensor([True, False]), tc.tensor([1., 2.]), tc.tensor([9., 9.]))
    tensor([1., 9.])
    """
    if input is None and other is None:
        return _arr(condition).nonzero()
    return Where.apply(condition, input, other)


class SelectOps:
    """Selection: where, masked_fill, clamp, maximum/minimum, lerp. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def clamp(self, min=None, max=None):
        """Limit to [min, max]; the gradient passes where min <= x <= max; a NaN bound gives NaN, as PyTorch."""
        for name, v in (("min", min), ("max", max)):
            if v is not None and not isinstance(v, (Tensor, int, float, np.number)):
                raise TypeError(f"clamp(): argument '{name}' must be a Number or a Tensor, not {type(v).__name__}")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            out = self
            if min is not None:
                out = where((out < min) | (min != min if isinstance(min, Tensor) else False), min, out)
            if max is not None:
                out = where((out > max) | (max != max if isinstance(max, Tensor) else False), max, out)
            return out
        return Clamp.apply(self, min, max)

    def clamp_min(self, min):
        """Clamp from below: max(self, min)."""
        return self.clamp(min=min)

    def clamp_max(self, max):
        """Clamp from above: min(self, max)."""
        return self.clamp(max=max)

    def maximum(self, other):
        """Elementwise maximum with other (a Tensor, as PyTorch's: no number)."""
        return Maximum.apply(self, tensor_other(other, "maximum"))

    def minimum(self, other):
        """Elementwise minimum with other (a Tensor, as PyTorch's: no number)."""
        return Minimum.apply(self, tensor_other(other, "minimum"))

    def where(self, condition, other):
        """Elements of self where ``condition`` holds, else of ``other``."""
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        """self with ``value`` (a number or a 0-d tensor) where the bool ``mask`` is True; the
        result keeps self's dtype, as PyTorch's. ``tc.tensor([1, 2]).masked_fill(tc.tensor([True, False]), 9)``
        -> tensor([9, 2])."""
        if isinstance(mask, Tensor) and _arr(mask).dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype}")
        dt = _arr(self).dtype
        if isinstance(value, Tensor):
            if value.ndim:
                raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value.ndim} dimension(s) (shape {tuple(value.shape)}).")
            if _arr(value).dtype != dt:
                value = value.to(self.dtype)
        elif dt.kind != "f" or not isinstance(value, (int, float, bool)):
            value = np.asarray(value).astype(dt)  # an integer tensor takes 2.5 as 2, as PyTorch's
        return where(mask, value, self)

    def lerp(self, end, weight):
        """self + weight * (end - self)."""
        return self + (end - self) * weight

    def clamp_(self, min=None, max=None):
        """In-place ``clamp``: self = min(max(self, min), max)."""
        return self._inplace("clamp_", Tensor.clamp, min, max)

    def masked_fill_(self, mask, value):
        """In-place ``masked_fill``: write ``value`` where ``mask`` is True."""
        return self._inplace("masked_fill_", Tensor.masked_fill, mask, value)

    clip = clamp
    clip_ = clamp_

# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def clamp(input, min=None, max=None):
    """Clamp into [min, max], elementwise: out = min(max(input, min), max) (either bound may be None).

    >>> tc.clamp(tc.tensor([-2., 0.5, 3.]), min=0., max=1.)
    tensor([0.0000, 0.5000, 1.0000])
    """
    return input.clamp(min, max)


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
clip = with_out(clamp.__wrapped__, name="clip")


@with_out
@tensor_input
def maximum(input, other):
    """Elementwise maximum of input and other (broadcast); ties share the gradient.

    >>> tc.maximum(tc.tensor([1., 5.]), tc.tensor([3., 2.]))
    tensor([3., 5.])
    """
    return _t(input).maximum(other)


@with_out
@tensor_input
def minimum(input, other):
    """Elementwise minimum of input and other (broadcast); ties share the gradient.

    >>> tc.minimum(tc.tensor([1., 5.]), tc.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return _t(input).minimum(other)


def masked_fill(input, mask, value):
    """input with ``value`` written where the bool ``mask`` (broadcast) is True.

    >>> tc.masked_fill(tc.tensor([1., 2., 3.]), tc.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    return input.masked_fill(mask, value)


@with_out
def lerp(input, end, weight):
    """Linear interpolation: out = input + weight * (end - input).

    >>> tc.lerp(tc.tensor([0., 10.]), tc.tensor([10., 20.]), 0.5)
    tensor([5., 15.])
    """
    return input.lerp(end, weight)


@with_out
@tensor_input
def clamp_min(input, min):
    """Clamp from below: out = max(input, min).

    >>> tc.clamp_min(tc.tensor([-2., 3.]), 0.)
    tensor([0., 3.])
    """
    return input.clamp(min=min)


@with_out
@tensor_input
def clamp_max(input, max):
    """Clamp from above: out = min(input, max).

    >>> tc.clamp_max(tc.tensor([-2., 3.]), 0.)
    tensor([-2., 0.])
    """
    return input.clamp(max=max)


def clamp_(input, min=None, max=None):
    """In-place ``clamp``: input = min(max(input, min), max).

    >>> tc.clamp_(tc.tensor([-2., 3.]), 0., 1.)
    tensor([0., 1.])
    """
    return input.clamp_(min, max)


clip_ = clamp_


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

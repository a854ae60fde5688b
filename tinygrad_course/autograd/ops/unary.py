"""Elementwise math functions, each with its local derivative beside it."""
import numpy as np

from ..function import Function
from ..dtypes import get_default_dtype
from . import bw


def _f(a):
    """The float array behind ``a`` (integers become the default float, as in PyTorch)."""
    x = a._data
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)


class Exp(Function):
    """e^x;  d/dx = e^x."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        y = np.exp(_f(a))
        if ctx._next:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


class Log(Function):
    """log x;  d/dx = 1/x."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(_f(a))
        if ctx._next:
            ctx.save_for_backward(a)
        return y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / x


class Log1p(Function):
    """log(1 + x);  d/dx = 1/(1 + x)."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log1p(_f(a))
        if ctx._next:
            ctx.save_for_backward(a)
        return y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (x + 1.0)


class Sqrt(Function):
    """sqrt x;  d/dx = 1/(2 sqrt x)."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            y = np.sqrt(_f(a))
        if ctx._next:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (y * 2.0)


class StdSqrt(Sqrt):
    """sqrt x as the last step of ``std``:  d/dx = 1/(2 sqrt x), taken as 0 where x = 0 (a
    constant input has std 0 and, as in PyTorch, gradient 0 rather than inf/nan)."""

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        zero = (y if bw.is_arr(y) else y._data) == 0
        if zero.any():
            return bw.where(zero, 0.0, g / (bw.where(zero, 1.0, y) * 2.0))
        return g / (y * 2.0)


class Rsqrt(Function):
    """1/sqrt x;  d/dx = -x^(-3/2)/2."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = 1.0 / np.sqrt(_f(a))
        if ctx._next:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y * y * y) * -0.5


class Sin(Function):
    """sin x;  d/dx = cos x."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        if ctx._next:
            ctx.save_for_backward(a)
        return np.sin(_f(a))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * bw.cos(x)


class Cos(Function):
    """cos x;  d/dx = -sin x."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        if ctx._next:
            ctx.save_for_backward(a)
        return np.cos(_f(a))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -(g * bw.sin(x))


class Tanh(Function):
    """tanh x;  d/dx = 1 - tanh^2 x."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        y = np.tanh(_f(a))
        if ctx._next:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (1.0 - y * y)


class Sigmoid(Function):
    """sigma(x) = 1/(1 + e^-x);  d/dx = sigma (1 - sigma)."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        # 0.5 (1 + tanh(x/2)) is sigma without overflow for large |x|
        y = np.tanh(_f(a) * 0.5)
        y *= 0.5
        y += 0.5
        if ctx._next:
            ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y * (1.0 - y))


class Relu(Function):
    """max(x, 0);  d/dx = 1 if x > 0 else 0."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        x = a._data
        if ctx._next:
            ctx.save_for_backward(x > 0)
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, g):
        (m,) = ctx.saved_tensors
        return g * m


class Abs(Function):
    """|x|;  d/dx = sign x (0 at 0)."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        x = a._data
        if ctx._next:
            ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved_tensors
        return g * s


class ZeroGrad(Function):
    """Piecewise-constant functions (sign, floor, ceil, round, trunc): the gradient is 0."""

    _raw = True

    @staticmethod
    def forward(ctx, a, fn):
        return fn(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None


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

"""Softmax, log-softmax and log-sum-exp over a dimension (numerically stable: the maximum is
subtracted first)."""

import numpy as np

from ..aliases import numpy_dims, with_out
from ..dims import check_dims_type, norm_dim, reduce_dims
from ..function import Function
from ..dtypes import get_default_dtype
from . import bw

__all__ = [  # the function forms, exported as tc.<name>
    "log_softmax",
    "logsumexp",
    "softmax",
]


class Softmax(Function):
    """softmax along dim: y_i = e^{x_i} / sum_j e^{x_j};  dx = y (g - sum(g y))."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim):
        x = a._data
        x = x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)
        d = norm_dim(dim, x.ndim, "softmax")
        if x.ndim == 0:
            y = np.ones_like(x)
        else:
            y = np.exp(x - x.max(axis=d, keepdims=True))
            y /= y.sum(axis=d, keepdims=True)
        if ctx._next:
            ctx.save_for_backward(y)
            ctx._aux = d
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        d = ctx._aux
        if len(y.shape) == 0:
            return g * 0.0, None
        return y * (g - bw.rsum(g * y, d)), None


class LogSoftmax(Function):
    """log softmax along dim: y = x - logsumexp(x);  dx = g - e^y sum(g)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim):
        x = a._data
        x = x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)
        d = norm_dim(dim, x.ndim, "log_softmax")
        if x.ndim == 0:
            y = np.zeros_like(x)
        else:
            m = x.max(axis=d, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            z = x - m
            y = z - np.log(np.exp(z).sum(axis=d, keepdims=True))
        if ctx._next:
            ctx.save_for_backward(y)
            ctx._aux = d
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        d = ctx._aux
        if len(y.shape) == 0:
            return g * 0.0, None
        return g - bw.exp(y) * bw.rsum(g, d), None


def _not_float(op, t, dim):
    """softmax/log_softmax of an empty tensor (returned as it is, any dtype) or of an integer or bool
    one (PyTorch's NotImplementedError), after the dim is checked as PyTorch checks it first."""
    norm_dim(dim, t.ndim, op)
    if t.numel() == 0:
        return t * 0 if t.is_floating_point() else Tensor._make(t._data.copy())  # a float one stays on the tape
    raise NotImplementedError(f"{op}(): not implemented for dtype {t.dtype} (shape {tuple(t.shape)}); "
                              f"pass dtype=tc.float32 or convert the input with .float()")


class SoftmaxOps:
    """Softmax, log-softmax and log-sum-exp over a dimension (numerically stable: the maximum is subtracted first). ``Tensor`` inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def softmax(self, dim):
        """Softmax along ``dim``: exp(x_i) / sum_j exp(x_j), computed stably."""
        if self.numel() == 0 or not self.is_floating_point():
            return _not_float("softmax", self, dim)
        return Softmax.apply(self, dim)

    @numpy_dims
    def log_softmax(self, dim):
        """Log-softmax along ``dim``: x_i - logsumexp(x), computed stably."""
        if self.numel() == 0 or not self.is_floating_point():
            return _not_float("log_softmax", self, dim)
        return LogSoftmax.apply(self, dim)

    @numpy_dims
    def logsumexp(self, dim, keepdim=False):
        """log sum_i e^{x_i}, computed as m + log sum e^{x_i - m} with m = max x (no overflow)."""
        if dim is None:  # PyTorch's logsumexp has no all-dims default
            raise TypeError("logsumexp(): argument 'dim' must be an int or a tuple of ints, not NoneType")
        if not isinstance(dim, (list, tuple)):
            norm_dim(dim, self.ndim, "logsumexp")  # a str or float dim: PyTorch's TypeError, before the dtype
        elif not check_dims_type(dim, "logsumexp") and not keepdim and self.ndim and self.numel():
            # dim=(): PyTorch reduces all dims into a keepdim-shaped buffer, then refuses the 0-d result
            raise RuntimeError(f"logsumexp(): dim={dim!r} on a tensor of shape {tuple(self.shape)}: output with shape [] "
                               f"doesn't match the broadcast shape {[1] * self.ndim}; pass the dims or keepdim=True")
        if not self.is_floating_point():  # integers and bools give the default float dtype, as PyTorch
            return self.to(get_default_dtype()).logsumexp(dim, keepdim)
        if self.numel() == 0:  # the max shift needs elements; an empty sum is 0, its log -inf
            return self.exp().sum(dim, keepdim).log()
        m = self.detach().amax(dim, keepdim=True)
        m = Tensor._make(np.where(np.isfinite(m._data), m._data, 0).astype(m._data.dtype))
        out = (self - m).exp().sum(dim, keepdim=True).log() + m
        if not keepdim:
            out = out.squeeze(reduce_dims(dim, self.ndim, "logsumexp"))
        return out


# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def softmax(input, dim, dtype=None):
    """Softmax along ``dim``: out_i = exp(x_i) / sum_j exp(x_j), computed stably (max subtracted).

    >>> tc.softmax(tc.tensor([1., 2., 3.]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    x = input if dtype is None else input.to(dtype)
    return x.softmax(dim)


@with_out
def log_softmax(input, dim, dtype=None):
    """Log of softmax along ``dim``: out_i = x_i - logsumexp(x), computed stably.

    >>> tc.log_softmax(tc.tensor([1., 2., 3.]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    x = input if dtype is None else input.to(dtype)
    return x.log_softmax(dim)


@with_out
def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) along ``dim``, computed stably (max subtracted).

    >>> tc.logsumexp(tc.tensor([1000., 1000.]), dim=0)
    tensor(1000.6932)
    """
    return input.logsumexp(dim, keepdim)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

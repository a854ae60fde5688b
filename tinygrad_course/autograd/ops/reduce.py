"""Reductions and normalisations over dimensions."""
import numpy as np

from ..function import Function
from ..dtypes import get_default_dtype
from . import bw


def norm_dim(d, ndim, op="op"):
    """A dimension index in [0, ndim), PyTorch's IndexError otherwise."""
    n = max(ndim, 1)
    if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
        raise TypeError(f"{op}(): dim must be an int, got {type(d).__name__}")
    if d < -n or d >= n:
        raise IndexError(f"{op}(): Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n if ndim else 0


def norm_dims(dim, ndim, op="op"):
    """``dim`` (None, int or tuple) as a sorted tuple of non-negative axes (None: all)."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        ds = tuple(norm_dim(d, ndim, op) for d in dim)
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"{op}(): dim {tuple(dim)} appears multiple times in the list of dims")
        return tuple(sorted(ds)) if ndim else ()
    return (norm_dim(dim, ndim, op),) if ndim else ()


def _grad_back(g, shape, axes, keepdim):
    """Broadcast the gradient of a reduction back over the reduced axes."""
    if not keepdim:
        g = bw.keep(g, shape, axes)
    return bw.broadcast_to(g, shape)


class Sum(Function):
    """sum over dims;  d/dx_i = 1."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype=None):
        x = a._data
        axes = norm_dims(dim, x.ndim, "sum")
        if dtype is None and x.dtype.kind in "bui":
            dtype = np.int64
        out = np.sum(x, axis=axes, keepdims=keepdim, dtype=dtype)
        if ctx._next:
            ctx._aux = (x.shape, axes, keepdim, x.dtype)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdim, dt = ctx._aux
        return bw.cast(_grad_back(g, shape, axes, keepdim), dt), None, None, None


class Mean(Function):
    """mean over dims;  d/dx_i = 1/N."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype=None):
        x = a._data
        if x.dtype.kind != "f" and dtype is None:
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                f"complex dtype. Got: {x.dtype}"
            )
        axes = norm_dims(dim, x.ndim, "mean")
        out = np.mean(x, axis=axes, keepdims=keepdim, dtype=dtype)
        if ctx._next:
            n = int(np.prod([x.shape[i] for i in axes])) if axes else 1
            ctx._aux = (x.shape, axes, keepdim, n)
        return np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        shape, axes, keepdim, n = ctx._aux
        return _grad_back(g, shape, axes, keepdim) * (1.0 / n) if n else _grad_back(g, shape, axes, keepdim) * np.nan, None, None, None


class Amax(Function):
    """max over dims (values only);  ties share the gradient evenly."""

    _raw = True
    _np = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        x = a._data
        axes = norm_dims(dim, x.ndim, cls.__name__.lower())
        if x.size == 0:
            raise RuntimeError(f"{cls.__name__.lower()}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        out = cls._np(x, axis=axes, keepdims=True)
        if ctx._next:
            m = x == out
            w = m / m.sum(axis=axes, keepdims=True)
            ctx.save_for_backward(w.astype(x.dtype, copy=False))
            ctx._aux = (x.shape, axes, keepdim)
        return out if keepdim else out.reshape([s for i, s in enumerate(x.shape) if i not in axes])

    @staticmethod
    def backward(ctx, g):
        (w,) = ctx.saved_tensors
        shape, axes, keepdim = ctx._aux
        return _grad_back(g, shape, axes, keepdim) * w, None, None


class Amin(Amax):
    """min over dims (values only);  ties share the gradient evenly."""

    _np = staticmethod(np.min)


def _prod_others_np(x, axis):
    """prod_{k != i} x_k along ``axis`` by exclusive cumulative products (exact with zeros)."""
    x = np.moveaxis(x, axis, -1)
    ones = np.ones(x.shape[:-1] + (1,), x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], -1), -1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)


def _prod_others(x, axis):
    if bw.is_arr(x):
        return _prod_others_np(x, axis)
    # differentiable form: row i of X (x with x_i replaced by 1) multiplies to prod_{k != i} x_k
    from .. import tensor as T

    n = x.shape[axis]
    xm = x.movedim(axis, -1)
    eye = np.eye(n, dtype=bool)
    X = T.where(eye, 1.0, xm.unsqueeze(-2).expand(*xm.shape[:-1], n, n))
    return X.prod(-1).movedim(-1, axis)


class Prod(Function):
    """product over one dim (or all);  d/dx_i = prod_{k != i} x_k."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        x = a._data
        if dim is None:
            out = np.prod(x)
            if ctx._next:
                ctx.save_for_backward(a)
                ctx._aux = (None, x.shape)
            return np.asarray(out, dtype=np.int64 if x.dtype.kind in "bui" else x.dtype)
        d = norm_dim(dim, x.ndim, "prod")
        out = np.prod(x, axis=d, keepdims=keepdim, dtype=np.int64 if x.dtype.kind in "bui" else None)
        if ctx._next:
            ctx.save_for_backward(a)
            ctx._aux = ((d,) if x.ndim else (), keepdim)
        return out

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        axes, keepdim = ctx._aux
        if axes is None:
            shape = keepdim
            flat = x.reshape(-1) if bw.is_arr(x) else x.reshape(-1)
            others = _prod_others(flat, 0).reshape(shape) if flat.shape[0] else flat.reshape(shape)
            return bw.broadcast_to(g, shape) * others, None, None
        if not axes:
            return g, None, None
        return _grad_back(g, x.shape, axes, keepdim) * _prod_others(x, axes[0]), None, None


class Norm2(Function):
    """Euclidean norm sqrt(sum x^2);  d/dx = x / ||x|| (0 where the norm is 0)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        x = a._data
        axes = norm_dims(dim, x.ndim, "norm")
        xf = x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)
        out = np.sqrt(np.sum(xf * xf, axis=axes, keepdims=keepdim))
        if ctx._next:
            ctx.save_for_backward(a, out)
            ctx._aux = (axes, keepdim)
        return out

    @staticmethod
    def backward(ctx, g, *_):
        x, y = ctx.saved_tensors
        axes, keepdim = ctx._aux
        shape = x.shape
        if not keepdim:
            y = bw.keep(y, shape, axes)
            g = bw.keep(g, shape, axes)
        yd = y if bw.is_arr(y) else y._data
        safe = bw.where(yd == 0, 1.0, y) if (yd == 0).any() else y
        return g * (x / safe), None, None


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

"""Reductions and normalisations over dimensions."""
import builtins

import numpy as np

from .. import dtypes as _dt
from ..aliases import numpy_dims, with_out
from ..dims import ALL_DIMS, check_dims_type, norm_dim, norm_dims, reduce_dims
from ..function import Function
from ..dtypes import get_default_dtype
from . import bw
from .index import Gather
from .select import Maximum, Minimum, where
from .unary import StdSqrt
from .input_checks import tensor_input

__all__ = [  # the function forms, exported as tc.<name>
    "sum",
    "mean",
    "nansum",
    "prod",
    "var",
    "std",
    "var_mean",
    "std_mean",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "norm",
]


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
        axes = reduce_dims(dim, x.ndim, "sum")
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
        check_dims_type(dim, "mean")  # a str or float dim is PyTorch's TypeError, before the dtype check
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be either a floating point "
                               f"or complex dtype. Got: {np.dtype(dtype).name}")
        if x.dtype.kind != "f" and dtype is None:
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                f"complex dtype. Got: {x.dtype}"
            )
        axes = reduce_dims(dim, x.ndim, "mean")
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
        name = cls.__name__.lower()
        if x.size == 0:
            if dim is None:
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
            # as PyTorch: each dim in turn is range-checked and must not be empty, before the repeat check
            for d in check_dims_type(dim, name) if isinstance(dim, (list, tuple)) else (dim,):
                i = norm_dim(d, x.ndim, name)
                if x.ndim and x.shape[i] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {i} to have non-zero size.")
        axes = norm_dims(dim, x.ndim, name)
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
    n = x.shape[axis]
    xm = x.movedim(axis, -1)
    eye = np.eye(n, dtype=bool)
    X = where(eye, 1.0, xm.unsqueeze(-2).expand(*xm.shape[:-1], n, n))
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
        axes = reduce_dims(dim, x.ndim, "norm")
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


def _axes(dim, t, op="reduce"):
    if dim is None:
        return None
    return norm_dims(dim, t.ndim, op)


def _argext(fn, t, dim, keepdim, op):
    x = t._data
    if (dim is not None and not isinstance(dim, (int, np.integer))) or isinstance(dim, bool):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    if x.dtype.kind == "b":
        raise RuntimeError(f"{op}(): does not support bool input (shape {tuple(x.shape)}); convert it with .to(tc.int64)")
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = np.asarray(fn(x.reshape(-1)), np.int64)
        return Tensor._make(r.reshape((1,) * x.ndim) if keepdim else r)
    d = norm_dim(dim, x.ndim, op)
    if x.ndim == 0:
        return Tensor._make(np.asarray(0, np.int64))
    if x.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    return Tensor._make(np.asarray(fn(x, axis=d, keepdims=keepdim), np.int64))


def _minmax_dim(t, dim, keepdim, argfn, op):
    from ... import return_types

    x = t._data
    d = norm_dim(dim, x.ndim, op)
    if x.ndim == 0:
        return getattr(return_types, op)(t.view(()), Tensor._make(np.asarray(0, np.int64)))
    if x.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    idx = np.expand_dims(argfn(x, axis=d), d).astype(np.int64)
    vals = Gather.apply(t, d, idx)
    if not keepdim:
        vals = vals.squeeze(d)
        idx = idx.squeeze(d)
    return getattr(return_types, op)(vals, Tensor._make(idx))


class ReduceOps:
    """Reductions, softmax and scans. ``Tensor`` inherits these methods."""

    __slots__ = ()


    @numpy_dims
    def sum(self, dim=None, keepdim=False, dtype=None):
        """Sum of the elements, over all of them or along ``dim`` (see ``tc.sum``)."""
        return Sum.apply(self, dim, keepdim, None if dtype is None else _dt.to_np(dtype))

    @numpy_dims
    def mean(self, dim=None, keepdim=False, dtype=None):
        """Mean of the elements, over all of them or along ``dim`` (see ``tc.mean``)."""
        return Mean.apply(self, dim, keepdim, None if dtype is None else _dt.to_np(dtype))

    @numpy_dims
    def nansum(self, dim=None, keepdim=False):
        """Sum treating NaN as zero."""
        if not self.is_floating_point():  # no NaN to drop; and integers sum to int64, as PyTorch
            return self.sum(dim, keepdim)
        return where(self.isnan(), 0.0, self).sum(dim, keepdim)

    @numpy_dims
    def prod(self, dim=ALL_DIMS, keepdim=False, dtype=None):
        """Product of the elements, over all of them or along ``dim`` (computed in ``dtype`` if given)."""
        if dim is ALL_DIMS:
            dim = None
        elif dim is None or not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            # PyTorch's prod takes one int dim, or none at all: dim=None is its TypeError too
            raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__} (omit it to reduce all dims)")
        if dtype is not None and _dt.as_dtype(dtype) is _dt.bool:  # a product of bools is their conjunction
            return (self != 0).all() if dim is None else (self != 0).all(dim, keepdim)
        return Prod.apply(self if dtype is None else self.to(dtype), dim, keepdim)

    @numpy_dims
    def var(self, dim=None, unbiased=None, keepdim=False, correction=None):
        """sum (x - mean)^2 / (N - correction); ``unbiased=True`` means correction 1 (the default)."""
        if isinstance(dim, bool) and unbiased is None:  # PyTorch's overload var(input, unbiased)
            dim, unbiased = None, dim
        check_dims_type(dim, "var")  # a str or float dim is PyTorch's TypeError, before the dtype check
        if not self.is_floating_point():
            raise RuntimeError(f"var(): std and var only support floating point and complex dtypes (got {self.dtype})")
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        elif unbiased is not None:
            raise TypeError("var(): cannot specify both unbiased and correction")
        axes = reduce_dims(dim, self.ndim, "var")
        n = int(np.prod([self.shape[i] for i in axes])) if axes else 1
        mu = self.mean(axes, keepdim=True)
        d = self - mu
        return (d * d).sum(axes, keepdim=keepdim) / builtins.max(n - correction, 0)

    @numpy_dims
    def std(self, dim=None, unbiased=None, keepdim=False, correction=None):
        """sqrt of ``var`` (gradient 0 where the std is 0, as PyTorch's)."""
        return StdSqrt.apply(self.var(dim, unbiased, keepdim, correction))

    @numpy_dims
    def amax(self, dim=(), keepdim=False):
        """Maximum along ``dim`` (all dims by default)."""
        return Amax.apply(self, None if isinstance(dim, (tuple, list)) and not dim else dim, keepdim)

    @numpy_dims
    def amin(self, dim=(), keepdim=False):
        """Minimum along ``dim`` (all dims by default)."""
        return Amin.apply(self, None if isinstance(dim, (tuple, list)) and not dim else dim, keepdim)

    @numpy_dims
    def max(self, dim=None, keepdim=False):
        """max of all elements; with ``dim``, the (values, indices) along it; with a Tensor, maximum."""
        if isinstance(dim, Tensor):
            return Maximum.apply(self, dim)
        if dim is None:
            return Amax.apply(self, None, False)
        return _minmax_dim(self, dim, keepdim, np.argmax, "max")

    @numpy_dims
    def min(self, dim=None, keepdim=False):
        """min of all elements; with ``dim``, the (values, indices) along it; with a Tensor, minimum."""
        if isinstance(dim, Tensor):
            return Minimum.apply(self, dim)
        if dim is None:
            return Amin.apply(self, None, False)
        return _minmax_dim(self, dim, keepdim, np.argmin, "min")

    @numpy_dims
    def argmax(self, dim=None, keepdim=False):
        """Index of the maximum (flattened, or along ``dim``)."""
        return _argext(np.argmax, self, dim, keepdim, "argmax")

    @numpy_dims
    def argmin(self, dim=None, keepdim=False):
        """Index of the minimum (flattened, or along ``dim``)."""
        return _argext(np.argmin, self, dim, keepdim, "argmin")


    def norm(self, p="fro", dim=None, keepdim=False):
        """The p-norm (default: Euclidean/Frobenius) over ``dim``."""
        if p in ("fro", 2, 2.0):
            return Norm2.apply(self, dim, keepdim)
        if p in (float("inf"), "inf"):
            return self.abs().amax(dim if dim is not None else (), keepdim)
        if p in (float("-inf"), "-inf"):
            return self.abs().amin(dim if dim is not None else (), keepdim)
        if p in (1, 1.0):
            return self.abs().sum(dim, keepdim)
        if p == 0:
            count = (self != 0).to(self.dtype).sum(dim, keepdim)
            # PyTorch's result is on the tape with a zero gradient: where() picks the count, routes 0 back
            return where(Tensor._make(np.zeros(count.shape, bool)), self.sum(dim, keepdim), count)
        if isinstance(p, str):
            raise RuntimeError(f"norm(): unsupported norm type {p!r}")
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

# ---- function forms: ``tc.<name>(input, ...)`` ----


@with_out
def sum(input, dim=None, keepdim=False, dtype=None):
    """Sum of the elements, over all of them or along ``dim`` (an int or tuple of ints).

    Args: dim: dimension(s) to reduce (all when None); keepdim: keep them as size 1; dtype: accumulate and return in this dtype.

    >>> tc.sum(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(10.)
    >>> tc.sum(tc.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([4., 6.])
    >>> tc.sum(tc.tensor([[1., 2.], [3., 4.]]), dim=1, keepdim=True)
    tensor([[3.],
            [7.]])
    """
    return input.sum(dim, keepdim, dtype=dtype)


@with_out
def mean(input, dim=None, keepdim=False, dtype=None):
    """Mean of the elements, over all of them or along ``dim``: sum / count.

    Args: dim: dimension(s) to reduce (all when None); keepdim: keep them as size 1; dtype: compute in this dtype.

    >>> tc.mean(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(2.5000)
    >>> tc.mean(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    tensor([1.5000, 3.5000])
    """
    return input.mean(dim, keepdim, dtype=dtype)


@with_out
def nansum(input, dim=None, keepdim=False):
    """Sum treating NaN as zero, over all elements or along ``dim``.

    >>> tc.nansum(tc.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    return input.nansum(dim, keepdim)


@with_out
def prod(input, dim=ALL_DIMS, keepdim=False, dtype=None):
    """Product of the elements, over all of them or along one ``dim`` (in ``dtype`` if given).

    >>> tc.prod(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(24.)
    >>> tc.prod(tc.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([3., 8.])
    """
    return input.prod(dim, keepdim, dtype=dtype)


@with_out
def var(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """Variance along ``dim``: sum((x - mean)^2) / (N - correction); correction=1 (Bessel) by default.

    Args: dim: dimension(s) (all when None); unbiased: legacy form of correction (True = 1); keepdim; correction: subtracted from N.

    >>> tc.var(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(1.6667)
    >>> tc.var(tc.tensor([[1., 2.], [3., 4.]]), dim=1, correction=0)
    tensor([0.2500, 0.2500])
    """
    return input.var(dim, unbiased, keepdim, correction)


@with_out
def std(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """Standard deviation along ``dim``: sqrt(var); correction=1 (Bessel) by default.

    Args: dim: dimension(s) (all when None); unbiased: legacy form of correction (True = 1); keepdim; correction: subtracted from N.

    >>> tc.std(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(1.2910)
    >>> tc.std(tc.tensor([[1., 2.], [3., 4.]]), dim=1, correction=0)
    tensor([0.5000, 0.5000])
    """
    return input.std(dim, unbiased, keepdim, correction)


@numpy_dims
def var_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """The pair (var, mean) along ``dim`` (see ``tc.var``).

    >>> tc.var_mean(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    (tensor([0.5000, 0.5000]), tensor([1.5000, 3.5000]))
    """
    if isinstance(dim, bool) and unbiased is None:  # the overload var_mean(input, unbiased)
        dim, unbiased = None, dim
    return input.var(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


@numpy_dims
def std_mean(input, dim=None, unbiased=None, keepdim=False, correction=None):
    """The pair (std, mean) along ``dim`` (see ``tc.std``).

    >>> tc.std_mean(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    (tensor([0.7071, 0.7071]), tensor([1.5000, 3.5000]))
    """
    if isinstance(dim, bool) and unbiased is None:  # the overload std_mean(input, unbiased)
        dim, unbiased = None, dim
    return input.std(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


@with_out
@tensor_input
def max(input, dim=None, keepdim=False):
    """Maximum: of all elements; along ``dim``, a (values, indices) pair; with a tensor second argument, the elementwise maximum.

    >>> tc.max(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(4.)
    >>> tc.max(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    max(values=tensor([2., 4.]), indices=tensor([1, 1]))
    """
    return input.max(dim, keepdim)


@with_out
@tensor_input
def min(input, dim=None, keepdim=False):
    """Minimum: of all elements; along ``dim``, a (values, indices) pair; with a tensor second argument, the elementwise minimum.

    >>> tc.min(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(1.)
    >>> tc.min(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    min(values=tensor([1., 3.]), indices=tensor([0, 0]))
    """
    return input.min(dim, keepdim)


@with_out
def amax(input, dim=(), keepdim=False):
    """Maximum along ``dim`` (all dims by default); the gradient is shared evenly among ties.

    >>> tc.amax(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    tensor([2., 4.])
    """
    return input.amax(dim, keepdim)


@with_out
def amin(input, dim=(), keepdim=False):
    """Minimum along ``dim`` (all dims by default); the gradient is shared evenly among ties.

    >>> tc.amin(tc.tensor([[1., 2.], [3., 4.]]), dim=1)
    tensor([1., 3.])
    """
    return input.amin(dim, keepdim)


@with_out
def argmax(input, dim=None, keepdim=False):
    """Index of the maximum (in the flattened tensor, or along ``dim``).

    >>> tc.argmax(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(3)
    >>> tc.argmax(tc.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([1, 1])
    """
    return input.argmax(dim, keepdim)


@with_out
def argmin(input, dim=None, keepdim=False):
    """Index of the minimum (in the flattened tensor, or along ``dim``).

    >>> tc.argmin(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(0)
    >>> tc.argmin(tc.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([0, 0])
    """
    return input.argmin(dim, keepdim)


@with_out
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector or matrix norm: p='fro' (Frobenius / 2-norm), a number p (sum |x|^p)^(1/p), inf, -inf or 'nuc'.

    Args: p: the order; dim: dimension(s) (all when None); keepdim; dtype.

    >>> tc.norm(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(5.4772)
    >>> tc.norm(tc.tensor([3., -4.]), p=1)
    tensor(7.)
    """
    x = input if dtype is None else input.to(dtype)
    return x.norm(p, dim, keepdim)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

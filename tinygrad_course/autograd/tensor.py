"""``Tensor``: an ndarray plus what the tape needs (``grad_fn``, ``requires_grad``, ``grad``)."""
import numbers
import weakref
from operator import index as _index

import numpy as np

from .grad_mode import _Mode
from . import dtypes as _dt

_A = np.ndarray
_new_tensor = object.__new__


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
        except ValueError as e:
            raise ValueError(f"tensor(): expected a sequence of equal-length sequences ({e})") from None
        if arr.dtype.kind == "O":
            raise TypeError(f"tensor(): could not infer dtype of {type(data).__name__} (ragged or non-numeric data)")
        if arr.dtype.kind == "U" or arr.dtype.kind == "S":
            raise TypeError("tensor(): new(): invalid data type 'str'")
        k = arr.dtype.kind
        # with an explicit dtype, convert once below (a float64 request must not round via float32)
        if dtype is None and not isinstance(data, np.generic):
            if k == "f" or default_float:
                arr = arr.astype(_dt.get_default_dtype().np)
            elif k in "iu":
                arr = arr.astype(np.int64)
    if dtype is not None:
        arr = arr.astype(_dt.to_np(dtype), copy=False)
    elif arr.dtype not in _dt._BY_NP:
        # e.g. uint16 or complex: map to the nearest supported type
        arr = arr.astype(np.int64 if arr.dtype.kind in "iu" else _dt.get_default_dtype().np)
    return arr


def _check_rg(arr, requires_grad, op="tensor"):
    if requires_grad and arr.dtype.kind != "f":
        raise RuntimeError(
            f"{op}(): Only Tensors of floating point and complex dtype can require gradients (got {_dt._BY_NP[arr.dtype]})"
        )


def _array(t):
    """The ndarray behind ``t``, not copied: the one accessor the floors above autograd use
    (nn kernels, optimizers, loaders) instead of the private field."""
    return t._data


def _bump_version(t):
    """Record that ``t``'s array was changed in place outside the tape (an optimizer step,
    an init, a state-dict load), so a graph that saved ``t`` notices."""
    t._vc[0] += 1


def _wrap(arr, requires_grad=False):
    """A tensor around the ndarray ``arr``, not copied (internal; users call ``tc.tensor``)."""
    return Tensor._make(arr, requires_grad)


class Tensor:
    """A multi-dimensional array that records the operations done on it (PyTorch's Tensor)."""

    __slots__ = ("_data", "_rg", "grad_fn", "_vc", "__dict__", "__weakref__")
    # rarely set per tensor: class-level defaults keep tensor creation to four stores
    _output_nr = 0
    _grad = None
    _hooks = None
    # NumPy hands binary operators with a Tensor on the right back to us
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, data=None, requires_grad=False, dtype=None):
        if data is None:
            data = np.zeros((0,), _dt.get_default_dtype().np)
        if isinstance(data, Tensor) and dtype is None:
            arr = data._data
        else:
            arr = _to_array(data, dtype, default_float=not isinstance(data, (_A, Tensor)))
        _check_rg(arr, requires_grad, "Tensor")
        self._data = arr
        self._rg = bool(requires_grad)
        self.grad_fn = None
        self._vc = [0]

    @classmethod
    def _make(cls, data, requires_grad=False, grad_fn=None, output_nr=0, vc=None):
        """Wrap an ndarray without any checks (the ops' fast path)."""
        t = _new_tensor(Tensor)
        t._data = data
        t._rg = requires_grad
        t.grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        t._vc = vc if vc is not None else [0]
        return t

    # ---- attributes ----------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Set whether this leaf records operations (in place; returns self)."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        _check_rg(self._data, requires_grad, "requires_grad_")
        self._rg = bool(requires_grad)
        return self

    @property
    def grad(self):
        if self.grad_fn is not None and self._grad is None and not self.__dict__.get("_retains"):
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). Use .retain_grad() on the "
                "non-leaf Tensor if you want its gradient.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: {value.shape} vs {self.shape}")
            if value.dtype != self.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: {value.dtype} vs {self.dtype}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        """This tensor's values as a new leaf that shares memory and records nothing."""
        return Tensor._make(self._data, False, None, 0, self._vc)

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return _dt._BY_NP[self._data.dtype]

    @property
    def device(self):
        return _CPU

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def is_cuda(self):
        return False

    @property
    def _version(self):
        return self._vc[0]

    @property
    def T(self):
        return self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def size(self, dim=None):
        if dim is None:
            return self._data.shape
        from .ops.reduce import norm_dim

        return self._data.shape[norm_dim(dim, self.ndim, "size")]

    def numel(self):
        return self._data.size

    nelement = numel

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    def cpu(self):
        return self

    def __hash__(self):
        return id(self)

    # ---- conversion ----------------------------------------------------------------------
    def numpy(self, force=False):
        """The underlying ndarray (shared memory)."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"item(): a Tensor with {self._data.size} elements cannot be converted to Scalar (shape {self.shape})"
            )
        return self._data.item()

    def tolist(self):
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
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous (shape {self.shape})")
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
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment")
        t = type(self).__new__(type(self))
        Tensor.__init__(t, self._data.copy(), self._rg)
        if self._grad is not None:
            t._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = t
        return t

    # ---- autograd ------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (``gradient`` = dL/dself)."""
        from .engine_api import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """The same values, cut from the tape (shares memory and version counter)."""
        return Tensor._make(self._data, False, None, 0, self._vc)

    def detach_(self):
        self.grad_fn = None
        self._rg = False
        return self

    def retain_grad(self):
        """Keep this non-leaf's gradient in ``.grad`` after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
            node._special = True
        node._retain[self._output_nr] = weakref.ref(self)
        self.__dict__["_retains"] = True

    @property
    def retains_grad(self):
        return bool(self.__dict__.get("_retains"))

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new grad."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        else:
            node = self.grad_fn
            if node._hooks is None:
                node._hooks = {}
                node._special = True
            hooks = node._hooks.setdefault(self._output_nr, {})
        key = object()
        hooks[key] = hook
        return _RemovableHandle(hooks, key)

    # ---- arithmetic (operators) ----------------------------------------------------------
    def __add__(self, other):
        return Add.apply(self, other)

    def __radd__(self, other):
        return Add.apply(other, self)

    def __sub__(self, other):
        return Sub.apply(self, other)

    def __rsub__(self, other):
        return Sub.apply(other, self)

    def __mul__(self, other):
        return Mul.apply(self, other)

    def __rmul__(self, other):
        return Mul.apply(other, self)

    def __truediv__(self, other):
        return Div.apply(self, other)

    def __rtruediv__(self, other):
        return Div.apply(other, self)

    def __pow__(self, other):
        return pow(self, other)

    def __rpow__(self, other):
        return PowT.apply(other, self)

    def __matmul__(self, other):
        return MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return MatMul.apply(other, self)

    def __neg__(self):
        return Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return Abs.apply(self)

    def __floordiv__(self, other):
        return _nograd(np.floor_divide, self, other, "floor_divide")

    def __rfloordiv__(self, other):
        return _nograd(np.floor_divide, other, self, "floor_divide")

    def __mod__(self, other):
        return _nograd(np.mod, self, other, "remainder")

    def __rmod__(self, other):
        return _nograd(np.mod, other, self, "remainder")

    # comparisons and logic: bool tensors without history
    def __eq__(self, other):
        if other is None:
            return False
        return _compare(np.equal, self, other, "eq")

    def __ne__(self, other):
        if other is None:
            return True
        return _compare(np.not_equal, self, other, "ne")

    def __lt__(self, other):
        return _compare(np.less, self, other, "lt")

    def __le__(self, other):
        return _compare(np.less_equal, self, other, "le")

    def __gt__(self, other):
        return _compare(np.greater, self, other, "gt")

    def __ge__(self, other):
        return _compare(np.greater_equal, self, other, "ge")

    def __and__(self, other):
        return _logic(np.logical_and if self.dtype == _dt.bool else np.bitwise_and, self, other, "and")

    __rand__ = __and__

    def __or__(self, other):
        return _logic(np.logical_or if self.dtype == _dt.bool else np.bitwise_or, self, other, "or")

    __ror__ = __or__

    def __xor__(self, other):
        return _logic(np.logical_xor if self.dtype == _dt.bool else np.bitwise_xor, self, other, "xor")

    __rxor__ = __xor__

    def __invert__(self):
        d = self._data
        return Tensor._make(np.logical_not(d) if d.dtype.kind == "b" else np.invert(d))

    eq = __eq__
    ne = __ne__
    lt = __lt__
    le = __le__
    gt = __gt__
    ge = __ge__
    less = lt
    greater = gt

    def logical_not(self):
        return Tensor._make(np.logical_not(self._data))

    def logical_and(self, other):
        return _logic(np.logical_and, self, other, "logical_and")

    def logical_or(self, other):
        return _logic(np.logical_or, self, other, "logical_or")

    def isnan(self):
        return Tensor._make(np.isnan(self._data))

    def isinf(self):
        return Tensor._make(np.isinf(self._data))

    def isfinite(self):
        return Tensor._make(np.isfinite(self._data))

    def equal(self, other):
        return bool(self.shape == other.shape and np.array_equal(self._data, other._data))

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return bool(np.allclose(self._data, _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return Tensor._make(np.isclose(self._data, _arr(other), rtol=rtol, atol=atol, equal_nan=equal_nan))

    def all(self, dim=None, keepdim=False):
        return Tensor._make(np.asarray(np.all(self._data, axis=_axes(dim, self), keepdims=keepdim)))

    def any(self, dim=None, keepdim=False):
        return Tensor._make(np.asarray(np.any(self._data, axis=_axes(dim, self), keepdims=keepdim)))

    def count_nonzero(self, dim=None):
        return Tensor._make(np.asarray(np.count_nonzero(self._data, axis=_axes(dim, self)), dtype=np.int64))

    def nonzero(self, as_tuple=False):
        nz = np.nonzero(self._data)
        if as_tuple:
            return tuple(Tensor._make(i.astype(np.int64)) for i in nz)
        return Tensor._make(np.stack(nz, -1).astype(np.int64) if nz else np.zeros((1, 0), np.int64))

    # ---- math methods --------------------------------------------------------------------
    def add(self, other, alpha=1):
        return Add.apply(self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        return Sub.apply(self, other if alpha == 1 else other * alpha)

    subtract = sub

    def mul(self, other):
        return Mul.apply(self, other)

    multiply = mul

    def div(self, other, rounding_mode=None):
        if rounding_mode is None:
            return Div.apply(self, other)
        fn = {"floor": np.floor_divide, "trunc": lambda a, b: np.trunc(a / b)}[rounding_mode]
        return _nograd(fn, self, other, "div")

    divide = true_divide = div

    def neg(self):
        return Neg.apply(self)

    negative = neg

    def pow(self, exponent):
        return pow(self, exponent)

    def matmul(self, other):
        return MatMul.apply(self, other)

    def mm(self, other):
        if self.ndim != 2 or _arr(other).ndim != 2:
            raise RuntimeError(f"mm(): expected 2-D tensors, got {tuple(self.shape)} and {tuple(_arr(other).shape)}")
        return MatMul.apply(self, other)

    def bmm(self, other):
        if self.ndim != 3 or _arr(other).ndim != 3:
            raise RuntimeError(f"bmm(): expected 3-D tensors, got {tuple(self.shape)} and {tuple(_arr(other).shape)}")
        return MatMul.apply(self, other)

    def mv(self, vec):
        return MatMul.apply(self, vec)

    def dot(self, other):
        if self.ndim != 1 or _arr(other).ndim != 1:
            raise RuntimeError(f"dot(): 1D tensors expected, but got {self.ndim}D and {_arr(other).ndim}D tensors")
        return MatMul.apply(self, other)

    def outer(self, other):
        return self.reshape(-1, 1) * other.reshape(1, -1)

    def abs(self):
        return Abs.apply(self)

    absolute = abs

    def exp(self):
        return Exp.apply(self)

    def log(self):
        return Log.apply(self)

    def log1p(self):
        return Log1p.apply(self)

    def log2(self):
        return Log.apply(self) * (1.0 / np.log(2.0))

    def log10(self):
        return Log.apply(self) * (1.0 / np.log(10.0))

    def expm1(self):
        return Exp.apply(self) - 1.0

    def sqrt(self):
        return Sqrt.apply(self)

    def rsqrt(self):
        return Rsqrt.apply(self)

    def square(self):
        return Mul.apply(self, self)

    def reciprocal(self):
        return Div.apply(1.0, self)

    def sin(self):
        return Sin.apply(self)

    def cos(self):
        return Cos.apply(self)

    def tan(self):
        return Sin.apply(self) / Cos.apply(self)

    def tanh(self):
        return Tanh.apply(self)

    def sigmoid(self):
        return Sigmoid.apply(self)

    def relu(self):
        return Relu.apply(self)

    def sign(self):
        return ZeroGrad.apply(self, np.sign)

    sgn = sign

    def floor(self):
        return ZeroGrad.apply(self, np.floor)

    def ceil(self):
        return ZeroGrad.apply(self, np.ceil)

    def round(self, decimals=0):
        return ZeroGrad.apply(self, (lambda a: np.round(a, decimals)) if decimals else np.round)

    def trunc(self):
        return ZeroGrad.apply(self, np.trunc)

    def clamp(self, min=None, max=None):
        """Limit to [min, max]; the gradient passes where min <= x <= max."""
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            out = self
            if min is not None:
                out = where(out < min, min, out)
            if max is not None:
                out = where(out > max, max, out)
            return out
        return Clamp.apply(self, min, max)

    clip = clamp

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    def maximum(self, other):
        return Maximum.apply(self, other)

    def minimum(self, other):
        return Minimum.apply(self, other)

    def where(self, condition, other):
        return where(condition, self, other)

    def masked_fill(self, mask, value):
        return where(mask, value, self)

    def lerp(self, end, weight):
        return self + (end - self) * weight

    def softmax(self, dim):
        return Softmax.apply(self, dim)

    def log_softmax(self, dim):
        return LogSoftmax.apply(self, dim)

    # ---- reductions ----------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None):
        return Sum.apply(self, dim, keepdim, None if dtype is None else _dt.to_np(dtype))

    def mean(self, dim=None, keepdim=False, dtype=None):
        return Mean.apply(self, dim, keepdim, None if dtype is None else _dt.to_np(dtype))

    def nansum(self, dim=None, keepdim=False):
        return where(self.isnan(), 0.0, self).sum(dim, keepdim)

    def prod(self, dim=None, keepdim=False):
        return Prod.apply(self, dim, keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, correction=None):
        """sum (x - mean)^2 / (N - correction); ``unbiased=True`` means correction 1 (the default)."""
        if not self.is_floating_point():
            raise RuntimeError(f"var(): std and var only support floating point and complex dtypes (got {self.dtype})")
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        elif unbiased is not None:
            raise TypeError("var(): cannot specify both unbiased and correction")
        from .ops.reduce import norm_dims

        axes = norm_dims(dim, self.ndim, "var")
        n = int(np.prod([self.shape[i] for i in axes])) if axes else 1
        mu = self.mean(axes, keepdim=True)
        d = self - mu
        return (d * d).sum(axes, keepdim=keepdim) / max(n - correction, 0)

    def std(self, dim=None, unbiased=None, keepdim=False, correction=None):
        """sqrt of ``var`` (gradient 0 where the std is 0, as PyTorch's)."""
        return StdSqrt.apply(self.var(dim, unbiased, keepdim, correction))

    def amax(self, dim=(), keepdim=False):
        return Amax.apply(self, None if dim == () else dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return Amin.apply(self, None if dim == () else dim, keepdim)

    def max(self, dim=None, keepdim=False):
        """max of all elements; with ``dim``, the (values, indices) along it; with a Tensor, maximum."""
        if isinstance(dim, Tensor):
            return Maximum.apply(self, dim)
        if dim is None:
            return Amax.apply(self, None, False)
        return _minmax_dim(self, dim, keepdim, np.argmax, "max")

    def min(self, dim=None, keepdim=False):
        """min of all elements; with ``dim``, the (values, indices) along it; with a Tensor, minimum."""
        if isinstance(dim, Tensor):
            return Minimum.apply(self, dim)
        if dim is None:
            return Amin.apply(self, None, False)
        return _minmax_dim(self, dim, keepdim, np.argmin, "min")

    def argmax(self, dim=None, keepdim=False):
        return _argext(np.argmax, self, dim, keepdim, "argmax")

    def argmin(self, dim=None, keepdim=False):
        return _argext(np.argmin, self, dim, keepdim, "argmin")

    def logsumexp(self, dim, keepdim=False):
        """log sum_i e^{x_i}, computed as m + log sum e^{x_i - m} with m = max x (no overflow)."""
        m = self.detach().amax(dim, keepdim=True)
        m = Tensor._make(np.where(np.isfinite(m._data), m._data, 0).astype(m._data.dtype))
        out = (self - m).exp().sum(dim, keepdim=True).log() + m
        if not keepdim:
            from .ops.reduce import norm_dims

            out = out.squeeze(norm_dims(dim, self.ndim, "logsumexp"))
        return out

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
            return (self != 0).to(self.dtype).sum(dim, keepdim)
        if isinstance(p, str):
            raise RuntimeError(f"norm(): unsupported norm type {p!r}")
        return (self.abs() ** p).sum(dim, keepdim) ** (1.0 / p)

    def cumsum(self, dim):
        """Running sum along dim (as a matmul with a triangular matrix, so it differentiates)."""
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "cumsum")
        n = self.shape[d]
        tri = np.triu(np.ones((n, n), self._data.dtype if self.is_floating_point() else np.int64))
        return (self.movedim(d, -1) @ Tensor._make(tri)).movedim(-1, d)

    # ---- shape ---------------------------------------------------------------------------
    def reshape(self, *shape):
        shape = _shape_arg(shape)
        if shape == self._data.shape:
            return self if not self._rg else Reshape.apply(self, shape)
        return Reshape.apply(self, shape)

    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
            return self.to(shape[0])
        return Reshape.apply(self, _shape_arg(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        from .ops.reduce import norm_dim

        s = norm_dim(start_dim, self.ndim, "flatten")
        e = norm_dim(end_dim, self.ndim, "flatten")
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        sh = self.shape
        return Reshape.apply(self, sh[:s] + (int(np.prod(sh[s : e + 1])),) + sh[e + 1 :])

    def unflatten(self, dim, sizes):
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "unflatten")
        return self.reshape(self.shape[:d] + tuple(sizes) + self.shape[d + 1 :])

    def squeeze(self, dim=None):
        sh = self.shape
        if dim is None:
            new = tuple(s for s in sh if s != 1)
        else:
            from .ops.reduce import norm_dims

            ds = norm_dims(dim, self.ndim, "squeeze")
            new = tuple(s for i, s in enumerate(sh) if not (i in ds and s == 1))
        return Reshape.apply(self, new) if new != sh else self.view(sh)

    def unsqueeze(self, dim):
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim + 1, "unsqueeze")
        sh = self.shape
        return Reshape.apply(self, sh[:d] + (1,) + sh[d:])

    def permute(self, *dims):
        dims = _shape_arg(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                f"the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not equal to len(dims) = {len(dims)}"
            )
        from .ops.reduce import norm_dim

        dims = tuple(norm_dim(d, self.ndim, "permute") for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"permute(): duplicate dims are not allowed (got {dims})")
        return Permute.apply(self, dims)

    def transpose(self, dim0, dim1):
        from .ops.reduce import norm_dim

        n = self.ndim
        if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
            return self.view(self.shape)
        d0, d1 = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
        dims = list(range(n))
        dims[d0], dims[d1] = dims[d1], dims[d0]
        return Permute.apply(self, tuple(dims))

    swapaxes = swapdims = transpose

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    def movedim(self, source, destination):
        from .ops.reduce import norm_dim

        n = self.ndim
        s, d = norm_dim(source, n, "movedim"), norm_dim(destination, n, "movedim")
        order = [i for i in range(n) if i != s]
        order.insert(d, s)
        return Permute.apply(self, tuple(order))

    moveaxis = movedim

    def expand(self, *sizes):
        sizes = _shape_arg(sizes)
        sh = self.shape
        if len(sizes) < len(sh):
            raise RuntimeError(
                f"expand(): the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
                f"of dimensions in the tensor ({len(sh)})"
            )
        lead = len(sizes) - len(sh)
        target = []
        for i, s in enumerate(sizes):
            if i < lead:
                if s < 0:
                    raise RuntimeError(f"expand(): -1 is not allowed in a leading, non-existing dimension {i}")
                target.append(s)
                continue
            cur = sh[i - lead]
            if s == -1:
                s = cur
            if cur != s and cur != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                    f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(sh)}"
                )
            target.append(s)
        target = tuple(target)
        return Expand.apply(self, target) if target != sh else self.view(sh)

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def repeat(self, *sizes):
        """Tile the tensor ``sizes`` times along each dim (NumPy's ``tile``)."""
        sizes = _shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "repeat(): Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        sh = (1,) * (len(sizes) - self.ndim) + self.shape
        x = self.reshape(sh)
        inter = []
        for r, s in zip(sizes, sh):
            inter += [1, s]
        x = x.reshape(inter)
        exp = []
        for r, s in zip(sizes, sh):
            exp += [r, s]
        return x.expand(exp).reshape(tuple(r * s for r, s in zip(sizes, sh)))

    def tile(self, *dims):
        dims = _shape_arg(dims)
        dims = (1,) * (self.ndim - len(dims)) + tuple(dims)
        return self.repeat(dims)

    def contiguous(self):
        return self if self._data.flags.c_contiguous else Clone.apply(self)

    def clone(self):
        return Clone.apply(self)

    def flip(self, *dims):
        dims = _shape_arg(dims)
        from .ops.reduce import norm_dims

        idx = [slice(None)] * self.ndim
        for d in norm_dims(tuple(dims), self.ndim, "flip"):
            idx[d] = slice(None, None, -1)
        # a negative-step view (which user indexing refuses, as PyTorch does), then a copy
        return IndexView.apply(self, tuple(idx), True).clone()

    def chunk(self, chunks, dim=0):
        """Split into ``chunks`` pieces of size ceil(n / chunks) along ``dim``."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        n = self.size(dim)
        size = -(-n // chunks) if n else 0
        return self.split(max(size, 1), dim) if n else tuple(self for _ in range(1))

    def split(self, split_size_or_sections, dim=0):
        """Pieces of the given size (or list of sizes) along ``dim``."""
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "split")
        n = self.shape[d]
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                    f"dimension {d}), but got split_sizes={sizes}"
                )
        else:
            s = int(split_size_or_sections)
            if s <= 0 and n:
                raise RuntimeError(f"split(): split_size must be positive, got {s}")
            sizes = [s] * (n // s) + ([n % s] if n % s else []) if n else [0]
        out, start = [], 0
        pre = (slice(None),) * d
        for s in sizes:
            out.append(self[pre + (slice(start, start + s),)])
            start += s
        return tuple(out)

    def unbind(self, dim=0):
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "unbind")
        pre = (slice(None),) * d
        return tuple(self[pre + (i,)] for i in range(self.shape[d]))

    def gather(self, dim, index):
        """out[i][j] = self[i][index[i][j]] along ``dim``."""
        from .ops.reduce import norm_dim

        idx = _arr(index)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
        return Gather.apply(self, norm_dim(dim, self.ndim, "gather"), idx)

    # ---- ordering and triangles (compositions of gather, indexing and where) -------------
    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along ``dim``; values differentiate through ``gather``."""
        from .ops.reduce import norm_dim
        from .. import return_types

        d = norm_dim(dim, self.ndim, "sort")
        if self.ndim == 0:
            return return_types.sort(self.view(()), Tensor._make(np.asarray(0, np.int64)))
        key = -self._data if descending else self._data
        idx = np.argsort(key, axis=d, kind="stable").astype(np.int64)
        return return_types.sort(self.gather(d, idx), Tensor._make(idx))

    def argsort(self, dim=-1, descending=False, stable=False):
        return self.sort(dim, descending, stable).indices

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (or smallest) along ``dim``."""
        from .ops.reduce import norm_dim
        from .. import return_types

        d = norm_dim(dim, self.ndim, "topk")
        n = self.shape[d] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"topk(): selected index k={k} out of range for dimension {d} of size {n}")
        v, i = self.sort(d, descending=largest)
        pre = (slice(None),) * d
        return return_types.topk(v[pre + (slice(0, k),)], i[pre + (slice(0, k),)])

    def narrow(self, dim, start, length):
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "narrow")
        if start < 0:
            start += self.shape[d]
        if start < 0 or length < 0 or start + length > self.shape[d]:
            raise IndexError(f"narrow(): start {start} + length {length} exceeds dimension {d} of size {self.shape[d]}")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def roll(self, shifts, dims=None):
        """Elements shifted cyclically along ``dims`` (flattened when None)."""
        if dims is None:
            return self.flatten().roll(shifts, 0).view(self.shape)
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll(): shifts and dims must align, got {len(shifts)} and {len(dims)}")
        out = self
        from .ops.reduce import norm_dim

        for sh, d in zip(shifts, dims):
            d = norm_dim(d, self.ndim, "roll")
            n = self.shape[d]
            out = out[(slice(None),) * d + ((np.arange(n) - sh) % n,)]
        return out

    def tril(self, diagonal=0):
        """Lower triangle of the last two dims (the rest zeroed)."""
        if self.ndim < 2:
            raise RuntimeError(f"tril: input tensor must have at least 2 dimensions, got {self.ndim}")
        m = np.tril(np.ones(self.shape[-2:], bool), diagonal)
        return where(m, self, 0)

    def triu(self, diagonal=0):
        """Upper triangle of the last two dims (the rest zeroed)."""
        if self.ndim < 2:
            raise RuntimeError(f"triu: input tensor must have at least 2 dimensions, got {self.ndim}")
        m = np.triu(np.ones(self.shape[-2:], bool), diagonal)
        return where(m, self, 0)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of dims (dim1, dim2) (shifted by ``offset``), as the last dim."""
        from .ops.reduce import norm_dim

        d1, d2 = norm_dim(dim1, self.ndim, "diagonal"), norm_dim(dim2, self.ndim, "diagonal")
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        x = self.permute(*[i for i in range(self.ndim) if i not in (d1, d2)], d1, d2)
        r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
        i = np.arange(max(0, min(x.shape[-2] - r0, x.shape[-1] - c0)))
        return x[..., i + r0, i + c0]

    def diag(self, diagonal=0):
        """1-D: a matrix with this on its diagonal; 2-D: the diagonal."""
        if self.ndim == 1:
            n = self.shape[0] + abs(diagonal)
            i = np.arange(self.shape[0])
            r, c = (i, i + diagonal) if diagonal >= 0 else (i - diagonal, i)
            return IndexAdd.apply(self, (n, n), (r, c), False)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise RuntimeError(f"diag(): expected a 1-D or 2-D tensor, got {self.ndim}-D")

    def trace(self):
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return self.diagonal().sum()

    def cumprod(self, dim):
        """Running product along dim: the product of each prefix (zeros handled exactly)."""
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "cumprod")
        x = self.movedim(d, -1)
        n = x.shape[-1]
        keep = np.tril(np.ones((n, n), bool))  # row i keeps x_0 .. x_i, the rest become 1
        rows = where(keep, x.unsqueeze(-2).expand(*x.shape[:-1], n, n), 1.0)
        return rows.prod(-1).movedim(-1, d)

    def exp2(self):
        return PowT.apply(2.0, self)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        """The distinct values (no gradient)."""
        res = np.unique(self._data if dim is None else self._data, return_inverse=return_inverse,
                        return_counts=return_counts, axis=dim)
        if not isinstance(res, tuple):
            return Tensor._make(res)
        return tuple(Tensor._make(np.asarray(r, np.int64) if i else r) for i, r in enumerate(res))

    def abs_(self):
        return self._inplace("abs_", Tensor.abs)

    def take_along_dim(self, indices, dim):
        return self.gather(dim, indices)

    def index_select(self, dim, index):
        from .ops.reduce import norm_dim

        d = norm_dim(dim, self.ndim, "index_select")
        return self[(slice(None),) * d + (_arr(index).astype(np.int64),)]

    def masked_select(self, mask):
        return self[_arr(mask).astype(bool)]

    def __getitem__(self, idx):
        idx, basic = _norm_index(idx, self)
        return (IndexView if basic else Index).apply(self, idx, basic)

    def __setitem__(self, idx, value):
        idx, basic = _norm_index(idx, self)
        v = value
        if _Mode.enabled and (self._rg or getattr(value, "_rg", False)):
            self._check_inplace("__setitem__")
            if not isinstance(v, Tensor):
                v = Tensor._make(np.asarray(v, self._data.dtype))
            # out of place on a snapshot, then write back: x[idx] = v differentiates in x and v
            mask_shape = self._data[idx].shape
            covered = np.zeros(self.shape, bool)
            covered[idx] = True
            snap = self._snapshot()
            if v.ndim > len(mask_shape) and all(s == 1 for s in v.shape[: v.ndim - len(mask_shape)]):
                v = v.reshape(v.shape[v.ndim - len(mask_shape):])  # leading 1s are dropped, as PyTorch does
            try:
                vb = v.expand(mask_shape) if v.shape != mask_shape else v
            except RuntimeError:
                raise RuntimeError(
                    f"__setitem__: shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to "
                    f"indexing result of shape {list(mask_shape)}"
                ) from None
            if vb.dtype != self.dtype:
                vb = vb.to(self.dtype)
            # where, not snap * (1 - covered): an inf/nan being overwritten must not leak into the result
            new = where(Tensor._make(covered), IndexAdd.apply(vb, self.shape, idx, basic), snap)
            self._adopt(new, "__setitem__")
            return
        try:
            self._data[idx] = _arr(value)
        except ValueError as e:
            raise RuntimeError(f"__setitem__: {e} (tensor of shape {self.shape})") from None
        self._vc[0] += 1

    # ---- dtype ---------------------------------------------------------------------------
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

    def type(self, dtype=None):
        if dtype is None:
            return "tinygrad_course." + {"f": "Float", "i": "Long", "b": "Bool", "u": "Byte"}[self._data.dtype.kind] + "Tensor"
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def bool(self):
        return self.to(_dt.bool)

    # ---- in place ------------------------------------------------------------------------
    def _check_inplace(self, op):
        if not _Mode.enabled:
            return
        if self._rg and self.grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf Variable that requires grad is being used in an in-place operation."
            )
        base = _views.base_of(self) if "_view_of" in self.__dict__ else None
        if base is not None and base._rg and base.grad_fn is None:
            raise RuntimeError(
                f"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation "
                f"(view of shape {tuple(self.shape)} of a leaf of shape {tuple(base.shape)})."
            )

    def _snapshot(self):
        """This tensor's current value and history as a separate tensor (for in-place ops)."""
        return Tensor._make(self._data.copy(), self._rg, self.grad_fn, self._output_nr)

    def _adopt(self, new, op="in-place operation"):
        """Become ``new`` in place: same object, new values and history (through a view, the
        base's history is rewritten; see ``views.py``)."""
        if new.shape != self._data.shape:
            raise RuntimeError(
                f"{op}: output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(new.shape)}"
            )
        if not self._data.flags.writeable:
            raise RuntimeError(
                f"{op}: unsupported operation: more than one element of the written-to tensor (shape "
                f"{tuple(self.shape)}) refers to a single memory location (an expand()ed view). Please clone() "
                "the tensor before performing the operation."
            )
        if new._data.dtype != self._data.dtype:
            if not np.can_cast(new._data.dtype, self._data.dtype, "same_kind"):
                raise RuntimeError(
                    f"{op}: result type {new.dtype} can't be cast to the desired output type {self.dtype}"
                )
            new = new.to(self.dtype)
        if "_nograd_view" in self.__dict__:
            raise RuntimeError(
                f"{op}: A view was created in no_grad mode and is being modified inplace with grad mode enabled "
                f"(view of shape {tuple(self.shape)}). Given that this use case is ambiguous and error-prone, it is "
                "forbidden. Move both the view and the in-place op inside the no_grad block (not tracked) or both "
                "outside it (tracked)."
            )
        if "_view_of" in self.__dict__:
            _views.write_through(self, new)
        else:
            _views.adopt(self, new)

    def _inplace(self, op, fn, *args):
        self._check_inplace(op)
        if _Mode.enabled and (self._rg or any(getattr(a, "_rg", False) for a in args)):
            self._adopt(fn(self._snapshot(), *args), op)
            return self
        prev = _Mode.enabled
        _Mode.enabled = False
        try:
            res = fn(self, *args)
        finally:
            _Mode.enabled = prev
        r = res._data
        if r.shape != self._data.shape:
            raise RuntimeError(
                f"{op}: output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(r.shape)}"
            )
        try:
            np.copyto(self._data, r, casting="same_kind")
        except TypeError:
            raise RuntimeError(
                f"{op}: result type {_dt._BY_NP.get(r.dtype, r.dtype)} can't be cast to the desired output type "
                f"{self.dtype}"
            ) from None
        except ValueError as e:
            raise RuntimeError(f"{op}: {e}") from None
        self._vc[0] += 1
        return self

    def add_(self, other, alpha=1):
        return self._inplace("add_", Tensor.add, other, alpha)

    def sub_(self, other, alpha=1):
        return self._inplace("sub_", Tensor.sub, other, alpha)

    def mul_(self, other):
        return self._inplace("mul_", Tensor.mul, other)

    def div_(self, other):
        return self._inplace("div_", Tensor.div, other)

    def pow_(self, exponent):
        return self._inplace("pow_", Tensor.pow, exponent)

    def clamp_(self, min=None, max=None):
        return self._inplace("clamp_", Tensor.clamp, min, max)

    clip_ = clamp_

    def neg_(self):
        return self._inplace("neg_", Tensor.neg)

    def exp_(self):
        return self._inplace("exp_", Tensor.exp)

    def sqrt_(self):
        return self._inplace("sqrt_", Tensor.sqrt)

    def relu_(self):
        return self._inplace("relu_", Tensor.relu)

    def sigmoid_(self):
        return self._inplace("sigmoid_", Tensor.sigmoid)

    def tanh_(self):
        return self._inplace("tanh_", Tensor.tanh)

    def masked_fill_(self, mask, value):
        return self._inplace("masked_fill_", Tensor.masked_fill, mask, value)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def _fill(self, op, arr):
        self._check_inplace(op)
        if _Mode.enabled and self._rg:
            self._adopt(_constant_like(self, arr), op)
            return self
        try:
            np.copyto(self._data, arr, casting="unsafe")
        except ValueError as e:
            raise RuntimeError(f"{op}: {e} (tensor of shape {self.shape})") from None
        self._vc[0] += 1
        return self

    def zero_(self):
        return self._fill("zero_", 0)

    def fill_(self, value):
        return self._fill("fill_", _arr(value))

    def copy_(self, src):
        """Copy ``src``'s values into this tensor (broadcasting); differentiable in ``src``."""
        s = _arr(src)
        try:
            np.broadcast_to(s, self.shape)
        except ValueError:
            raise RuntimeError(
                f"copy_(): the size of src {tuple(s.shape)} must be broadcastable to the destination {tuple(self.shape)}"
            ) from None
        if _Mode.enabled and getattr(src, "_rg", False):
            self._check_inplace("copy_")
            self._adopt((src.to(self.dtype) if src.dtype != self.dtype else src).expand(self.shape) + 0.0, "copy_")
            return self
        return self._fill("copy_", s)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        g = generator if generator is not None else default_generator()
        return self._fill("uniform_", g.uniform(a, b, self.shape))

    def normal_(self, mean=0.0, std=1.0, generator=None):
        g = generator if generator is not None else default_generator()
        return self._fill("normal_", g.normal(mean, std, self.shape))

    def bernoulli_(self, p=0.5, generator=None):
        g = generator if generator is not None else default_generator()
        return self._fill("bernoulli_", g.random(self.shape) < p)

    def exponential_(self, lambd=1.0, generator=None):
        g = generator if generator is not None else default_generator()
        return self._fill("exponential_", g.exponential(1.0 / lambd, self.shape))

    # ---- factory-like methods ------------------------------------------------------------
    def new_zeros(self, *size, dtype=None, requires_grad=False):
        return _new(np.zeros, _shape_arg(size), dtype or self.dtype, requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        return _new(np.ones, _shape_arg(size), dtype or self.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False):
        t = _new(np.zeros, _shape_arg((size,)), dtype or self.dtype, False)
        t._data[...] = fill_value
        return t.requires_grad_(requires_grad)

    def new_tensor(self, data, dtype=None, requires_grad=False):
        t = Tensor._make(_to_array(data, dtype or self.dtype).copy())
        return t.requires_grad_(requires_grad)

    def new_empty(self, *size, dtype=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, requires_grad=requires_grad)


class _RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("hooks", "key")

    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _rebuild(data, rg):
    return Tensor(data, requires_grad=rg)


def _constant_like(t, arr):
    return Tensor._make(np.array(np.broadcast_to(arr, t.shape), dtype=t._data.dtype))


def _arr(x):
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x)


def _axes(dim, t):
    if dim is None:
        return None
    from .ops.reduce import norm_dims

    return norm_dims(dim, t.ndim, "reduce")


def _shape_arg(shape):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(torch-like Size)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    try:
        # operator.index: ints (and integer NumPy scalars / 0-d integer tensors) only, no 2.5 -> 2
        return tuple(_index(s) for s in shape)
    except TypeError:
        raise TypeError(f"expected a shape (a tuple of ints), got {tuple(shape)!r}") from None


def _new(fn, size, dtype, requires_grad):
    if any(s < 0 for s in size):
        raise RuntimeError(f"new tensor: Trying to create tensor with negative dimension: {list(size)}")
    t = Tensor._make(fn(size, _dt.to_np(dtype)))
    return t.requires_grad_(requires_grad) if requires_grad else t


def _compare(fn, a, b, op):
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else np.asarray(b) if isinstance(b, (list, tuple)) else b
    try:
        return Tensor._make(np.asarray(fn(x, y)))
    except ValueError:
        raise RuntimeError(
            f"{op}(): the size of tensor a {tuple(np.shape(x))} must match the size of tensor b {tuple(np.shape(y))}"
        ) from None


def _logic(fn, a, b, op):
    try:
        return Tensor._make(np.asarray(fn(_arr(a), _arr(b))))
    except (ValueError, TypeError) as e:
        raise RuntimeError(f"{op}(): {e}") from None


def _nograd(fn, a, b, op):
    """Ops whose gradient is zero almost everywhere (floor division, remainder) on arrays."""
    from .ops.arith import prep

    x, y = prep(a, b, op)
    with np.errstate(divide="ignore", invalid="ignore"):
        return Tensor._make(np.asarray(fn(x, y)))


def _argext(fn, t, dim, keepdim, op):
    x = t._data
    if dim is None:
        r = np.asarray(fn(x.reshape(-1)), np.int64)
        return Tensor._make(r.reshape((1,) * x.ndim) if keepdim else r)
    from .ops.reduce import norm_dim

    d = norm_dim(dim, x.ndim, op)
    if x.ndim == 0:
        return Tensor._make(np.asarray(0, np.int64))
    if x.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")
    return Tensor._make(np.asarray(fn(x, axis=d, keepdims=keepdim), np.int64))


def _minmax_dim(t, dim, keepdim, argfn, op):
    from .ops.reduce import norm_dim
    from .. import return_types

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


def _norm_index(idx, t):
    """A NumPy index for ``t[idx]`` and whether it is basic (a view)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    basic = True
    for i in idx:
        if isinstance(i, Tensor):
            a = i._data
            if a.dtype.kind == "b":
                out.append(a)
            elif a.dtype.kind in "iu":
                out.append(a if a.ndim else int(a))
            else:
                raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got {a.dtype})")
            basic = basic and a.ndim == 0 and a.dtype.kind != "b"
        elif isinstance(i, (list, np.ndarray)):
            a = np.asarray(i)
            if a.size and a.dtype.kind not in "iub":
                raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got {a.dtype})")
            out.append(a if a.size else a.astype(np.int64))
            basic = False
        elif i is None or i is Ellipsis or isinstance(i, slice):
            if isinstance(i, slice) and i.step is not None and i.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(i)
        elif isinstance(i, (bool, np.bool_)):
            out.append(bool(i))
            basic = False
        elif isinstance(i, (int, np.integer)):
            out.append(int(i))
        else:
            raise TypeError(
                f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {type(i).__name__})"
            )
    if basic and not any(i is Ellipsis for i in out):
        # x[0, ...] is a 0-d view where x[0] would be a NumPy scalar (a copy): keep views views
        out.append(Ellipsis)
    return tuple(out), basic


def pow(a, exponent):
    """a ** exponent (either may be a Tensor)."""
    if isinstance(exponent, Tensor) or not isinstance(a, Tensor):
        if isinstance(exponent, Tensor) and exponent.ndim == 0 and not exponent._rg and isinstance(a, Tensor):
            return Pow.apply(a, exponent.item())
        return PowT.apply(a, exponent)
    if isinstance(exponent, (np.generic,)):
        exponent = exponent.item()
    if not isinstance(exponent, numbers.Number):
        return PowT.apply(a, exponent)
    return Pow.apply(a, exponent)


def where(condition, input=None, other=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other``."""
    if input is None and other is None:
        return _arr(condition).nonzero()
    return Where.apply(condition, input, other)


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
    if t.grad_fn is not None:
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        extra.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extra) + ")"


from .random import default_generator  # noqa: E402
from .device import device as _device, CPU as _CPU, check_device as _check_device  # noqa: E402
from . import views as _views  # noqa: E402
from .ops.arith import Add, Sub, Mul, Div, Neg, Pow, PowT, Maximum, Minimum, Where, Clamp  # noqa: E402
from .ops.unary import (  # noqa: E402
    Exp, Log, Log1p, Sqrt, StdSqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu, Abs, ZeroGrad, Cast, Clone,
)
from .ops.reduce import Sum, Mean, Amax, Amin, Prod, Norm2, Softmax, LogSoftmax  # noqa: E402
from .ops.shape import Reshape, Permute, Expand, Index, IndexView, IndexAdd, Gather  # noqa: E402
from .ops.linalg import MatMul  # noqa: E402


"""More elementwise math: hyperbolic and inverse trigonometric functions, atan2, hypot,
logaddexp, logit, frac, fmod, remainder, nan_to_num (and their in-place forms).

Each primitive is a ``Function`` whose forward is NumPy's exact routine and whose backward is
written with tensor ops, so every op here differentiates twice (and more)."""
from __future__ import annotations

import numpy as np

from ..aliases import with_out
from ..dtypes import get_default_dtype, result_type
from ..function import Function
from ..grad_mode import is_grad_enabled
from .input_checks import tensor_input
from .unary import ZeroGrad

__all__ = [  # the function forms, exported as tc.<name>
    "expm1",
    "ceil",
    "floor",
    "round",
    "trunc",
    "fmod",
    "frac",
    "frac_",
    "hypot",
    "logaddexp",
    "logaddexp2",
    "logit",
    "nan_to_num",
    "nan_to_num_",
    "remainder",
    "square_",
]


def _arr(t):
    """The ndarray behind tensor ``t`` (``tc.autograd._array``; tensor.py imports this file)."""
    return t._data


class _Inert:
    """The ctx a forward runs with when nothing is recorded (it keeps what forward stores)."""

    needs_input_grad = ()

    def save_for_backward(self, *tensors):
        pass


def _run(fn, *args):
    """``fn.apply(*args)`` when a gradient may be needed; otherwise (no input requires grad, or
    grad mode is off) fn's forward alone, with no tape node and no ctx: a constant never
    touches the tape and the no-grad path stays cheap."""
    if is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args):
        return fn.apply(*args)
    return Tensor._make(np.asarray(fn.forward(_Inert(), *args)))


def _float(x: np.ndarray) -> np.ndarray:
    """Integers and bools compute in the default float dtype, as in PyTorch."""
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)


def _not_bool(t, op):
    """``t``, or PyTorch's NotImplementedError when it is a bool tensor (rounding has no bool kernel)."""
    if t._data.dtype.kind == "b":
        raise NotImplementedError(f"{op}(): not implemented for bool tensors (shape {tuple(t.shape)}); "
                                  "convert with .long() or .float()")
    return t


def _reduce_grad(g, x):
    """A broadcast gradient summed back to input ``x``'s shape and dtype."""
    if tuple(g.shape) != tuple(x.shape):
        g = g.sum_to_size(x.shape)
    return g if g.dtype == x.dtype else g.to(x.dtype)


def _operands(a, b, op: str, need_tensors: bool = True, need_float: bool = False):
    """Both operands as arrays promoted to PyTorch's result dtype; checks argument kinds."""
    for name, v in (("input", a), ("other", b)):
        if not isinstance(v, Tensor) and (need_tensors or not isinstance(v, (int, float, bool))):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(v).__name__}")
    x = _arr(a) if isinstance(a, Tensor) else a
    y = _arr(b) if isinstance(b, Tensor) else b
    if not isinstance(x, np.ndarray) and not isinstance(y, np.ndarray):
        raise TypeError(f"{op}(): at least one of input and other must be a Tensor")
    dt = result_type(x, y)
    if need_float and dt.kind != "f":
        raise NotImplementedError(f'"{op}_cpu" not implemented for \'{"Bool" if dt.kind == "b" else "Long"}\'')
    try:
        np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise RuntimeError(f"{op}(): the shapes of input {tuple(np.shape(x))} and other {tuple(np.shape(y))} "
                           "are not broadcastable") from None
    return np.asarray(x, dt), np.asarray(y, dt)


# ---------------------------------------------------------------------------- one input
class _Unary(Function):
    """y = f(x) by NumPy; dy/dx = df(x) by tensor ops (subclasses give ``f`` and ``df``)."""

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return cls.f(_float(_arr(a)))

    @classmethod
    def backward(cls, ctx, g):
        (x,) = ctx.saved_tensors
        return g * cls.df(x)


class Expm1(_Unary):
    """e^x - 1, accurate for small x (exp(x) - 1 loses the digits);  d/dx = e^x."""

    f = staticmethod(np.expm1)

    @staticmethod
    def df(x):
        return x.exp()


# ---------------------------------------------------------------------------- two inputs
class _Binary(Function):
    """out = f(a, b) by NumPy on promoted operands; the gradients come from ``grads`` (tensor
    ops on a, b, out), summed back to each input's shape. ``b`` may be a Python number."""

    need_float = False  # integer operands raise NotImplementedError (PyTorch has no kernel)
    need_tensors = True  # False: ``other`` may be a Python number
    float_result = False  # True: integer operands give the default float dtype

    @classmethod
    def forward(cls, ctx, a, b):
        x, y = _operands(a, b, cls.op, cls.need_tensors, cls.need_float)
        if cls.float_result and x.dtype.kind != "f":
            x, y = _float(x), _float(y)
        if cls.int_zero_check and x.dtype.kind in "iub":
            if x.dtype.kind == "b":  # bool % bool: PyTorch has no kernel (bool % int promotes to int64)
                raise NotImplementedError(f"{cls.op}(): not implemented for bool operands (shapes "
                                          f"{tuple(x.shape)} and {tuple(y.shape)}); convert with .long()")
            if np.any(y == 0) and np.broadcast(x, y).size:  # an empty result divides nothing
                raise RuntimeError(f"ZeroDivisionError: integer {cls.op}() by zero")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.asarray(cls.f(x, y))
        if out.dtype.kind == "f":
            ctx.save_for_backward(a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None, out)
            ctx.b_number = None if isinstance(b, Tensor) else b
        return out

    int_zero_check = False

    @classmethod
    def backward(cls, ctx, g):
        a, b, out = ctx.saved_tensors
        bv = b if b is not None else ctx.b_number
        ga, gb = cls.grads(a, bv, out, g)
        return (_reduce_grad(ga, a) if ctx.needs_input_grad[0] else None,
                _reduce_grad(gb, b) if ctx.needs_input_grad[1] else None)


class Hypot(_Binary):
    """sqrt(a^2 + b^2) without overflow;  d/da = a/out, d/db = b/out."""

    op, f, need_float = "hypot", staticmethod(np.hypot), True

    @staticmethod
    def grads(a, b, out, g):
        return g * a / out, g * b / out


class LogAddExp(_Binary):
    """log(e^a + e^b);  d/da = e^(a-out), d/db = e^(b-out)."""

    op, f, need_float = "logaddexp", staticmethod(np.logaddexp), True

    @staticmethod
    def grads(a, b, out, g):
        return g * (a - out).exp(), g * (b - out).exp()


class LogAddExp2(_Binary):
    """log2(2^a + 2^b);  d/da = 2^(a-out), d/db = 2^(b-out)."""

    op, f, need_float = "logaddexp2", staticmethod(np.logaddexp2), True

    @staticmethod
    def grads(a, b, out, g):
        return g * (a - out).exp2(), g * (b - out).exp2()


class Fmod(_Binary):
    """a - b trunc(a/b) (the sign of a, C's fmod);  d/da = 1, d/db = -trunc(a/b)."""

    op, f, need_tensors, int_zero_check = "fmod", staticmethod(np.fmod), False, True

    @staticmethod
    def grads(a, b, out, g):
        return g, -g * (a / b).detach().trunc()


class Remainder(_Binary):
    """a - b floor(a/b) (the sign of b, Python's %);  d/da = 1, d/db = -floor(a/b)."""

    op, f, need_tensors, int_zero_check = "remainder", staticmethod(np.mod), False, True

    @staticmethod
    def grads(a, b, out, g):
        return g, -g * (a / b).detach().floor()


class ElementwiseOps:
    """Hyperbolic and inverse trigonometric functions and friends. ``Tensor`` inherits these."""

    __slots__ = ()

    def expm1(self):
        """e^self - 1, elementwise, accurate for small self (NumPy's expm1, not exp(x) - 1)."""
        return _run(Expm1, self)

    def floor(self):
        """Largest integer <= self, elementwise (gradient 0)."""
        return ZeroGrad.apply(_not_bool(self, "floor"), np.floor)

    def ceil(self):
        """Smallest integer >= self, elementwise (gradient 0)."""
        return ZeroGrad.apply(_not_bool(self, "ceil"), np.ceil)

    def round(self, decimals=0):
        """Round to the nearest integer (halves to even), or to ``decimals`` decimal places."""
        _not_bool(self, "round")
        if decimals and not self.is_floating_point():
            raise NotImplementedError(f'"round_cpu" not implemented for {self.dtype} (round with decimals needs floats)')
        return ZeroGrad.apply(self, (lambda a: np.round(a, decimals)) if decimals else np.round)

    def trunc(self):
        """Round toward zero, elementwise (gradient 0)."""
        return ZeroGrad.apply(_not_bool(self, "trunc"), np.trunc)


    def hypot(self, other: Tensor) -> Tensor:
        """sqrt(self^2 + other^2) (float tensors). ``tc.tensor([3.]).hypot(tc.tensor([4.]))`` -> tensor([5.])."""
        return _run(Hypot, self, other)

    def logaddexp(self, other: Tensor) -> Tensor:
        """log(e^self + e^other) without overflow. ``tc.tensor([0.]).logaddexp(tc.tensor([0.]))`` -> [0.6931]."""
        return _run(LogAddExp, self, other)

    def logaddexp2(self, other: Tensor) -> Tensor:
        """log2(2^self + 2^other). ``tc.tensor([1.]).logaddexp2(tc.tensor([1.]))`` -> tensor([2.])."""
        return _run(LogAddExp2, self, other)

    def fmod(self, other) -> Tensor:
        """self - other * trunc(self/other): the remainder with the sign of self (C's fmod).
        ``tc.tensor([-3.]).fmod(2)`` -> tensor([-1.])."""
        return _run(Fmod, self, other)

    def remainder(self, other) -> Tensor:
        """self - other * floor(self/other): the remainder with the sign of other (Python's %).
        ``tc.tensor([-3.]).remainder(2)`` -> tensor([1.])."""
        return _run(Remainder, self, other)

    def logit(self, eps: float | None = None) -> Tensor:
        """log(z / (1 - z)) with z = clamp(self, eps, 1 - eps) when eps is given (gradient 0
        outside [eps, 1 - eps]). ``tc.tensor([0.5]).logit()`` -> tensor([0.])."""
        x = self if self.is_floating_point() else self.to(get_default_dtype())  # bools and ints: as floats
        z = x if eps is None else x.clamp(eps, 1.0 - eps)
        return z.log() - (1.0 - z).log()

    def frac(self) -> Tensor:
        """The fractional part self - trunc(self), sign kept; gradient 1.
        ``tc.tensor([-1.25]).frac()`` -> tensor([-0.25])."""
        if not self.is_floating_point():
            raise NotImplementedError(f'"frac_cpu" not implemented for {self.dtype} (frac needs a float tensor)')
        return self - self.trunc()

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        """NaN -> ``nan``, +inf -> ``posinf``, -inf -> ``neginf`` (default: the dtype's largest /
        lowest finite value); the gradient passes where self is finite and is 0 elsewhere.
        ``tc.tensor([float('nan'), 1.]).nan_to_num()`` -> tensor([0., 1.])."""
        if not self.is_floating_point():
            return self.clone()
        x = _arr(self)
        fill = Tensor._make(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf))
        return self.where(self.isfinite(), fill) if self.requires_grad else fill


    def hypot_(self, other: Tensor) -> Tensor:
        """In-place ``hypot``."""
        return self._inplace("hypot_", Tensor.hypot, other)

    def fmod_(self, other) -> Tensor:
        """In-place ``fmod``."""
        return self._inplace("fmod_", Tensor.fmod, other)

    def remainder_(self, other) -> Tensor:
        """In-place ``remainder``."""
        return self._inplace("remainder_", Tensor.remainder, other)

    def logit_(self, eps: float | None = None) -> Tensor:
        """In-place ``logit``."""
        return self._inplace("logit_", Tensor.logit, eps)

    def frac_(self) -> Tensor:
        """In-place ``frac``."""
        return self._inplace("frac_", Tensor.frac)

    def nan_to_num_(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        """In-place ``nan_to_num``."""
        return self._inplace("nan_to_num_", Tensor.nan_to_num, nan, posinf, neginf)

    def square_(self) -> Tensor:
        """In-place ``square``."""
        return self._inplace("square_", Tensor.square)



# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def expm1(input):
    """e^input - 1, elementwise, accurate for small input.

    >>> tc.expm1(tc.tensor([0.0, 1e-8]))
    tensor([0.0000e+00, 1.0000e-08])
    """
    return input.expm1()


@with_out
def floor(input):
    """Largest integer <= input, elementwise (gradient 0).

    >>> tc.floor(tc.tensor([-1.5, 1.5]))
    tensor([-2., 1.])
    """
    return input.floor()


@with_out
def ceil(input):
    """Smallest integer >= input, elementwise (gradient 0).

    >>> tc.ceil(tc.tensor([-1.5, 1.5]))
    tensor([-1., 2.])
    """
    return input.ceil()


@with_out
def round(input, decimals=0):
    """Round to the nearest integer (halves to even), or to ``decimals`` decimal places.

    >>> tc.round(tc.tensor([0.5, 1.5, 2.7]))
    tensor([0., 2., 3.])
    """
    return input.round(decimals)


@with_out
def trunc(input):
    """Round toward zero, elementwise (gradient 0).

    >>> tc.trunc(tc.tensor([-1.7, 1.7]))
    tensor([-1., 1.])
    """
    return input.trunc()



@with_out
@tensor_input
def hypot(input: Tensor, other: Tensor) -> Tensor:
    """sqrt(input^2 + other^2) without overflow. ``tc.hypot(tc.tensor([3.]), tc.tensor([4.]))`` -> tensor([5.]).

    >>> tc.hypot(tc.tensor([3.]), tc.tensor([4.]))
    tensor([5.])
    """
    return input.hypot(other)


@with_out
@tensor_input
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """log(e^input + e^other). ``tc.logaddexp(tc.tensor([1000.]), tc.tensor([1000.]))`` -> tensor([1000.6931]).

    >>> tc.logaddexp(tc.tensor([1000.]), tc.tensor([1000.]))
    tensor([1000.6932])
    """
    return input.logaddexp(other)


@with_out
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """log2(2^input + 2^other). ``tc.logaddexp2(tc.tensor([1.]), tc.tensor([1.]))`` -> tensor([2.]).

    >>> tc.logaddexp2(tc.tensor([1.]), tc.tensor([1.]))
    tensor([2.])
    """
    return input.logaddexp2(other)


@with_out
def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given.
    ``tc.logit(tc.tensor([0.5]))`` -> tensor([0.]).

    >>> tc.logit(tc.tensor([0.5]))
    tensor([0.])
    """
    return input.logit(eps)


@with_out
def frac(input: Tensor) -> Tensor:
    """input - trunc(input) (float tensors). ``tc.frac(tc.tensor([2.75]))`` -> tensor([0.7500]).

    >>> tc.frac(tc.tensor([2.75]))
    tensor([0.7500])
    """
    return input.frac()


def frac_(input: Tensor) -> Tensor:
    """In-place ``frac``.

    >>> tc.frac_(tc.tensor([2.75]))
    tensor([0.7500])
    """
    return input.frac_()


def square_(input: Tensor) -> Tensor:
    """In-place ``square``.

    >>> tc.square_(tc.tensor([3.]))
    tensor([9.])
    """
    return input.square_()


@with_out
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """NaN -> nan, +-inf -> posinf/neginf (default: the dtype's extremes).
    ``tc.nan_to_num(tc.tensor([float('nan')]))`` -> tensor([0.]).

    >>> tc.nan_to_num(tc.tensor([float('nan')]))
    tensor([0.])
    """
    return input.nan_to_num(nan, posinf, neginf)


def nan_to_num_(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """In-place ``nan_to_num``.

    >>> tc.nan_to_num_(tc.tensor([float('nan'), 1.]))
    tensor([0., 1.])
    """
    return input.nan_to_num_(nan, posinf, neginf)


@with_out
def fmod(input: Tensor, other) -> Tensor:
    """input - other * trunc(input/other), elementwise (C's fmod: the sign of input).
    ``tc.fmod(tc.tensor([-3, 3]), 2)`` -> tensor([-1, 1]).

    >>> tc.fmod(tc.tensor([-3, 3]), 2)
    tensor([-1,  1])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"fmod(): argument 'input' must be Tensor, not {type(input).__name__}")
    return _run(Fmod, input, other)


@with_out
def remainder(input, other) -> Tensor:
    """input - other * floor(input/other), elementwise (Python's %: the sign of other); either
    may be a number. ``tc.remainder(tc.tensor([-3, 3]), 2)`` -> tensor([1, 1]).

    >>> tc.remainder(tc.tensor([-3, 3]), 2)
    tensor([1, 1])
    """
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):
            raise TypeError(f"remainder(): at least one of input and other must be a Tensor, got "
                            f"{type(input).__name__} and {type(other).__name__}")
        # a number on the left: PyTorch promotes it as a wrapped scalar, as b % a does
        return _run(Remainder, Tensor._make(np.asarray(input, result_type(_arr(other), input))), other)
    return _run(Remainder, input, other)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

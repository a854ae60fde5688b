"""Elementwise math functions, each with its local derivative beside it."""
import numpy as np

from .. import dtypes as _dt
from ..aliases import with_out
from ..dtypes import get_default_dtype
from ..function import Function
from . import bw
from .arith import Div, Mul, PowT

__all__ = [  # the function forms, exported as tc.<name>
    "abs",
    "absolute",
    "exp",
    "log",
    "log1p",
    "log2",
    "log10",
    "sqrt",
    "rsqrt",
    "square",
    "reciprocal",
    "tanh",
    "sigmoid",
    "relu",
    "sign",
    "sgn",
    "exp2",
    "abs_",
    "exp_",
    "sqrt_",
    "relu_",
    "sigmoid_",
    "tanh_",
]


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
        if x.dtype.kind == "b":
            raise RuntimeError(f"relu(): Boolean inputs not supported for relu (shape {tuple(x.shape)}); "
                               "convert with .float() or .long()")
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
        if x.dtype.kind == "b":
            raise NotImplementedError(f"abs(): not implemented for bool tensors (shape {tuple(x.shape)}); "
                                      "a bool is its own absolute value, or convert with .long()")
        if ctx._next:
            ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved_tensors
        return g * s


def _sign(x):
    """np.sign with PyTorch's sign(nan) = 0 and sign of a bool = itself."""
    if x.dtype.kind == "b":
        return x.copy()
    out = np.sign(x)
    return np.where(np.isnan(out), 0, out).astype(out.dtype, copy=False) if x.dtype.kind == "f" else out


class ZeroGrad(Function):
    """Piecewise-constant functions (sign, floor, ceil, round, trunc): the gradient is 0."""

    _raw = True

    @staticmethod
    def forward(ctx, a, fn):
        return fn(a._data)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None


class UnaryOps:
    """Elementwise functions of one tensor. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def __abs__(self):
        return Abs.apply(self)

    def abs(self):
        """Absolute value, elementwise: out = |self|."""
        return Abs.apply(self)

    def exp(self):
        """Exponential, elementwise: out = e^self."""
        return Exp.apply(self)

    def log(self):
        """Natural logarithm, elementwise: out = ln(self)."""
        return Log.apply(self)

    def log1p(self):
        """ln(1 + self), elementwise, accurate for small self."""
        return Log1p.apply(self)

    def log2(self):
        """Base-2 logarithm, elementwise."""
        return Log.apply(self) * (1.0 / np.log(2.0))

    def log10(self):
        """Base-10 logarithm, elementwise."""
        return Log.apply(self) * (1.0 / np.log(10.0))


    def sqrt(self):
        """Square root, elementwise: out = self^(1/2)."""
        return Sqrt.apply(self)

    def rsqrt(self):
        """Reciprocal square root, elementwise: out = 1 / sqrt(self)."""
        return Rsqrt.apply(self)

    def square(self):
        """Square, elementwise: out = self^2 (bools give int64, as PyTorch)."""
        if self.dtype is _dt.bool:
            x = self.to(_dt.int64)
            return Mul.apply(x, x)
        return Mul.apply(self, self)

    def reciprocal(self):
        """Reciprocal, elementwise: out = 1 / self."""
        return Div.apply(1.0, self)


    def tanh(self):
        """Hyperbolic tangent, elementwise: out = (e^x - e^-x) / (e^x + e^-x)."""
        return Tanh.apply(self)

    def sigmoid(self):
        """Logistic sigmoid, elementwise: out = 1 / (1 + e^-self)."""
        return Sigmoid.apply(self)

    def relu(self):
        """Rectified linear unit, elementwise: out = max(self, 0)."""
        return Relu.apply(self)

    def sign(self):
        """Sign, elementwise: -1, 0 or 1; sign(nan) = 0 and bools stay bools, as PyTorch (gradient 0)."""
        return ZeroGrad.apply(self, _sign)


    def exp2(self):
        """2^self, elementwise."""
        return PowT.apply(2.0, self)

    def abs_(self):
        """In-place ``abs``: overwrites self with abs(self) and returns self."""
        return self._inplace("abs_", Tensor.abs)

    def exp_(self):
        """In-place ``exp``: overwrites self with exp(self) and returns self."""
        return self._inplace("exp_", Tensor.exp)

    def sqrt_(self):
        """In-place ``sqrt``: overwrites self with sqrt(self) and returns self."""
        return self._inplace("sqrt_", Tensor.sqrt)

    def relu_(self):
        """In-place ``relu``: overwrites self with relu(self) and returns self."""
        return self._inplace("relu_", Tensor.relu)

    def sigmoid_(self):
        """In-place ``sigmoid``: overwrites self with sigmoid(self) and returns self."""
        return self._inplace("sigmoid_", Tensor.sigmoid)

    def tanh_(self):
        """In-place ``tanh``: overwrites self with tanh(self) and returns self."""
        return self._inplace("tanh_", Tensor.tanh)

    absolute = abs
    sgn = sign

# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def abs(input):
    """Absolute value, elementwise: out = |input|.

    >>> tc.abs(tc.tensor([-1.5, 0.0, 2.0]))
    tensor([1.5000, 0.0000, 2.0000])
    """
    return input.abs()


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
absolute = with_out(abs.__wrapped__, name="absolute")


@with_out
def exp(input):
    """Exponential, elementwise: out = e^input.

    >>> tc.exp(tc.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return input.exp()


@with_out
def log(input):
    """Natural logarithm, elementwise: out = ln(input).

    >>> tc.log(tc.tensor([1.0, 4.0]))
    tensor([0.0000, 1.3863])
    """
    return input.log()


@with_out
def log1p(input):
    """ln(1 + input), elementwise, accurate for small input.

    >>> tc.log1p(tc.tensor([0.0, 1.0]))
    tensor([0.0000, 0.6931])
    """
    return input.log1p()


@with_out
def log2(input):
    """Base-2 logarithm, elementwise.

    >>> tc.log2(tc.tensor([1.0, 8.0]))
    tensor([0., 3.])
    """
    return input.log2()


@with_out
def log10(input):
    """Base-10 logarithm, elementwise.

    >>> tc.log10(tc.tensor([1.0, 100.0]))
    tensor([0., 2.])
    """
    return input.log10()


@with_out
def sqrt(input):
    """Square root, elementwise: out = input^(1/2).

    >>> tc.sqrt(tc.tensor([4.0, 9.0]))
    tensor([2., 3.])
    """
    return input.sqrt()


@with_out
def rsqrt(input):
    """Reciprocal square root, elementwise: out = 1 / sqrt(input).

    >>> tc.rsqrt(tc.tensor([4.0, 0.25]))
    tensor([0.5000, 2.0000])
    """
    return input.rsqrt()


@with_out
def square(input):
    """Square, elementwise: out = input^2.

    >>> tc.square(tc.tensor([-2.0, 3.0]))
    tensor([4., 9.])
    """
    return input.square()


@with_out
def reciprocal(input):
    """Reciprocal, elementwise: out = 1 / input.

    >>> tc.reciprocal(tc.tensor([2.0, -4.0]))
    tensor([ 0.5000, -0.2500])
    """
    return input.reciprocal()


@with_out
def tanh(input):
    """Hyperbolic tangent, elementwise: out = (e^x - e^-x) / (e^x + e^-x).

    >>> tc.tanh(tc.tensor([0.0]))
    tensor([0.])
    """
    return input.tanh()


@with_out
def sigmoid(input):
    """Logistic sigmoid, elementwise: out = 1 / (1 + e^-input).

    >>> tc.sigmoid(tc.tensor([0.0]))
    tensor([0.5000])
    """
    return input.sigmoid()


def relu(input):
    """Rectified linear unit, elementwise: out = max(input, 0).

    >>> tc.relu(tc.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return input.relu()


@with_out
def sign(input):
    """Sign, elementwise: -1, 0 or 1 (gradient 0).

    >>> tc.sign(tc.tensor([-2.0, 0.0, 3.0]))
    tensor([-1., 0., 1.])
    """
    return input.sign()


sgn = with_out(sign.__wrapped__, name="sgn")


@with_out
def exp2(input):
    """2^input, elementwise.

    >>> tc.exp2(tc.tensor([0.0, 3.0]))
    tensor([1., 8.])
    """
    return input.exp2()


def abs_(input):
    """In-place ``abs``: replaces input by |input| and returns it.

    >>> tc.abs_(tc.tensor([-1.0, 2.0]))
    tensor([1., 2.])
    """
    return input.abs_()


def exp_(input):
    """In-place ``exp``: overwrites input with exp(input) and returns it.

    >>> tc.exp_(tc.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return input.exp_()


def sqrt_(input):
    """In-place ``sqrt``: overwrites input with sqrt(input) and returns it.

    >>> tc.sqrt_(tc.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    return input.sqrt_()


def relu_(input):
    """In-place ``relu``: overwrites input with relu(input) and returns it.

    >>> tc.relu_(tc.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    return input.relu_()


def sigmoid_(input):
    """In-place ``sigmoid``: overwrites input with sigmoid(input) and returns it.

    >>> tc.sigmoid_(tc.tensor([0.0, 1.0]))
    tensor([0.5000, 0.7311])
    """
    return input.sigmoid_()


def tanh_(input):
    """In-place ``tanh``: overwrites input with tanh(input) and returns it.

    >>> tc.tanh_(tc.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """
    return input.tanh_()


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""Elementwise math functions, each with its local derivative beside it."""
import numpy as np

from ..function import Function
from ..dtypes import get_default_dtype
from . import bw
from .arith import Div, Mul, PowT

__all__ = [  # the function forms, exported as tc.<name>
    "abs",
    "absolute",
    "exp",
    "expm1",
    "log",
    "log1p",
    "log2",
    "log10",
    "sqrt",
    "rsqrt",
    "square",
    "reciprocal",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "sign",
    "sgn",
    "floor",
    "ceil",
    "round",
    "trunc",
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


class UnaryOps:
    """Elementwise functions of one tensor. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def __abs__(self):
        return Abs.apply(self)

    def abs(self):
        return Abs.apply(self)

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
        from .elementwise import Expm1, _run  # NumPy's expm1: exp(x) - 1 loses the digits near 0

        return _run(Expm1, self)

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

    def floor(self):
        return ZeroGrad.apply(self, np.floor)

    def ceil(self):
        return ZeroGrad.apply(self, np.ceil)

    def round(self, decimals=0):
        if decimals and not self.is_floating_point():
            raise NotImplementedError(f'"round_cpu" not implemented for {self.dtype} (round with decimals needs floats)')
        return ZeroGrad.apply(self, (lambda a: np.round(a, decimals)) if decimals else np.round)

    def trunc(self):
        return ZeroGrad.apply(self, np.trunc)

    def exp2(self):
        return PowT.apply(2.0, self)

    def abs_(self):
        return self._inplace("abs_", Tensor.abs)

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

    absolute = abs
    sgn = sign

# ---- function forms: ``tc.<name>(input, ...)`` ----

def abs(input):
    return input.abs()


absolute = abs


def exp(input):
    return input.exp()


def expm1(input):
    return input.expm1()


def log(input):
    return input.log()


def log1p(input):
    return input.log1p()


def log2(input):
    return input.log2()


def log10(input):
    return input.log10()


def sqrt(input):
    return input.sqrt()


def rsqrt(input):
    return input.rsqrt()


def square(input):
    return input.square()


def reciprocal(input):
    return input.reciprocal()


def sin(input):
    return input.sin()


def cos(input):
    return input.cos()


def tan(input):
    return input.tan()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def relu(input):
    return input.relu()


def sign(input):
    return input.sign()


sgn = sign


def floor(input):
    return input.floor()


def ceil(input):
    return input.ceil()


def round(input, decimals=0):
    return input.round(decimals)


def trunc(input):
    return input.trunc()


def exp2(input):
    return input.exp2()


def abs_(input):
    return input.abs_()


def exp_(input):
    return input.exp_()


def sqrt_(input):
    return input.sqrt_()


def relu_(input):
    return input.relu_()


def sigmoid_(input):
    return input.sigmoid_()


def tanh_(input):
    return input.tanh_()


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""Trigonometric and hyperbolic functions and their inverses: ``sin cos tan sinh cosh asin acos
atan asinh acosh atanh atan2`` (and the ``arc*`` aliases)."""
from __future__ import annotations

import numpy as np

from .elementwise import _Binary, _run, _Unary  # the family's shared machinery
from .unary import _f
from .input_checks import tensor_input
from ..aliases import with_out
from ..function import Function
from . import bw

__all__ = [  # the function forms, exported as tc.<name>
    "sin",
    "cos",
    "tan",
    "arccos",
    "arccos_",
    "arccosh",
    "arcsin",
    "arcsin_",
    "arcsinh",
    "arctan",
    "arctan_",
    "arctanh",
    "acos",
    "acos_",
    "acosh",
    "arctan2",
    "asin",
    "asin_",
    "asinh",
    "atan",
    "atan2",
    "atan_",
    "atanh",
    "cosh",
    "cosh_",
    "sinh",
    "sinh_",
]


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


class Sinh(_Unary):
    """sinh x;  d/dx = cosh x."""

    f = staticmethod(np.sinh)

    @staticmethod
    def df(x):
        return _run(Cosh, x)


class Cosh(_Unary):
    """cosh x;  d/dx = sinh x."""

    f = staticmethod(np.cosh)

    @staticmethod
    def df(x):
        return _run(Sinh, x)


class Asin(_Unary):
    """asin x;  d/dx = 1/sqrt(1 - x^2)."""

    f = staticmethod(np.arcsin)

    @staticmethod
    def df(x):
        return (1.0 - x * x).rsqrt()


class Acos(_Unary):
    """acos x;  d/dx = -1/sqrt(1 - x^2)."""

    f = staticmethod(np.arccos)

    @staticmethod
    def df(x):
        return -(1.0 - x * x).rsqrt()


class Atan(_Unary):
    """atan x;  d/dx = 1/(1 + x^2)."""

    f = staticmethod(np.arctan)

    @staticmethod
    def df(x):
        return (x * x + 1.0).reciprocal()


class Asinh(_Unary):
    """asinh x;  d/dx = 1/sqrt(x^2 + 1)."""

    f = staticmethod(np.arcsinh)

    @staticmethod
    def df(x):
        return (x * x + 1.0).rsqrt()


class Acosh(_Unary):
    """acosh x;  d/dx = 1/sqrt(x^2 - 1)."""

    f = staticmethod(np.arccosh)

    @staticmethod
    def df(x):
        return (x * x - 1.0).rsqrt()


class Atanh(_Unary):
    """atanh x;  d/dx = 1/(1 - x^2)."""

    f = staticmethod(np.arctanh)

    @staticmethod
    def df(x):
        return (1.0 - x * x).reciprocal()


class Atan2(_Binary):
    """atan2(a, b), the angle of the point (b, a);  d/da = b/(a^2+b^2), d/db = -a/(a^2+b^2)."""

    op, f, float_result = "atan2", staticmethod(np.arctan2), True

    @staticmethod
    def grads(a, b, out, g):
        r2 = a * a + b * b
        return g * b / r2, -g * a / r2


class TrigOps:
    """Trigonometric and hyperbolic functions and their inverses: sinh cosh asin acos atan asinh acosh atanh atan2 (arc* aliases). ``Tensor`` inherits these methods."""

    __slots__ = ()

    def sin(self):
        """Sine, elementwise (radians)."""
        return Sin.apply(self)

    def cos(self):
        """Cosine, elementwise (radians)."""
        return Cos.apply(self)

    def tan(self):
        """Tangent, elementwise (radians)."""
        return Sin.apply(self) / Cos.apply(self)

    def sinh(self) -> Tensor:
        """sinh x = (e^x - e^-x)/2, elementwise. ``tc.tensor([0.]).sinh()`` -> tensor([0.])."""
        return _run(Sinh, self)

    def cosh(self) -> Tensor:
        """cosh x = (e^x + e^-x)/2, elementwise. ``tc.tensor([0.]).cosh()`` -> tensor([1.])."""
        return _run(Cosh, self)

    def asin(self) -> Tensor:
        """Inverse sine (nan outside [-1, 1]). ``tc.tensor([1.]).asin()`` -> tensor([1.5708])."""
        return _run(Asin, self)

    def acos(self) -> Tensor:
        """Inverse cosine (nan outside [-1, 1]). ``tc.tensor([1.]).acos()`` -> tensor([0.])."""
        return _run(Acos, self)

    def atan(self) -> Tensor:
        """Inverse tangent. ``tc.tensor([1.]).atan()`` -> tensor([0.7854])."""
        return _run(Atan, self)

    def asinh(self) -> Tensor:
        """Inverse hyperbolic sine log(x + sqrt(x^2 + 1)). ``tc.tensor([0.]).asinh()`` -> tensor([0.])."""
        return _run(Asinh, self)

    def acosh(self) -> Tensor:
        """Inverse hyperbolic cosine (nan below 1). ``tc.tensor([1.]).acosh()`` -> tensor([0.])."""
        return _run(Acosh, self)

    def atanh(self) -> Tensor:
        """Inverse hyperbolic tangent (nan outside [-1, 1]). ``tc.tensor([0.]).atanh()`` -> tensor([0.])."""
        return _run(Atanh, self)

    def atan2(self, other: Tensor) -> Tensor:
        """The angle of the point (other, self) in (-pi, pi]. ``tc.tensor([1.]).atan2(tc.tensor([0.]))`` -> [1.5708]."""
        return _run(Atan2, self, other)

    def sinh_(self) -> Tensor:
        """In-place ``sinh``."""
        return self._inplace("sinh_", Tensor.sinh)

    def cosh_(self) -> Tensor:
        """In-place ``cosh``."""
        return self._inplace("cosh_", Tensor.cosh)

    def asin_(self) -> Tensor:
        """In-place ``asin``."""
        return self._inplace("asin_", Tensor.asin)

    def acos_(self) -> Tensor:
        """In-place ``acos``."""
        return self._inplace("acos_", Tensor.acos)

    def atan_(self) -> Tensor:
        """In-place ``atan``."""
        return self._inplace("atan_", Tensor.atan)

    def atan2_(self, other: Tensor) -> Tensor:
        """In-place ``atan2``."""
        return self._inplace("atan2_", Tensor.atan2, other)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
    arcsin_, arccos_, arctan_, arctan2, arctan2_ = asin_, acos_, atan_, atan2, atan2_



# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def sin(input):
    """Sine, elementwise (radians).

    >>> tc.sin(tc.tensor([0.0]))
    tensor([0.])
    """
    return input.sin()


@with_out
def cos(input):
    """Cosine, elementwise (radians).

    >>> tc.cos(tc.tensor([0.0]))
    tensor([1.])
    """
    return input.cos()


@with_out
def tan(input):
    """Tangent, elementwise (radians).

    >>> tc.tan(tc.tensor([0.0]))
    tensor([0.])
    """
    return input.tan()


@with_out
def sinh(input: Tensor) -> Tensor:
    """sinh, elementwise. ``tc.sinh(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.sinh(tc.tensor([0.]))
    tensor([0.])
    """
    return input.sinh()


@with_out
def cosh(input: Tensor) -> Tensor:
    """cosh, elementwise. ``tc.cosh(tc.tensor([0.]))`` -> tensor([1.]).

    >>> tc.cosh(tc.tensor([0.]))
    tensor([1.])
    """
    return input.cosh()


@with_out
def asin(input: Tensor) -> Tensor:
    """Inverse sine, elementwise. ``tc.asin(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.asin(tc.tensor([0.]))
    tensor([0.])
    """
    return input.asin()


@with_out
def acos(input: Tensor) -> Tensor:
    """Inverse cosine, elementwise. ``tc.acos(tc.tensor([1.]))`` -> tensor([0.]).

    >>> tc.acos(tc.tensor([1.]))
    tensor([0.])
    """
    return input.acos()


@with_out
def atan(input: Tensor) -> Tensor:
    """Inverse tangent, elementwise. ``tc.atan(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.atan(tc.tensor([0.]))
    tensor([0.])
    """
    return input.atan()


@with_out
def asinh(input: Tensor) -> Tensor:
    """Inverse hyperbolic sine, elementwise. ``tc.asinh(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.asinh(tc.tensor([0.]))
    tensor([0.])
    """
    return input.asinh()


@with_out
def acosh(input: Tensor) -> Tensor:
    """Inverse hyperbolic cosine, elementwise. ``tc.acosh(tc.tensor([1.]))`` -> tensor([0.]).

    >>> tc.acosh(tc.tensor([1.]))
    tensor([0.])
    """
    return input.acosh()


@with_out
def atanh(input: Tensor) -> Tensor:
    """Inverse hyperbolic tangent, elementwise. ``tc.atanh(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.atanh(tc.tensor([0.]))
    tensor([0.])
    """
    return input.atanh()


def sinh_(input: Tensor) -> Tensor:
    """In-place ``sinh``.

    >>> tc.sinh_(tc.tensor([0.]))
    tensor([0.])
    """
    return input.sinh_()


def cosh_(input: Tensor) -> Tensor:
    """In-place ``cosh``.

    >>> tc.cosh_(tc.tensor([0.]))
    tensor([1.])
    """
    return input.cosh_()


def asin_(input: Tensor) -> Tensor:
    """In-place ``asin``.

    >>> tc.arcsin_(tc.tensor([0.]))
    tensor([0.])
    """
    return input.asin_()


def acos_(input: Tensor) -> Tensor:
    """In-place ``acos``.

    >>> tc.acos_(tc.tensor([1.]))
    tensor([0.])
    """
    return input.acos_()


def atan_(input: Tensor) -> Tensor:
    """In-place ``atan``.

    >>> tc.arctan_(tc.tensor([0.]))
    tensor([0.])
    """
    return input.atan_()


@with_out
@tensor_input
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (other, input) in (-pi, pi], elementwise (both tensors).
    ``tc.atan2(tc.tensor([1.]), tc.tensor([-1.]))`` -> tensor([2.3562]).

    >>> tc.atan2(tc.tensor([1.]), tc.tensor([-1.]))
    tensor([2.3562])
    """
    return input.atan2(other)


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
arctan2 = with_out(atan2.__wrapped__, name="arctan2")
arcsin = with_out(asin.__wrapped__, name="arcsin")
arccos = with_out(acos.__wrapped__, name="arccos")
arctan = with_out(atan.__wrapped__, name="arctan")
arcsinh = with_out(asinh.__wrapped__, name="arcsinh")
arccosh = with_out(acosh.__wrapped__, name="arccosh")
arctanh = with_out(atanh.__wrapped__, name="arctanh")
arcsin_, arccos_, arctan_ = asin_, acos_, atan_


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

"""Elementwise binary ops with NumPy broadcasting and PyTorch's type promotion."""
import numbers

import numpy as np

from ..aliases import with_out
from ..function import Function
from ..dtypes import get_default_dtype
from . import bw
from .operands import _arr, _binary, _kind, _plain, _shape_error, _t, meta, metas, prep

__all__ = [  # the function forms, exported as tc.<name>
    "pow",
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "neg",
    "negative",
    "neg_",
]



class Add(Function):
    """a + b;  d/da = 1, d/db = 1."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        p = _plain(a, b)
        if p is not None:  # nothing to promote, broadcast or reduce (ctx._aux stays None)
            return p[0] + p[1]
        x, y = prep(a, b, "add")
        try:
            out = x + y
        except ValueError:
            raise _shape_error("add", x, y) from None
        n = ctx._next
        if n:
            ctx._aux = metas(a, b, out, n)
        return out

    @staticmethod
    def backward(ctx, g):
        m = ctx._aux
        if m is None:
            return g, g
        return bw.unb(g, m[0]), bw.unb(g, m[1])


def _is_bool(v):
    return v.__class__ is bool or v.__class__ is np.bool_ or getattr(getattr(v, "_data", v), "dtype", None) == np.bool_


def _no_bool_sub(a, b):
    """PyTorch's RuntimeError for a subtraction with a bool operand (tensor or Python bool)."""
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError(f"sub(): Subtraction, the `-` operator, with two bool tensors is not supported "
                           f"(shapes {tuple(np.shape(_arr(a)))} and {tuple(np.shape(_arr(b)))}). "
                           "Use the `^` or logical_xor() operator instead.")
    if ba or bb:
        v = a if ba else b
        raise RuntimeError(f"sub(): Subtraction, the `-` operator, with a bool {'tensor' if isinstance(v, Tensor) else 'value'} "
                           f"(shape {tuple(np.shape(_arr(v)))}) is not supported. If you are trying to invert a mask, "
                           "use the `~` or logical_not() operator instead.")


class Sub(Function):
    """a - b;  d/da = 1, d/db = -1."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        p = _plain(a, b)
        if p is not None:
            try:  # free unless it raises: NumPy's TypeError for bool - bool
                return p[0] - p[1]
            except TypeError:
                _no_bool_sub(a, b)
                raise
        x, y = prep(a, b, "sub")  # a str, None or sequence operand is its TypeError first
        _no_bool_sub(a, b)
        try:
            out = x - y
        except ValueError:
            raise _shape_error("sub", x, y) from None
        n = ctx._next
        if n:
            ctx._aux = metas(a, b, out, n)
        return out

    @staticmethod
    def backward(ctx, g):
        m = ctx._aux or (None, None)
        n = ctx._next
        return bw.unb(g, m[0]), (bw.unb(-g, m[1]) if n[1] else None)


class Mul(Function):
    """a * b;  d/da = b, d/db = a."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        p = _plain(a, b)
        if p is not None:
            x, y = p
            n = ctx._next
            if n:
                if a.__class__ is b.__class__:  # two tensors: their versions are watched
                    ctx.save_for_backward(b if n[0] is not None else None, a if n[1] is not None else None)
                else:  # a tensor and a number: save the number's array, no version to watch
                    ctx._saved = (y if n[0] is not None else None, x if n[1] is not None else None)
                    ctx._versions = None
            return x * y
        x, y = prep(a, b, "mul")
        try:
            out = x * y
        except ValueError:
            raise _shape_error("mul", x, y) from None
        n = ctx._next
        if n:
            # saved by hand (this is the hottest op): what each gradient needs, and its version
            sb = b if n[0] is not None else None
            sa = a if n[1] is not None else None
            ctx._saved = (sb, sa)
            vb = sb._vc[0] if isinstance(sb, Tensor) else None
            va = sa._vc[0] if isinstance(sa, Tensor) else None
            # no tensor saved (times a number): saved_tensors can skip the version checks
            ctx._versions = None if vb is None and va is None else (vb, va)
            ctx._aux = metas(a, b, out, n)
        return out

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        m = ctx._aux
        if m is None:
            return (None if b is None else g * b), (None if a is None else g * a)
        return (None if b is None else bw.unb(g * b, m[0])), (None if a is None else bw.unb(g * a, m[1]))


class Div(Function):
    """a / b (true division);  d/da = 1/b, d/db = -a/b^2."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        x, y = prep(a, b, "div")
        if _kind(x) != "f" and _kind(y) != "f":
            # integer / integer is a float of the default dtype in PyTorch
            d = get_default_dtype().np
            x, y = np.asarray(x).astype(d), np.asarray(y).astype(d)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _binary(np.true_divide, "div", x, y)
        n = ctx._next
        if n:
            ctx.save_for_backward(a if n[1] else None, b)
            ctx._aux = (meta(a, out), meta(b, out))
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ma, mb = ctx._aux
        n = ctx._next
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = bw.unb(g / b, ma) if n[0] else None
            gb = bw.unb(-g * a / (b * b), mb) if n[1] else None
        return ga, gb


class Neg(Function):
    """-a;  d/da = -1."""

    _raw = True

    @staticmethod
    def forward(ctx, a):
        if a._data.dtype.kind == "b":
            raise RuntimeError("neg(): negation, the `-` operator, on a bool tensor is not supported. Use `~` or logical_not().")
        return np.negative(a._data)

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """a ** p for a scalar exponent;  d/da = p a^(p-1)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, p):
        x = a._data
        if x.dtype.kind != "f" and (isinstance(p, float) or p < 0):
            if isinstance(p, int) and p < 0:
                raise RuntimeError("pow(): Integers to negative integer powers are not allowed.")
            x = x.astype(get_default_dtype().np)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.power(x, p)
        if ctx._next:
            ctx.save_for_backward(a)
            ctx._aux = p
        return out

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        p = ctx._aux
        if p == 0:
            return g * 0.0, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * (p * a ** (p - 1)), None


def _int_pow(x, y):
    """Integer power with negative exponents as PyTorch's C kernel: 1 ** -n = 1, (-1) ** -n = +-1,
    anything else ** -n = 0 (NumPy refuses them)."""
    neg = y < 0
    out = np.power(x, np.where(neg, 0, y))
    inv = np.where(x == 1, 1, np.where(x == -1, np.where(y % 2 == 0, 1, -1), 0))
    return np.where(neg, inv, out).astype(out.dtype, copy=False)


class PowT(Function):
    """a ** b with a tensor exponent;  d/da = b a^(b-1), d/db = a^b log a (0 where a = 0)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        x, y = prep(a, b, "pow")
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _binary(_int_pow if np.asarray(y).dtype.kind in "iu" and np.any(np.asarray(y) < 0) else np.power,
                          "pow", x, y)
        n = ctx._next
        if n:
            ctx.save_for_backward(a, b, out)
            ctx._aux = (meta(a, out), meta(b, out))
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ma, mb = ctx._aux
        n = ctx._next
        if not hasattr(a, "shape"):
            # a Python number base (2.0 ** x): an array, so that log a below works
            a = np.asarray(a, (out._data if hasattr(out, "_data") else out).dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            ga = bw.unb(g * b * a ** (b - 1), ma) if n[0] else None
            if n[1]:
                ad = a._data if hasattr(a, "_data") else np.asarray(a)
                zero = ad == 0
                safe = bw.where(zero, 1.0, a) if zero.any() else a
                gb = bw.unb(bw.where(zero, 0.0, g * out * bw.log(safe)) if zero.any() else g * out * bw.log(safe), mb)
            else:
                gb = None
        return ga, gb


@with_out
def pow(a, exponent):
    """a ** exponent (either may be a Tensor).

    >>> tc.pow(tc.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
    """
    if isinstance(exponent, Tensor) and isinstance(a, Tensor):
        if a._data.dtype.kind == "b" and exponent._data.dtype.kind == "b":
            raise NotImplementedError(f"pow(): not implemented for a bool tensor to a bool tensor power (shapes "
                                      f"{tuple(a.shape)} and {tuple(exponent.shape)}); convert one with .long()")
        if exponent.ndim == 0 and not exponent._rg:
            p = exponent.item()
            # an integer tensor to a negative 0-d integer tensor power is PowT's (1, -1 or 0, as
            # PyTorch's kernel); only a Python number exponent refuses it
            if not (a._data.dtype.kind in "iub" and isinstance(p, int) and p < 0):
                return Pow.apply(a, p)
    if isinstance(exponent, Tensor) or not isinstance(a, Tensor):
        return PowT.apply(a, exponent)
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    return Pow.apply(a, exponent) if isinstance(exponent, numbers.Number) else PowT.apply(a, exponent)


class ArithOps:
    """Arithmetic: ``+ - * / ** // %`` and their methods. ``Tensor`` inherits these methods."""

    __slots__ = ()

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

    def __neg__(self):
        return Neg.apply(self)

    def __pos__(self):
        return self

    def add(self, other, alpha=1):
        """self + alpha * other, elementwise with broadcasting (see ``tc.add``)."""
        return Add.apply(self, other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        """self - alpha * other, elementwise with broadcasting (see ``tc.sub``)."""
        return Sub.apply(self, other if alpha == 1 else other * alpha)

    def mul(self, other):
        """self * other, elementwise with broadcasting."""
        return Mul.apply(self, other)

    def div(self, other, rounding_mode=None):
        """self / other, elementwise; ``rounding_mode`` None, 'trunc' or 'floor' (see ``tc.div``)."""
        if rounding_mode is None:
            return Div.apply(self, other)
        # integers stay integers; on the tape with a zero gradient (RoundingDivOps, rounding_div.py)
        return self._rounded_div(other, rounding_mode)

    def neg(self):
        """-self, elementwise."""
        return Neg.apply(self)

    def pow(self, exponent):
        """self ** exponent, elementwise with broadcasting."""
        return pow(self, exponent)

    def add_(self, other, alpha=1):
        """In-place ``add``: self += alpha * other."""
        return self._inplace("add_", Tensor.add, other, alpha)

    def sub_(self, other, alpha=1):
        """In-place ``sub``: self -= alpha * other."""
        return self._inplace("sub_", Tensor.sub, other, alpha)

    def mul_(self, other):
        """In-place ``mul``: self *= other."""
        return self._inplace("mul_", Tensor.mul, other)

    def div_(self, other):
        """In-place ``div``: self /= other."""
        return self._inplace("div_", Tensor.div, other)

    def pow_(self, exponent):
        """In-place ``pow``: self = self ** exponent."""
        return self._inplace("pow_", Tensor.pow, exponent)

    def neg_(self):
        """In-place ``neg``: self = -self."""
        return self._inplace("neg_", Tensor.neg)

    subtract = sub
    multiply = mul
    divide = true_divide = div
    negative = neg
    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def add(input, other, alpha=1):
    """Elementwise sum with broadcasting: out = input + alpha * other.

    Args: input, other: tensors or numbers (broadcast); alpha: scale of ``other``.

    >>> tc.add(tc.tensor([1., 2.]), tc.tensor([10., 20.]), alpha=2)
    tensor([21., 42.])
    """
    return _t(input).add(other, alpha)


@with_out
def sub(input, other, alpha=1):
    """Elementwise difference with broadcasting: out = input - alpha * other.

    Args: input, other: tensors or numbers (broadcast); alpha: scale of ``other``.

    >>> tc.sub(tc.tensor([5., 5.]), tc.tensor([1., 2.]))
    tensor([4., 3.])
    """
    return _t(input).sub(other, alpha)


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
subtract = with_out(sub.__wrapped__, name="subtract")


@with_out
def mul(input, other):
    """Elementwise product with broadcasting: out = input * other.

    >>> tc.mul(tc.tensor([1., 2.]), 3)
    tensor([3., 6.])
    """
    return _t(input) * other


multiply = with_out(mul.__wrapped__, name="multiply")


@with_out
def div(input, other, rounding_mode=None):
    """Elementwise quotient with broadcasting: out = input / other.

    Args: input, other: tensors or numbers; rounding_mode: None (true division), ``'trunc'`` or ``'floor'``.

    >>> tc.div(tc.tensor([3., -3.]), 2)
    tensor([ 1.5000, -1.5000])
    >>> tc.div(tc.tensor([3., -3.]), 2, rounding_mode='floor')
    tensor([1., -2.])
    """
    return _t(input).div(other, rounding_mode)


divide = with_out(div.__wrapped__, name="divide")
true_divide = with_out(div.__wrapped__, name="true_divide")


@with_out
def neg(input):
    """Negation, elementwise: out = -input.

    >>> tc.neg(tc.tensor([1., -2.]))
    tensor([-1., 2.])
    """
    return -input


negative = with_out(neg.__wrapped__, name="negative")


def neg_(input):
    """In-place ``neg``: overwrites input with -input and returns it.

    >>> tc.neg_(tc.tensor([1., -2.]))
    tensor([-1., 2.])
    """
    return input.neg_()


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

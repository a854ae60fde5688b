"""Special functions: erf, erfc, erfinv, lgamma, digamma, polygamma, mvlgamma (NumPy only).

Each primitive is a ``Function`` whose backward is written with tensor ops and other
primitives of this file (lgamma' = digamma, digamma' = polygamma(1), polygamma(n)' =
polygamma(n + 1)), so all of them differentiate twice (and more)."""
from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import chebyshev as _cheb

from ..aliases import with_out
from ..dtypes import get_default_dtype
from ..function import Function
from .elementwise import _run

__all__ = [
    "digamma",
    "digamma_",
    "erf",
    "erf_",
    "erfc",
    "erfc_",
    "erfinv",
    "erfinv_",
    "lgamma",
    "lgamma_",
    "mvlgamma",
    "polygamma",
]

_SQRT_PI = math.sqrt(math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _arr(t):
    """The ndarray behind tensor ``t`` (``tc.autograd._array``; tensor.py imports this file)."""
    return t._data


def _float64(a) -> tuple[np.ndarray, np.dtype]:
    """The input as float64 for the series, and the dtype the result goes back to (integers
    give the default float, as in PyTorch)."""
    x = _arr(a)
    out_dt = x.dtype if x.dtype.kind == "f" else get_default_dtype().np
    return x.astype(np.float64), out_dt


# ------------------------------------------------------------------------- erf and erfc
def _fit_erfc(deg: int = 30, n: int = 240) -> np.ndarray:
    """Chebyshev coefficients of log(erfc(z) e^(z^2) / t) in t = 2/(2 + z), z >= 0.

    Fitted once at import against ``math.erfc`` (correctly rounded), so no coefficient table
    is copied from anywhere; relative error on erfc below 1e-14 for z in [0, 27]."""
    k = np.arange(n)
    t = 0.5 * (1 + np.cos(np.pi * (k + 0.5) / n))
    z = 2.0 / t - 2.0
    vals = np.empty(n)
    for i, (zi, ti) in enumerate(zip(z, t)):
        if zi < 26.0:
            e = math.erfc(zi) * math.exp(zi * zi)
        else:  # erfc underflows here; its asymptotic series is exact to double precision
            r = 1.0 / (2.0 * zi * zi)
            e = (1 - r + 3 * r**2 - 15 * r**3 + 105 * r**4 - 945 * r**5) / (zi * _SQRT_PI)
        vals[i] = math.log(e / ti)
    return _cheb.chebfit(2 * t - 1, vals, deg)


_ERFC_COEF = _fit_erfc()


def _erfc_pos(z: np.ndarray) -> np.ndarray:
    """erfc(z) for z >= 0 (relative accuracy ~1e-15, also deep in the tail)."""
    t = 2.0 / (2.0 + z)
    with np.errstate(under="ignore", over="ignore"):
        return t * np.exp(-z * z + _cheb.chebval(2 * t - 1, _ERFC_COEF))


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| < 0.5 by its Taylor series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))."""
    x2 = x * x
    term = x.copy()
    s = x.copy()
    for n in range(1, 20):
        term *= -x2 / n
        s += term / (2 * n + 1)
    return s * (2.0 / _SQRT_PI)


def erf_np(x: np.ndarray) -> np.ndarray:
    """erf on a float64 array (NaN stays NaN)."""
    out = np.empty_like(x)
    small = np.abs(x) < 0.5
    out[small] = _erf_small(x[small])
    big = ~small
    out[big] = np.sign(x[big]) * (1.0 - _erfc_pos(np.abs(x[big])))
    return out


def erfc_np(x: np.ndarray) -> np.ndarray:
    """erfc = 1 - erf on a float64 array, accurate where erfc is tiny."""
    out = np.empty_like(x)
    small = np.abs(x) < 0.5
    out[small] = 1.0 - _erf_small(x[small])
    pos = ~small & (x > 0)
    out[pos] = _erfc_pos(x[pos])
    neg = ~small & ~(x > 0)  # NaN lands here and stays NaN
    out[neg] = 2.0 - _erfc_pos(-x[neg])
    return out


def erfinv_np(y: np.ndarray) -> np.ndarray:
    """The inverse of erf on a float64 array: Winitzki's closed-form guess (relative error
    < 2e-3) refined by three Halley steps on erf(x) = y (cubic convergence: to rounding).
    Near |y| = 1 the residual is taken as (1 - |y|) - erfc(x) so no digits are lost."""
    a = np.abs(y)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ln = np.log1p(-a * a)
        k = 0.147
        t = 2.0 / (math.pi * k) + 0.5 * ln
        x = np.sqrt(np.sqrt(t * t - ln / k) - t)
        ok = a < 1
        x = np.where(ok, x, 0.0)
        one_minus = 1.0 - a
        for _ in range(3):
            resid = np.where(a < 0.5, erf_np(x) - a, one_minus - erfc_np(x))
            u = resid / ((2.0 / _SQRT_PI) * np.exp(-x * x))
            x = x - u / (1.0 + x * u)
        x = np.where(ok, x, np.where(a == 1, np.inf, np.nan))
    return np.copysign(x, y)


class Erf(Function):
    """erf(x) = 2/sqrt(pi) int_0^x e^(-t^2) dt;  d/dx = 2/sqrt(pi) e^(-x^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x, dt = _float64(a)
        return erf_np(x).astype(dt)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (-(x * x)).exp() * (2.0 / _SQRT_PI)


class Erfc(Function):
    """erfc(x) = 1 - erf(x);  d/dx = -2/sqrt(pi) e^(-x^2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x, dt = _float64(a)
        return erfc_np(x).astype(dt)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (-(x * x)).exp() * (-2.0 / _SQRT_PI)


class Erfinv(Function):
    """y = erfinv(x), the y with erf(y) = x;  d/dx = sqrt(pi)/2 e^(y^2)."""

    @staticmethod
    def forward(ctx, a):
        x, dt = _float64(a)
        out = erfinv_np(x).astype(dt)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y * y).exp() * (_SQRT_PI / 2.0)


# ------------------------------------------------------------------ gamma and polygamma
# Lanczos (g = 7, 9 terms): Gamma(x+1) = sqrt(2 pi) t^(x+1/2) e^(-t) A(x), t = x + g + 1/2
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
# Bernoulli numbers B_2, B_4, ..., B_16 for the asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def lgamma_np(x: np.ndarray) -> np.ndarray:
    """log|Gamma(x)| on a float64 array: Lanczos for x >= 1/2, the reflection formula
    log|Gamma(x)| = log(pi / |sin(pi x)|) - log|Gamma(1 - x)| below; +inf at the poles."""
    out = np.empty_like(x)
    if not x.size:
        return out
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hi = x >= 0.5
        z = x[hi] - 1.0
        s = np.full_like(z, _LANCZOS[0])
        for i, c in enumerate(_LANCZOS[1:], 1):
            s += c / (z + i)
        t = z + _LANCZOS_G + 0.5
        out[hi] = _LOG_SQRT_2PI + (z + 0.5) * np.log(t) - t + np.log(s)
        out[x == np.inf] = np.inf  # inf - inf above
        lo = ~hi  # NaN lands here and stays NaN
        xl = x[lo]
        pole = (xl <= 0) & (xl == np.floor(xl))  # includes -inf
        ok = ~pole & np.isfinite(xl)
        refl = np.where(pole, np.inf, xl)  # poles -> inf, NaN stays
        z = xl[ok]  # reflection: log|Gamma(x)| = log(pi / |sin(pi x)|) - log|Gamma(1 - x)|
        refl[ok] = np.log(math.pi / np.abs(np.sin(math.pi * z))) - lgamma_np(1.0 - z)
        out[lo] = refl
    out[(x == 1) | (x == 2)] = 0.0  # exactly, as PyTorch's (Lanczos leaves ~1e-16 there)
    return out


def _zeta_tail(s: int, x: np.ndarray) -> np.ndarray:
    """Hurwitz zeta(s, x) = sum_k (x + k)^(-s) for integer s >= 2 and large x (Euler-Maclaurin)."""
    out = x ** (1 - s) / (s - 1) + 0.5 * x ** (-s)
    rising = float(s)  # s (s+1) ... (s + 2j - 2)
    fact = 2.0  # (2j)!
    for j, b in enumerate(_BERNOULLI, 1):
        out += b / fact * rising * x ** (-s - 2 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        fact *= (2 * j + 1) * (2 * j + 2)
    return out


def _digamma_pos(x: np.ndarray) -> np.ndarray:
    """digamma for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the
    asymptotic series log x - 1/(2x) - sum B_2k / (2k x^2k)."""
    acc = np.zeros_like(x)
    x = x.copy()
    while True:
        m = x < 10.0
        if not m.any():
            break
        acc[m] -= 1.0 / x[m]
        x[m] += 1.0
    inv2 = 1.0 / (x * x)
    series = np.zeros_like(x)
    for k in range(len(_BERNOULLI), 0, -1):  # Horner in 1/x^2
        series = (series + _BERNOULLI[k - 1] / (2 * k)) * inv2
    return acc + np.log(x) - 0.5 / x - series


def _polygamma_shift(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1, any non-pole x: the recurrence
    moves every x above max(15, n + 10), where the Euler-Maclaurin tail is accurate."""
    s = n + 1
    acc = np.zeros_like(x)
    x = x.copy()
    lim = max(15.0, n + 10.0)
    while True:
        m = x < lim
        if not m.any():
            break
        acc[m] += x[m] ** (-s)
        x[m] += 1.0
    return (-1.0) ** (n + 1) * math.factorial(n) * (acc + _zeta_tail(s, x))


def polygamma_np(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma on a float64 array (n = 0: digamma itself)."""
    out = np.full_like(x, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pole = (x <= 0) & (x == np.floor(x))
        pos = x > 0
        if n == 0:
            out[pos] = _digamma_pos(x[pos])
            neg = (x < 0) & ~pole
            xn = x[neg]  # reflection: psi(x) = psi(1 - x) - pi / tan(pi x)
            out[neg] = _digamma_pos(1.0 - xn) - math.pi / np.tan(math.pi * xn)
            out[x == 0] = np.copysign(np.inf, -x[x == 0])  # PyTorch: psi(+0) = -inf, psi(-0) = +inf
            return out
        ok = ~pole & ~np.isnan(x)
        if n == 1:
            out[pos] = _polygamma_shift(1, x[pos])
            neg = (x < 0) & ~pole
            xn = x[neg]  # reflection: psi1(x) = pi^2 / sin^2(pi x) - psi1(1 - x)
            out[neg] = (math.pi / np.sin(math.pi * xn)) ** 2 - _polygamma_shift(1, 1.0 - xn)
        else:
            out[ok] = _polygamma_shift(n, x[ok])
        out[pole] = (-1.0) ** (n + 1) * np.inf
    return out


class Lgamma(Function):
    """log|Gamma(x)|;  d/dx = digamma(x)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x, dt = _float64(a)
        return lgamma_np(x).astype(dt)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _run(Polygamma, x, 0)


class Polygamma(Function):
    """psi^(n)(x), the (n+1)-th derivative of log Gamma (n = 0: digamma);
    d/dx = psi^(n+1)(x) (n = 0: trigamma)."""

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        x, dt = _float64(a)
        return polygamma_np(n, x).astype(dt)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _run(Polygamma, x, ctx.n + 1), None


def _check_n(n, op: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"{op}(n, x) does not support negative n (got n={n}).")
    return int(n)


class SpecialOps:
    """Special functions as Tensor methods. ``Tensor`` inherits these."""

    __slots__ = ()

    def erf(self) -> Tensor:
        """The error function 2/sqrt(pi) int_0^x e^(-t^2) dt. ``tc.tensor([0.5]).erf()`` -> tensor([0.5205])."""
        return _run(Erf, self)

    def erfc(self) -> Tensor:
        """1 - erf(x), accurate where it is tiny. ``tc.tensor([3.]).erfc()`` -> tensor([2.2090e-05])."""
        return _run(Erfc, self)

    def erfinv(self) -> Tensor:
        """The inverse error function on (-1, 1) (+-inf at +-1, nan beyond).
        ``tc.tensor([0.5]).erfinv()`` -> tensor([0.4769])."""
        return _run(Erfinv, self)

    def lgamma(self) -> Tensor:
        """log|Gamma(x)| (+inf at 0, -1, -2, ...). ``tc.tensor([5.]).lgamma()`` -> tensor([3.1781]) (= log 24)."""
        return _run(Lgamma, self)

    def digamma(self) -> Tensor:
        """psi(x) = d/dx log Gamma(x). ``tc.tensor([1.]).digamma()`` -> tensor([-0.5772]) (minus Euler's gamma)."""
        return _run(Polygamma, self, 0)

    def polygamma(self, n: int) -> Tensor:
        """psi^(n)(x), the n-th derivative of digamma. ``tc.tensor([1.]).polygamma(1)`` -> tensor([1.6449]) (pi^2/6)."""
        return _run(Polygamma, self, _check_n(n, "polygamma"))

    def mvlgamma(self, p: int) -> Tensor:
        """The multivariate log-gamma sum_{i<p} lgamma(x - i/2) + p(p-1)/4 log(pi) (defined for
        x > (p-1)/2; as PyTorch 2.13, other values are not refused).
        ``tc.tensor([2.5]).mvlgamma(2)`` -> tensor([1.6458])."""
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
            raise RuntimeError(f"mvlgamma(): p has to be greater than or equal to 1 (got {p})")
        x = self if self.is_floating_point() else self.to(get_default_dtype())
        total = sum((x - i / 2).lgamma() for i in range(p))
        return total + p * (p - 1) / 4 * math.log(math.pi)

    def erf_(self) -> Tensor:
        """In-place ``erf``."""
        return self._inplace("erf_", Tensor.erf)

    def erfc_(self) -> Tensor:
        """In-place ``erfc``."""
        return self._inplace("erfc_", Tensor.erfc)

    def erfinv_(self) -> Tensor:
        """In-place ``erfinv``."""
        return self._inplace("erfinv_", Tensor.erfinv)

    def lgamma_(self) -> Tensor:
        """In-place ``lgamma``."""
        return self._inplace("lgamma_", Tensor.lgamma)

    def digamma_(self) -> Tensor:
        """In-place ``digamma``."""
        return self._inplace("digamma_", Tensor.digamma)

    def polygamma_(self, n: int) -> Tensor:
        """In-place ``polygamma``."""
        return self._inplace("polygamma_", Tensor.polygamma, n)


# ---- function forms: ``tc.<name>(input, ...)`` ----
@with_out
def erf(input: Tensor) -> Tensor:
    """The error function, elementwise. ``tc.erf(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.erf(tc.tensor([0.]))
    tensor([0.])
    """
    return input.erf()


@with_out
def erfc(input: Tensor) -> Tensor:
    """1 - erf(input), elementwise. ``tc.erfc(tc.tensor([0.]))`` -> tensor([1.]).

    >>> tc.erfc(tc.tensor([0.]))
    tensor([1.])
    """
    return input.erfc()


@with_out
def erfinv(input: Tensor) -> Tensor:
    """The inverse error function, elementwise. ``tc.erfinv(tc.tensor([0.]))`` -> tensor([0.]).

    >>> tc.erfinv(tc.tensor([0.]))
    tensor([0.])
    """
    return input.erfinv()


@with_out
def lgamma(input: Tensor) -> Tensor:
    """log|Gamma(input)|, elementwise. ``tc.lgamma(tc.tensor([3.]))`` -> tensor([0.6931]).

    >>> tc.lgamma(tc.tensor([3.]))
    tensor([0.6931])
    """
    return input.lgamma()


@with_out
def digamma(input: Tensor) -> Tensor:
    """psi(input) = Gamma'/Gamma, elementwise. ``tc.digamma(tc.tensor([1.]))`` -> tensor([-0.5772]).

    >>> tc.digamma(tc.tensor([1.]))
    tensor([-0.5772])
    """
    return input.digamma()


@with_out
def polygamma(n: int, input: Tensor) -> Tensor:
    """psi^(n)(input) (PyTorch's argument order: n first). ``tc.polygamma(1, tc.tensor([1.]))`` -> tensor([1.6449]).

    >>> tc.polygamma(1, tc.tensor([1.]))
    tensor([1.6449])
    """
    return input.polygamma(n)


@with_out
def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma of dimension p. ``tc.mvlgamma(tc.tensor([2.5]), 2)`` -> tensor([1.6458]).

    >>> tc.mvlgamma(tc.tensor([2.5]), 2)
    tensor([0.8570])
    """
    return input.mvlgamma(p)


def erf_(input: Tensor) -> Tensor:
    """In-place ``erf``.

    >>> tc.erf_(tc.tensor([0.]))
    tensor([0.])
    """
    return input.erf_()


def erfc_(input: Tensor) -> Tensor:
    """In-place ``erfc``.

    >>> tc.erfc_(tc.tensor([0.]))
    tensor([1.])
    """
    return input.erfc_()


def erfinv_(input: Tensor) -> Tensor:
    """In-place ``erfinv``.

    >>> tc.erfinv_(tc.tensor([0.]))
    tensor([0.])
    """
    return input.erfinv_()


def lgamma_(input: Tensor) -> Tensor:
    """In-place ``lgamma``.

    >>> tc.lgamma_(tc.tensor([3.]))
    tensor([0.6931])
    """
    return input.lgamma_()


def digamma_(input: Tensor) -> Tensor:
    """In-place ``digamma``.

    >>> tc.digamma_(tc.tensor([1.]))
    tensor([-0.5772])
    """
    return input.digamma_()


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

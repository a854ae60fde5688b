"""Random tensors: ``rand``, ``randn``, ``randint``, ``normal``, ``bernoulli``, ... and the in-place
random fills (``uniform_``, ``normal_``, ...), all drawn from a ``tc.Generator`` (``random.py``)."""
from typing import Any

import numpy as np

from . import dtypes as _dt
from .aliases import with_out
from .device import check_device as _check_device
from .factories import _finish, _float, _size, _sizes, empty_like
from .random import default_generator


def _gen(generator):
    return generator if generator is not None else default_generator()


@with_out
def rand(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1): ``tc.rand(2, 3)`` or ``tc.rand(size=(2, 3))``.

    >>> tc.rand(2, 3).shape
    tinygrad_course.Size([2, 3])
    """
    _check_device(device, "rand")
    shape = _sizes("rand", args, size)
    return _finish(_gen(generator).random(shape).astype(_float(dtype)), requires_grad, "rand")


@with_out
def randn(*args: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
    """Standard normal samples: ``tc.randn(2, 3)`` or ``tc.randn(size=(2, 3))``.

    >>> tc.randn(2, 3).shape
    tinygrad_course.Size([2, 3])
    """
    _check_device(device, "randn")
    shape = _sizes("randn", args, size)
    return _finish(_gen(generator).standard_normal(shape).astype(_float(dtype)), requires_grad, "randn")


@with_out
def randint(low: Any = 0, high: Any = None, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
    """Integers uniform on [low, high).

    >>> tc.randint(0, 10, (3,)).shape
    tinygrad_course.Size([3])
    """
    _check_device(device, "randint")
    if size is None:
        low, high, size = 0, low, high
    if high is None or size is None:
        raise TypeError("randint(): expected (high, size) or (low, high, size)")
    if high <= low:
        raise RuntimeError(f"randint(): random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    arr = _gen(generator).integers(low, high, _size("randint", (size,))).astype(_dt.to_np(dtype or _dt.int64))
    return _finish(arr, requires_grad, "randint")


@with_out
def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of ``0..n-1`` (int64).

    >>> tc.randperm(4).sort().values
    tensor([0, 1, 2, 3])
    """
    _check_device(device, "randperm")
    return _finish(_gen(generator).permutation(n).astype(_dt.to_np(dtype or _dt.int64)), requires_grad, "randperm")


def rand_like(input, dtype=None, device=None, requires_grad=False):
    """Uniform [0, 1) samples of ``input``'s shape and dtype.

    >>> tc.rand_like(tc.zeros(2, 2)).shape
    tinygrad_course.Size([2, 2])
    """
    return rand(*input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    """Standard normal samples of ``input``'s shape and dtype.

    >>> tc.randn_like(tc.zeros(2, 2)).shape
    tinygrad_course.Size([2, 2])
    """
    return randn(*input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high) of ``input``'s shape and dtype: ``randint_like(x, 10)``
    (as PyTorch: one bound is ``high``) or ``randint_like(x, 3, 10)``.

    >>> tc.randint_like(tc.zeros(3), 0, 5).dtype
    tinygrad_course.float32
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


@with_out
def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples: scalar ``mean``/``std`` with ``size`` (``tc.normal(0., 1., size=(2, 3))``), or
    tensor ``mean``/``std`` broadcast together (``tc.normal(tc.zeros(3), 1.)``); dtype/device/
    requires_grad apply to the scalar form, as in PyTorch.

    >>> tc.normal(0., 1., size=(2, 3)).shape
    tinygrad_course.Size([2, 3])
    """
    _check_device(device, "normal")
    tensors = isinstance(mean, Tensor) or isinstance(std, Tensor)
    if tensors and (size is not None or dtype is not None or requires_grad):
        raise TypeError("normal(): size, dtype and requires_grad are only accepted with a float mean and std "
                        f"(got mean {type(mean).__name__}, std {type(std).__name__})")
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal(): expected all elements of std >= 0.0 (got std {std})")
    if size is None and not tensors:
        raise TypeError("normal(): with a float mean and std, size is required (e.g. tc.normal(0., 1., size=(2, 3)))")
    shape = _size("normal", (size,)) if size is not None else np.broadcast(np.asarray(m), np.asarray(s)).shape
    npd = _float(dtype) if not tensors else np.result_type(*(a.dtype for a in (m, s) if isinstance(a, np.ndarray)))
    return _finish((_gen(generator).standard_normal(shape) * s + m).astype(npd), requires_grad, "normal")


@with_out
def bernoulli(input, generator=None):
    """0/1 samples: each element is 1 with the probability given by input (values in [0, 1]).

    Args: input: probabilities; generator: a ``tc.Generator`` (the default one when None).

    >>> tc.bernoulli(tc.tensor([0., 1.]))
    tensor([0., 1.])
    """
    p = input._data
    return Tensor._make((_gen(generator).random(p.shape) < p).astype(p.dtype))


@with_out
def multinomial(input, num_samples, replacement=False, generator=None):
    """``num_samples`` category indices per row, drawn with the (unnormalised) weights in input.

    Args: input: 1-D or 2-D non-negative weights; num_samples; replacement: draw with replacement; generator.

    >>> tc.multinomial(tc.tensor([0., 1., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial(): cannot sample n_sample <= 0 samples (got {num_samples})")
    if p.ndim not in (1, 2):
        raise RuntimeError(f"multinomial(): prob_dist must be 1 or 2 dim (got shape {tuple(p.shape)})")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError(f"multinomial(): cannot sample n_sample ({num_samples}) > prob_dist.size(-1) "
                           f"({p.shape[-1]}) samples without replacement")
    if p.shape[-1] > 2 ** 24:
        raise RuntimeError(f"multinomial(): number of categories cannot exceed 2^24 (got {p.shape[-1]})")
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError("multinomial(): probability tensor contains either `inf`, `nan` or element < 0")
    if p.size and (p.reshape(-1, p.shape[-1]).sum(-1) <= 0).any():
        raise RuntimeError("multinomial(): invalid multinomial distribution (sum of probabilities <= 0)")
    g = _gen(generator)
    rows = p.reshape(-1, p.shape[-1])
    out = np.stack([g.choice(rows.shape[1], num_samples, replace=replacement, p=r / r.sum()) for r in rows])
    return Tensor._make(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


class SamplingOps:
    """In-place random fills and sampling methods. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def uniform_(self, a=0.0, b=1.0, generator=None):
        """Fill self in place with samples uniform on [a, b)."""
        if a > b:
            raise RuntimeError(f"uniform_(): uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
        g = generator if generator is not None else default_generator()
        return self._fill("uniform_", g.uniform(a, b, self.shape))

    def normal_(self, mean=0.0, std=1.0, generator=None):
        """Fill self in place with samples of N(mean, std^2) (``mean`` and ``std`` are numbers)."""
        for pos, (name, v) in enumerate((("mean", mean), ("std", std)), 1):
            # a 0-d tensor is a number, as in PyTorch
            if not (isinstance(v, (int, float, np.number)) or (isinstance(v, Tensor) and v.ndim == 0)):
                raise TypeError(f"normal_(): argument '{name}' (position {pos}) must be float, not {type(v).__name__}")
        if float(std) < 0:
            raise RuntimeError(f"normal_(): normal expects std >= 0.0, but found std {float(std):g}")
        g = generator if generator is not None else default_generator()
        return self._fill("normal_", g.normal(float(mean), float(std), self.shape))

    def bernoulli(self, p=None, generator=None):
        """0/1 draws in self's dtype, 1 with probability self (or with the number ``p``) per element.
        ``tc.tensor([0., 1.]).bernoulli()`` -> tensor([0., 1.])."""
        if p is None:
            return bernoulli(self, generator=generator)
        return empty_like(self).bernoulli_(p, generator=generator)

    def multinomial(self, num_samples, replacement=False, generator=None):
        """``num_samples`` category indices drawn per row with weights self (int64).
        ``tc.tensor([0., 1.]).multinomial(1)`` -> tensor([1])."""
        return multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli_(self, p=0.5, generator=None):
        """Fill self in place with 0/1 samples that are 1 with probability ``p``."""
        if isinstance(p, (int, float, np.number)) and not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_(): bernoulli_ expects p to be in [0, 1], but got p={p}")
        g = generator if generator is not None else default_generator()
        return self._fill("bernoulli_", g.random(self.shape) < p)

    def exponential_(self, lambd=1.0, generator=None):
        """Fill self in place with samples of the exponential distribution of rate ``lambd``."""
        if not lambd > 0:
            raise RuntimeError(f"exponential_(): exponential_ expects lambda > 0.0, but found lambda={lambd}")
        g = generator if generator is not None else default_generator()
        return self._fill("exponential_", g.exponential(1.0 / lambd, self.shape))

    def geometric_(self, p, generator=None):
        """Fill self in place with geometric samples: the number of Bernoulli(p) trials up to and
        including the first success (1, 2, ...), P(k) = (1 - p)^(k-1) p.

        >>> bool((tc.zeros(100).geometric_(0.5) >= 1).all())
        True
        """
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_(): geometric_ expects p to be in (0, 1), but got p={p}")
        g = generator if generator is not None else default_generator()
        return self._fill("geometric_", g.geometric(p, self.shape))

    def log_normal_(self, mean=1.0, std=2.0, generator=None):
        """Fill self in place with samples of exp(N(mean, std^2)) (``mean``, ``std`` of the log).

        >>> bool((tc.zeros(100).log_normal_() > 0).all())
        True
        """
        if not std > 0:
            raise RuntimeError(f"log_normal_(): log_normal_ expects std > 0.0, but found std={std}")
        g = generator if generator is not None else default_generator()
        return self._fill("log_normal_", g.lognormal(mean, std, self.shape))

    def cauchy_(self, median=0.0, sigma=1.0, generator=None):
        """Fill self in place with Cauchy samples, density 1 / (pi sigma (1 + ((x - median) / sigma)^2)).

        >>> tc.zeros(3).cauchy_().shape
        tinygrad_course.Size([3])
        """
        if not sigma > 0:
            raise RuntimeError(f"cauchy_(): cauchy_ expects sigma > 0.0, but found sigma={sigma}")
        g = generator if generator is not None else default_generator()
        return self._fill("cauchy_", median + sigma * g.standard_cauchy(self.shape))

    def random_(self, *bounds, generator=None):
        """Fill in place with integers uniform on [from, to - 1]: ``random_(to)``, ``random_(from, to)``
        or ``random_()`` (bounded by the dtype: [0, 2**mantissa] for floats, as PyTorch)."""
        if len(bounds) > 2:
            raise TypeError(f"random_() takes at most 2 positional arguments ({len(bounds)} given)")
        npd = self._data.dtype
        if len(bounds) == 2:
            lo, hi = bounds
        elif len(bounds) == 1:
            lo, hi = 0, bounds[0]
        else:
            lo = 0
            if npd.kind == "f":
                hi = 2 ** (np.finfo(npd).nmant + 1) + 1
            elif npd.kind == "b":
                hi = 2
            else:
                hi = int(np.iinfo(npd).max) + 1 if npd.itemsize < 8 else int(np.iinfo(npd).max)
        if hi is None:
            hi = int(np.iinfo(npd).max) if npd.kind in "iu" else 2 ** (np.finfo(npd).nmant + 1) + 1
        if lo >= hi:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={lo} >= to={hi}")
        g = generator if generator is not None else default_generator()
        return self._fill("random_", g.integers(lo, hi, self.shape))


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

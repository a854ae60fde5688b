"""``Multinomial(total_count=1, probs=None, logits=None)``: counts of ``total_count`` categorical draws."""
import numpy as np

import tinygrad_course as tc

from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class _Multinomial(constraints.Constraint):
    """Non-negative count vectors whose total is at most ``upper_bound`` (PyTorch's check)."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: int) -> None:
        self.upper_bound = upper_bound

    def check(self, value):
        v = constraints._np(value)
        return constraints._out((v >= 0).all(-1) & (v.sum(-1) <= self.upper_bound))

    def __repr__(self) -> str:
        return f"Multinomial(upper_bound={self.upper_bound})"


class Multinomial(Distribution):
    """Counts over K categories (the last dim of ``probs``/``logits``) after ``total_count`` draws.

    ``log_prob(x) = lgamma(sum x + 1) - sum lgamma(x + 1) + sum x * log p`` (differentiable in
    ``probs``/``logits``, twice); ``mean = n p``, ``variance = n p (1 - p)``. ``sample`` draws
    ``total_count`` categories per batch member from the library's generator (``tc.manual_seed``
    makes it reproducible) and counts them, in ``probs``' dtype. As in PyTorch, ``total_count``
    must be an int and only ``log_prob`` accepts counts with another total.
    ``entropy`` is not implemented here (PyTorch's goes through a Binomial, which we lack).

    Arguments: ``total_count`` (int, default 1), exactly one of ``probs`` (non-negative,
    normalised over the last dim) or ``logits`` (unnormalised log-probabilities),
    ``validate_args``.

    Example
    -------
    >>> m = Multinomial(10, tc.tensor([1.0, 1.0, 1.0, 1.0]))
    >>> m.sample().sum()
    tensor(10.)
    >>> Multinomial(2, probs=tc.tensor([0.5, 0.5])).log_prob(tc.tensor([1.0, 1.0]))  # log(2 * 0.25)
    tensor(-0.6931)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs=None, logits=None, validate_args=None) -> None:
        if not isinstance(total_count, int) or isinstance(total_count, bool):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        batch_shape = self._categorical.batch_shape
        event_shape = tuple(self._categorical.param_shape)[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        """The values a sample takes: count vectors summing to total_count."""
        return _Multinomial(self.total_count)

    @property
    def logits(self):
        """Normalised log-probabilities (those of the inner ``Categorical``)."""
        return self._categorical.logits

    @property
    def probs(self):
        """Normalised probabilities (those of the inner ``Categorical``)."""
        return self._categorical.probs

    @property
    def param_shape(self):
        """The shape of the parameter tensor (``probs``'s, categories last)."""
        return self._categorical.param_shape

    @property
    def mean(self):
        """The mean: total_count * probs."""
        return self.probs * self.total_count

    @property
    def variance(self):
        """The variance: total_count * probs (1 - probs)."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """Float counts of shape ``sample_shape + batch_shape + (K,)``; each sums to ``total_count``."""
        shape = tuple(self._extended_shape(sample_shape))
        sample_dims = shape[: len(shape) - 1 - len(self.batch_shape)]
        draws = self._categorical.sample((self.total_count,) + tuple(sample_dims)).numpy()
        k = shape[-1]
        # one-hot each draw and add over the draws axis: counts per category
        counts = (draws[..., None] == np.arange(k)).sum(axis=0)
        dtype = self.probs.detach().numpy().dtype
        return tc.from_numpy(counts.astype(dtype).reshape(shape))

    def log_prob(self, value):
        """``lgamma(n + 1) - sum lgamma(x + 1) + sum x log p`` with ``n = sum x`` (the counts' own total)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = tc.lgamma(value.sum(-1) + 1)
        log_factorial_xs = tc.lgamma(value + 1).sum(-1)
        # 0 * log 0 counts as 0: a category that cannot occur and did not occur costs nothing
        logits = tc.where((value == 0) & (logits == float("-inf")), tc.zeros_like(logits), logits)
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers

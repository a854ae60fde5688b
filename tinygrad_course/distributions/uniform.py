"""``Uniform(low, high)``: constant density on ``[low, high)``."""
import math
import numbers

import tinygrad_course as tc

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Uniform"]


class Uniform(Distribution):
    """The uniform distribution on ``[low, high)``.

    ``log_prob(x) = -log(high - low)`` inside (``-inf`` outside, when validation is off);
    ``rsample = low + u (high - low)``, u ~ U[0, 1) from the library's generator;
    ``mean = (low + high)/2``, ``variance = (high - low)^2 / 12``, ``entropy = log(high - low)``.

    Args: ``low`` < ``high``, Tensors or numbers (broadcast); ``validate_args``.

    Example
    -------
    >>> Uniform(0.0, 2.0).log_prob(tc.tensor(1.0))  # -log 2
    tensor(-0.6931)
    """

    has_rsample = True

    @property
    def arg_constraints(self):
        """The constraints checked on the parameters: low < high, both real."""
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def __init__(self, low, high, validate_args=None) -> None:
        self.low, self.high = broadcast_all(low, high)
        scalar = isinstance(low, numbers.Number) and isinstance(high, numbers.Number)
        super().__init__(() if scalar else self.low.shape, validate_args=validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        """The values a sample takes: the interval [low, high)."""
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        """The mean: (low + high) / 2."""
        return (self.high + self.low) / 2

    @property
    def mode(self):
        """NaN (every value of the interval is equally likely), as PyTorch."""
        return math.nan * self.high

    @property
    def stddev(self):
        """The standard deviation: (high - low) / sqrt(12)."""
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        """The variance: (high - low)^2 / 12."""
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        """``low + u (high - low)``, u ~ U[0, 1); gradients reach low and high."""
        shape = self._extended_shape(sample_shape)
        u = tc.rand(tuple(shape), dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        """``log(1[low <= value < high]) - log(high - low)``."""
        if self._validate_args:
            self._validate_sample(value)
        inside = (self.low <= value).type_as(self.low) * (self.high > value).type_as(self.low)
        return tc.log(inside) - tc.log(self.high - self.low)

    def cdf(self, value):
        """``clamp((value - low) / (high - low), 0, 1)``."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        """``low + value (high - low)``."""
        return value * (self.high - self.low) + self.low

    def entropy(self):
        """``log(high - low)``."""
        return tc.log(self.high - self.low)

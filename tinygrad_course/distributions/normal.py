"""``Normal(loc, scale)``: the Gaussian, reparameterised so samples carry gradients."""
import math
import numbers

import tinygrad_course as tc

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Normal"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Normal(Distribution):
    """The normal distribution N(loc, scale^2).

    ``log_prob(x) = -(x - loc)^2 / (2 scale^2) - log(scale) - log(2 pi) / 2``;
    ``entropy = 1/2 + log(2 pi)/2 + log(scale)``; ``rsample = loc + scale * eps``, eps ~ N(0, 1)
    from the library's generator (``tc.manual_seed`` makes it reproducible). Everything is
    composed of differentiable tc ops, so it differentiates twice.

    Args: ``loc`` (mean), ``scale`` (standard deviation, > 0), Tensors or numbers (broadcast);
    ``validate_args``.

    Example
    -------
    >>> mu = tc.tensor(0.5, requires_grad=True)
    >>> Normal(mu, 1.0).rsample((4,)).sum().backward()  # mu.grad == 4
    """

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        scalar = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(() if scalar else self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        """The mean: loc."""
        return self.loc

    @property
    def mode(self):
        """The most likely value: loc."""
        return self.loc

    @property
    def stddev(self):
        """The standard deviation: scale."""
        return self.scale

    @property
    def variance(self):
        """The variance: scale^2."""
        return self.scale.pow(2)

    def rsample(self, sample_shape=()):
        """``loc + scale * eps`` of shape ``sample_shape + batch_shape``; gradients reach loc and scale."""
        shape = self._extended_shape(sample_shape)
        eps = tc.randn(tuple(shape), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """``-(value - loc)^2 / (2 scale^2) - log(scale) - log(2 pi)/2``."""
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - tc.log(self.scale) - _HALF_LOG_2PI

    def entropy(self):
        """``1/2 + log(2 pi)/2 + log(scale)``."""
        return 0.5 + _HALF_LOG_2PI + tc.log(self.scale)

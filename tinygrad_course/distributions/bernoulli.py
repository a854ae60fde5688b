"""``Bernoulli(probs=None, logits=None)``: one coin flip per batch member."""
import numbers

import tinygrad_course as tc

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Bernoulli"]


class Bernoulli(Distribution):
    """The Bernoulli distribution: 1 with probability ``probs``, else 0.

    Give exactly one of ``probs`` (in [0, 1]) or ``logits`` (``probs = sigmoid(logits)``);
    the other is derived on first use. ``log_prob(x) = x log p + (1 - x) log(1 - p)``, computed
    as ``-binary_cross_entropy_with_logits(logits, x)`` (stable for large logits);
    ``entropy = binary_cross_entropy_with_logits(logits, probs)``; ``mean = p``,
    ``variance = p (1 - p)``. Samples come from the library's generator (no gradient: use
    ``log_prob`` for score-function estimators).

    Example
    -------
    >>> Bernoulli(probs=tc.tensor([0.2, 0.9])).log_prob(tc.tensor([0.0, 1.0]))  # log 0.8, log 0.9
    tensor([-0.2231, -0.1054])
    """

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        param = probs if probs is not None else logits
        (value,) = broadcast_all(param)
        if probs is not None:
            self.probs = value
        else:
            self.logits = value
        self._param = value
        batch_shape = () if isinstance(param, numbers.Number) else value.shape
        super().__init__(batch_shape, validate_args=validate_args)

    @lazy_property
    def logits(self):
        """``log p - log(1 - p)`` (p clamped to [eps, 1 - eps])."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """``sigmoid(logits)``."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        """The shape of the parameter tensor (``probs``'s)."""
        return self._param.shape

    @property
    def mean(self):
        """The mean: probs."""
        return self.probs

    @property
    def mode(self):
        """The most likely value: 1 where probs > 0.5, 0 where < 0.5, NaN at exactly 0.5."""
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return tc.where(self.probs == 0.5, tc.full(tuple(mode.shape), float("nan"), dtype=mode.dtype), mode)

    @property
    def variance(self):
        """The variance: probs (1 - probs)."""
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        """0/1 samples (float, as ``probs``) of shape ``sample_shape + batch_shape``."""
        shape = self._extended_shape(sample_shape)
        with tc.no_grad():
            return tc.bernoulli(self.probs.expand(tuple(shape)))

    def log_prob(self, value):
        """``value log p + (1 - value) log(1 - p)``."""
        if self._validate_args:
            self._validate_sample(value)
        F = tc.nn.functional
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value.to(logits.dtype), reduction="none")

    def entropy(self):
        """``-p log p - (1 - p) log(1 - p)``."""
        return tc.nn.functional.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True):
        """The values 0 and 1, shaped ``(2,) + batch_shape`` (or ``(2, 1, ...)`` unexpanded)."""
        values = tc.arange(2, dtype=self._param.dtype).reshape((2,) + (1,) * len(self.batch_shape))
        return values.expand((2,) + tuple(self.batch_shape)) if expand else values

"""``Distribution``: the base class (shapes, sampling, validation), as ``torch.distributions``."""
import warnings
from typing import Dict

import numpy as np

import tinygrad_course as tc

from . import constraints
from .utils import lazy_property

__all__ = ["Distribution"]


def _size(shape, where: str):
    try:
        return tc.Size(tuple(int(s) for s in shape))
    except TypeError:
        raise TypeError(f"{where}: sample_shape must be a tuple, list or tc.Size, got {shape!r}") from None


class Distribution:
    """A probability distribution with ``batch_shape`` independent members of ``event_shape``.

    Subclasses give ``arg_constraints``, ``support``, ``log_prob``, ``mean``, ``variance`` and
    ``rsample`` (reparameterised, differentiable in the parameters) or ``sample``.
    ``validate_args`` (default on, as PyTorch under ``__debug__``) checks parameters at
    construction and values given to ``log_prob`` against ``support``, raising ``ValueError``.

    Example
    -------
    >>> d = Normal(tc.zeros(3), tc.ones(3))
    >>> d.batch_shape, d.event_shape, d.sample((2,)).shape
    (tc.Size([3]), tc.Size([]), tc.Size([2, 3]))
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    arg_constraints: Dict[str, constraints.Constraint] = {}
    support = None

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument/sample validation on or off for every distribution made afterwards."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args: expected True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None) -> None:
        self._batch_shape = _size(batch_shape, type(self).__name__)
        self._event_shape = _size(event_shape, type(self).__name__)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        for param, constraint in self.arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param, None), lazy_property):
                continue  # the parameter was given in its other form; this one is derived
            value = getattr(self, param)
            if not bool(np.all(constraint.check(value).numpy())):
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape {tuple(value.shape)}) "
                    f"of distribution {self!r} to satisfy the constraint {constraint!r}, "
                    f"but found invalid values:\n{value}"
                )

    @property
    def batch_shape(self):
        """The shape of the batch of independent distributions (``tc.Size``)."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of one sample of one distribution (``tc.Size``)."""
        return self._event_shape

    @property
    def mean(self):
        """The mean of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self):
        """The mode of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self):
        """The variance of each distribution in the batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self):
        """The standard deviation: ``sqrt(variance)``."""
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """Samples of shape ``sample_shape + batch_shape + event_shape``, without history."""
        with tc.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """Reparameterised samples: differentiable with respect to the parameters."""
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def sample_n(self, n: int):
        """``n`` samples (deprecated in PyTorch: use ``sample((n,))``)."""
        warnings.warn("sample_n will be deprecated. Use .sample((n,)) instead", UserWarning, stacklevel=2)
        return self.sample((n,))

    def log_prob(self, value):
        """The log of the probability density/mass at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value):
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value):
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self):
        """The entropy of each distribution in the batch (in nats)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self):
        """``exp(entropy)``."""
        return tc.exp(self.entropy())

    def _extended_shape(self, sample_shape=()):
        sample_shape = _size(sample_shape, f"{type(self).__name__}.sample")
        return tc.Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value) -> None:
        if not isinstance(value, tc.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        actual = tuple(value.shape)
        event = tuple(self._event_shape)
        if actual[len(actual) - len(event):] != event:
            raise ValueError(f"The right-most size of value must match event_shape: {value.shape} vs {self._event_shape}.")
        expected = tuple(self._batch_shape) + event
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{tc.Size(actual)} vs {tc.Size(expected)}.")
        support = self.support
        if not bool(np.all(support.check(value).numpy())):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be within "
                f"the support ({support!r}) of the distribution {self!r}, but found invalid values:\n{value}"
            )

    def __repr__(self) -> str:
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(
            f"{p}: {self.__dict__[p].item() if self.__dict__[p].numel() == 1 else tc.Size(self.__dict__[p].shape)}"
            for p in names
        )
        return f"{type(self).__name__}({args})"

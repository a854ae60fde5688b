"""``Categorical(probs=None, logits=None)``: one draw from K categories per batch member."""
import numpy as np

import tinygrad_course as tc

from . import constraints
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits

__all__ = ["Categorical"]


class Categorical(Distribution):
    """The categorical distribution over ``0..K-1`` (K = the last dim of ``probs``/``logits``).

    Give exactly one of ``probs`` (non-negative; normalised over the last dim) or ``logits``
    (normalised by ``logsumexp``); the other is derived on first use. ``log_prob(k) =
    logits[..., k]`` (normalised), ``entropy = -sum p log p``; both are differentiable in
    ``probs``/``logits`` (twice). ``sample`` draws from the library's generator, so
    ``tc.manual_seed`` makes it reproducible. ``mean``/``variance`` are NaN, as in PyTorch.

    Example
    -------
    >>> d = Categorical(probs=tc.tensor([0.1, 0.2, 0.7]))
    >>> d.log_prob(tc.tensor(2))  # log 0.7
    tensor(-0.3567)
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name, param = ("probs", probs) if probs is not None else ("logits", logits)
        if not isinstance(param, tc.Tensor):
            raise TypeError(f"Categorical: `{name}` must be a Tensor, got {type(param).__name__}")
        if param.dim() < 1:
            raise ValueError(f"`{name}` parameter must be at least one-dimensional.")
        if probs is not None:
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        super().__init__(tuple(self._param.shape[:-1]), validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        """The values a sample takes: integers in [0, number of categories)."""
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self):
        """``log(probs)`` (probs clamped to [eps, 1 - eps])."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self):
        """``softmax(logits, -1)``."""
        return logits_to_probs(self.logits)

    @property
    def param_shape(self):
        """The shape of the parameter tensor (``probs``'s, categories last)."""
        return self._param.shape

    @property
    def mean(self):
        """NaN of the batch shape (a category index has no mean), as PyTorch."""
        return tc.full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        """The most likely category: argmax of probs over the last dimension."""
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        """NaN of the batch shape (a category index has no variance), as PyTorch."""
        return tc.full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape=()):
        """int64 category indices of shape ``sample_shape + batch_shape`` (inverse-CDF draws)."""
        shape = self._extended_shape(sample_shape)
        p = self.probs.detach().numpy().reshape(-1, self._num_events).astype(np.float64)
        cdf = np.cumsum(p, axis=-1)
        cdf /= cdf[:, -1:]  # the last entry becomes exactly 1: round-off never picks past it
        n = int(np.prod(tuple(shape)[: len(shape) - len(self.batch_shape)], dtype=np.int64))
        # u in (0, 1]: a category of probability 0 (cdf step of 0) is never chosen.
        u = 1.0 - tc.default_generator().random((n, p.shape[0]))
        idx = (u[..., None] > cdf[None]).sum(-1)
        return tc.from_numpy(np.minimum(idx, self._num_events - 1).astype(np.int64).reshape(tuple(shape)))

    def log_prob(self, value):
        """``logits[..., value]`` with logits normalised (``log p_value``)."""
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(value.shape), tuple(self.logits.shape))
        value = value.expand(shape[:-1] + (1,))
        log_pmf = self.logits.expand(shape)
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        """``-sum_k p_k log p_k`` (a -inf logit with p = 0 contributes 0)."""
        min_real = float(np.finfo(self.logits.detach().numpy().dtype).min)
        logits = tc.clamp(self.logits, min=min_real)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True):
        """The values ``0..K-1`` shaped ``(K,) + batch_shape`` (or ``(K, 1, ...)`` unexpanded)."""
        values = tc.arange(self._num_events).reshape((-1,) + (1,) * len(self.batch_shape))
        return values.expand((-1,) + tuple(self.batch_shape)) if expand else values

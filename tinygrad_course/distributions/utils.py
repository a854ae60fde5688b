"""Helpers shared by the distributions: ``broadcast_all``, ``lazy_property``, probs <-> logits."""
import numbers

import numpy as np

import tinygrad_course as tc

__all__ = ["broadcast_all", "lazy_property", "probs_to_logits", "logits_to_probs", "clamp_probs"]


def broadcast_all(*values):
    """Tensors of one broadcast shape from Tensors and numbers (differentiable: ``expand``).

    Numbers become tensors of the first Tensor's dtype (the default dtype if there is none).

    Example
    -------
    >>> loc, scale = broadcast_all(tc.zeros(3), 1.0)
    >>> scale.shape
    tc.Size([3])
    """
    tensors = [v for v in values if isinstance(v, tc.Tensor)]
    for v in values:
        if not isinstance(v, (tc.Tensor, numbers.Number)):
            raise ValueError(
                f"Input arguments must all be instances of numbers.Number or Tensor, got {type(v).__name__}"
            )
    dtype = tensors[0].dtype if tensors else tc.get_default_dtype()
    out = [v if isinstance(v, tc.Tensor) else tc.tensor(v, dtype=dtype) for v in values]
    try:
        shape = np.broadcast_shapes(*(tuple(t.shape) for t in out))
    except ValueError:
        shapes = ", ".join(str(tuple(t.shape)) for t in out)
        raise RuntimeError(f"broadcast_all: shapes {shapes} cannot be broadcast together") from None
    return tuple(t if tuple(t.shape) == shape else t.expand(shape) for t in out)


class lazy_property:
    """A property computed on first access and then stored on the instance (PyTorch's, so
    ``Bernoulli(logits=...).probs`` is computed once and keeps its graph)."""

    def __init__(self, fn):
        self.wrapped = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def clamp_probs(probs):
    """``probs`` clamped to ``[eps, 1 - eps]`` (``eps`` of its dtype) so logs stay finite."""
    eps = float(np.finfo(probs.detach().numpy().dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Logits from probabilities: ``log p`` (``log p - log(1-p)`` if ``is_binary``)."""
    p = clamp_probs(probs)
    return tc.log(p) - tc.log1p(-p) if is_binary else tc.log(p)


def logits_to_probs(logits, is_binary: bool = False):
    """Probabilities from logits: ``softmax(logits, -1)`` (``sigmoid`` if ``is_binary``)."""
    return tc.sigmoid(logits) if is_binary else tc.softmax(logits, -1)

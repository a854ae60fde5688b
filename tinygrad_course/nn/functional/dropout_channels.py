"""Channel-wise and self-normalising dropout: ``dropout1d dropout2d alpha_dropout feature_alpha_dropout``.

Each is the input times (and, for alpha dropout, plus) a constant random mask, so it
differentiates (twice) through the ordinary multiply; the mask is drawn from the library
generator, so ``tc.manual_seed`` makes it reproducible.
"""
import math
import warnings

import numpy as np

import tinygrad_course as _tc

from ...autograd import _array, _wrap
from ...autograd.tensor import Tensor
from ._utils import shape_str

__all__ = ["dropout1d", "dropout2d", "alpha_dropout", "feature_alpha_dropout"]

# SELU's alpha * scale: the value a dropped unit takes in alpha dropout (PyTorch's constant)
_ALPHA_PRIME = 1.7580993408473766


def _check(input, p, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): expected a Tensor input, got {type(input).__name__}")
    if not isinstance(p, (int, float)) or isinstance(p, bool) or p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(shape, p, dtype):
    """1 with probability 1 - p, else 0, as an array of ``dtype`` shaped ``shape``."""
    if p == 1.0:
        return np.zeros(shape, dtype)
    u = _tc.rand(*shape, dtype=_tc.float64).numpy()
    return (u >= p).astype(dtype)


def _feature_dropout(input, p, training, alpha):
    """Zero (alpha: set to the SELU floor) whole channels x[n, c, ...] with probability p."""
    if not training or p == 0.0:
        return input
    dt = _array(input).dtype if input.is_floating_point() else np.dtype(np.float32)
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _apply_mask(input, _keep_mask(shape, p, dt), p, alpha)


def _apply_mask(input, keep, p, alpha):
    if not alpha:
        scale = keep * keep.dtype.type(1.0 / (1.0 - p)) if p < 1.0 else keep
        return input * _wrap(scale)
    if p == 1.0:
        return input * 0.0
    # a = 1/sqrt((alpha'^2 p + 1)(1 - p)) keeps mean 0 / variance 1;  out = a x keep + b
    a = 1.0 / math.sqrt((_ALPHA_PRIME ** 2 * p + 1) * (1 - p))
    b = (keep - 1) * (_ALPHA_PRIME * a) + _ALPHA_PRIME * a * p
    return input * _wrap((keep * a).astype(keep.dtype)) + _wrap(b.astype(keep.dtype))


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) with probability p; scale the rest by 1/(1-p).

    Args:
        input: (N, C, L) or (C, L).  p: drop probability.  training: identity when False.
        inplace: accepted for compatibility; the result is always a new tensor.

    >>> F.dropout1d(tc.ones(2, 3, 4), 0.5).shape
    (2, 3, 4)
    """
    _check(input, p, "dropout1d")
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input (shape "
            f"{shape_str(input.shape)}). Note that dropout1d exists to provide channel-wise dropout on inputs "
            "with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    if input.ndim == 2:
        return _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0)
    return _feature_dropout(input, p, training, False)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels x[n, c] of (N, C, H, W) with probability p; scale the rest by 1/(1-p).

    A 3-D input is read as (N, C, L), with PyTorch's warning.

    >>> F.dropout2d(tc.ones(2, 3, 4, 4), 0.5).shape
    (2, 3, 4, 4)
    """
    _check(input, p, "dropout2d")
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result in an "
            "error in a future release. To retain the behavior and silence this warning, please use dropout "
            "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2)
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    if input.ndim < 2:
        raise RuntimeError(f"dropout2d: Feature dropout requires at least 2 dimensions in the input, got shape "
                           f"{shape_str(input.shape)}")
    return _feature_dropout(input, p, training, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take SELU's floor -alpha', then an affine map
    a x + b restores mean 0 and variance 1 (a = ((alpha'^2 p + 1)(1 - p))^-1/2).

    Note PyTorch's default ``training=False`` for this function form.

    >>> F.alpha_dropout(tc.randn(100), 0.2, training=True).shape
    (100,)
    """
    _check(input, p, "alpha_dropout")
    if not training or p == 0.0:
        return input
    dt = _array(input).dtype if input.is_floating_point() else np.dtype(np.float32)
    return _apply_mask(input, _keep_mask(tuple(input.shape), p, dt), p, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels x[n, c, ...] (``nn.FeatureAlphaDropout``).

    >>> F.feature_alpha_dropout(tc.randn(2, 3, 4), 0.2, training=True).shape
    (2, 3, 4)
    """
    _check(input, p, "feature_alpha_dropout")
    if not training:  # evaluation is the identity for any input, as PyTorch (the dim check is training's)
        return input
    if input.ndim < 2:
        raise RuntimeError(f"feature_alpha_dropout: Feature dropout requires at least 2 dimensions in the input, "
                           f"got shape {shape_str(input.shape)}")
    return _feature_dropout(input, p, training, True)

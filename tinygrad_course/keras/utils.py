"""``to_categorical`` and ``normalize``, as in ``keras.utils``."""
from typing import Optional

import numpy as np

from ..autograd.tensor import Tensor

__all__ = ["to_categorical", "normalize"]


def to_categorical(y, num_classes: Optional[int] = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode class indices: shape ``y.shape + (num_classes,)`` (a trailing axis of 1 is dropped).

    >>> to_categorical([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y.detach().numpy() if isinstance(y, Tensor) else y)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("to_categorical: class labels must be integers, got non-integer values such as "
                             f"{y[~np.isfinite(y) | (y != np.round(y))].ravel()[:3].tolist()}")
    elif y.dtype.kind not in "biu":
        raise ValueError(f"to_categorical: class labels must be integers, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = int(y.min()) if y.min() < 0 else int(y.max())
        raise ValueError(f"to_categorical: label {bad} is outside the valid range [0, {num_classes}) "
                         f"for num_classes={num_classes}")
    out = np.zeros(y.shape + (int(num_classes),), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """x / ||x||_order along ``axis`` (zero vectors stay zero)."""
    x = np.asarray(x.detach().numpy() if isinstance(x, Tensor) else x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)

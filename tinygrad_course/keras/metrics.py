"""Metrics accumulated over an epoch on NumPy arrays (no graph): accuracy flavours, mse, mae, callables.

``'accuracy'`` is read from the loss as Keras does: class index for sparse labels, argmax of one-hot
targets for categorical ones, threshold 0.5 for binary outputs (or any single-unit output).
"""
from typing import Callable, List, Sequence, Union

import numpy as np

from ..autograd.factories import from_numpy
from ..autograd.grad_mode import no_grad
from ..autograd.tensor import Tensor

__all__ = ["Metric", "get", "categorical_accuracy", "sparse_categorical_accuracy", "binary_accuracy"]


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where argmax(y_pred) == argmax(y_true), per sample."""
    return (np.argmax(y_pred, -1) == np.argmax(y_true, -1)).astype(np.float64)


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """1 where argmax(y_pred) == y_true, per sample."""
    return (np.argmax(y_pred, -1) == np.asarray(y_true).reshape(y_pred.shape[:-1])).astype(np.float64)


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """1 where (y_pred > threshold) == y_true (> 0.5), element-wise."""
    return ((y_pred > threshold) == (np.asarray(y_true).reshape(y_pred.shape) > 0.5)).astype(np.float64)


def _mse(y_true, y_pred):
    return (y_pred - np.asarray(y_true).reshape(y_pred.shape)) ** 2


def _mae(y_true, y_pred):
    return np.abs(y_pred - np.asarray(y_true).reshape(y_pred.shape))


class Metric:
    """A running mean of ``fn(y_true, y_pred)`` over every sample seen since ``reset()``."""

    def __init__(self, name: str, fn: Callable):
        self.name, self.fn = name, fn
        self.reset()

    def reset(self) -> None:
        """Forget the accumulated state (start of an epoch)."""
        self.total, self.count = 0.0, 0

    def update(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        """Accumulate the metric over one batch of targets and predictions (NumPy arrays)."""
        v = np.asarray(self.fn(y_true, y_pred), dtype=np.float64)
        n = len(y_pred)
        if v.ndim == 0:  # a callable returning the batch mean
            self.total += float(v) * n
        else:
            self.total += float(v.reshape(n, -1).mean(axis=1).sum())
        self.count += n

    def result(self) -> float:
        """The metric over everything accumulated since the last ``reset``."""
        return self.total / self.count if self.count else float("nan")


_ACCURACY = {"categorical": categorical_accuracy, "sparse": sparse_categorical_accuracy, "binary": binary_accuracy}
_BY_NAME = {"categorical_accuracy": categorical_accuracy, "sparse_categorical_accuracy": sparse_categorical_accuracy,
            "binary_accuracy": binary_accuracy, "mse": _mse, "mean_squared_error": _mse, "mae": _mae,
            "mean_absolute_error": _mae}


def _user_metric(fn):
    def call(y_true, y_pred):
        with no_grad():
            out = fn(from_numpy(np.asarray(y_true)), from_numpy(np.asarray(y_pred)))
        return out.numpy() if isinstance(out, Tensor) else out

    return call


def get(identifiers: Union[None, Sequence], loss_kind: str, out_units: int) -> List[Metric]:
    """Metric objects for ``compile(metrics=[...])``; ``'accuracy'`` / ``'acc'`` resolved from the loss."""
    if identifiers is None:
        return []
    if isinstance(identifiers, (str, dict)) or callable(identifiers):
        identifiers = [identifiers]
    out = []
    for ident in identifiers:
        if isinstance(ident, str):
            if ident in ("accuracy", "acc"):
                kind = loss_kind if loss_kind in _ACCURACY else ("binary" if out_units == 1 else "categorical")
                if kind == "categorical" and out_units == 1:
                    kind = "binary"
                out.append(Metric(ident, _ACCURACY[kind]))
            elif ident in _BY_NAME:
                out.append(Metric(ident, _BY_NAME[ident]))
            else:
                valid = ", ".join(sorted(["accuracy", "acc"] + list(_BY_NAME)))
                raise ValueError(f"Unknown metric {ident!r}; valid names: {valid}")
        elif callable(ident):
            out.append(Metric(getattr(ident, "__name__", type(ident).__name__), _user_metric(ident)))
        else:
            raise TypeError(f"metrics must be names or callables, got {type(ident).__name__}")
    return out


def __dir__():
    return list(__all__)

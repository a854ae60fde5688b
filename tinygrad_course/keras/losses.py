"""Keras losses: ``loss(y_true, y_pred)`` (Keras' argument order) -> mean over the batch.

Like Keras, the probability losses take the model's *output* (already through softmax / sigmoid).
Inside ``fit`` the model hands over the pre-activation logits too when its last layer ends in a
softmax (sigmoid), and the loss is then computed from them with log-softmax (log-sigmoid): exact
and stable where Keras clips probabilities to [1e-7, 1 - 1e-7]. Given probabilities only, we clip
like Keras.
"""
from typing import Callable, Union

import numpy as np

from ..autograd.dtypes import get_default_dtype
from ..autograd.tensor import Tensor
from ..nn import functional as F
from ..nn.module import Module
from . import activations

__all__ = ["Loss", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryCrossentropy",
           "MeanSquaredError", "MeanAbsoluteError", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mean_squared_error", "mean_absolute_error", "mse", "mae", "get"]

EPSILON = 1e-7  # Keras' backend.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON]


def _shape(s):
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


class Loss:
    """Base: ``__call__(y_true, y_pred)`` returns the batch-mean loss as a scalar Tensor."""

    name = "loss"
    kind = "generic"  # how 'accuracy' is read for this loss: categorical, sparse, binary or generic

    def __call__(self, y_true: Tensor, y_pred: Tensor) -> Tensor:
        raise TypeError(f"{type(self).__name__} is abstract; use a concrete loss")

    def from_model(self, y_true: Tensor, y_pred: Tensor, logits, activation) -> Tensor:
        """The loss given the model output and, when the last layer ends in ``activation``, its input."""
        return self(y_true, y_pred)

    def prepare_targets(self, y: np.ndarray, out_shape, where: str) -> np.ndarray:
        """Check targets against the model's output shape (without batch) and cast them; ValueError if wrong."""
        y = _as_float(y, self.name)
        return _match_shape(y, out_shape, self.name, where)


def _as_float(y, name):
    if y.dtype.kind not in "biuf":
        raise ValueError(f"{name}: targets must be numbers, got dtype {y.dtype}")
    return y.astype(get_default_dtype().np, copy=False)


def _match_shape(y, out_shape, name, where, hint=""):
    want = tuple(out_shape)
    got = tuple(y.shape[1:])
    if got == want:
        return y
    if int(np.prod(got, dtype=np.int64)) == int(np.prod(want, dtype=np.int64)) and (got + (1,) == want or got == want + (1,)):
        return y.reshape((len(y),) + want)  # (N,) vs (N, 1): Keras squeezes/expands the same way
    raise ValueError(f"{name} in {where}(): targets of shape {_shape((None,) + got)} do not match the model "
                     f"output shape {_shape((None,) + want)}{hint}")


class CategoricalCrossentropy(Loss):
    """-sum_c y_true_c * log(p_c), averaged over the batch; y_true one-hot or probabilities."""

    name = "categorical_crossentropy"
    kind = "categorical"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def __call__(self, y_true, y_pred):
        if self.from_logits:
            logp = y_pred.log_softmax(-1)
        else:
            # Keras: renormalise the output, then clip before the log
            p = y_pred / y_pred.sum(-1, keepdim=True)
            logp = p.clamp(EPSILON, 1.0 - EPSILON).log()
        return -(y_true * logp).sum(-1).mean()

    def from_model(self, y_true, y_pred, logits, activation):
        if not self.from_logits and logits is not None and activation is activations.softmax:
            return -(y_true * logits.log_softmax(-1)).sum(-1).mean()
        return self(y_true, y_pred)

    def prepare_targets(self, y, out_shape, where):
        hint = ""
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            hint = (f"; one-hot encode class labels with keras.utils.to_categorical(y, {out_shape[-1]}) "
                    "or use loss='sparse_categorical_crossentropy'")
        return _match_shape(_as_float(y, self.name), out_shape, self.name, where, hint)


class SparseCategoricalCrossentropy(Loss):
    """-log(p[y_true]) averaged over the batch; y_true integer class indices."""

    name = "sparse_categorical_crossentropy"
    kind = "sparse"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    @staticmethod
    def _pick(logp, y_true):
        return -logp.gather(-1, y_true.long().unsqueeze(-1)).mean()

    def __call__(self, y_true, y_pred):
        if self.from_logits:
            return self._pick(y_pred.log_softmax(-1), y_true)
        p = y_pred / y_pred.sum(-1, keepdim=True)
        return self._pick(p.clamp(EPSILON, 1.0 - EPSILON).log(), y_true)

    def from_model(self, y_true, y_pred, logits, activation):
        if not self.from_logits and logits is not None and activation is activations.softmax:
            return self._pick(logits.log_softmax(-1), y_true)
        return self(y_true, y_pred)

    def prepare_targets(self, y, out_shape, where):
        n_classes = out_shape[-1]
        want = tuple(out_shape[:-1])
        if tuple(y.shape[1:]) == want + (1,):
            y = y.reshape((len(y),) + want)
        if tuple(y.shape[1:]) != want:
            raise ValueError(f"{self.name} in {where}(): targets of shape {_shape(y.shape)} do not match the model "
                             f"output shape {_shape((None,) + tuple(out_shape))}: expected one class index per "
                             f"sample, shape {_shape((len(y),) + want)}")
        if y.dtype.kind == "f":
            if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
                raise ValueError(f"{self.name} in {where}(): labels must be integer class indices, got non-integer "
                                 f"values such as {y[y != np.round(y)].ravel()[:3].tolist()}")
        elif y.dtype.kind not in "biu":
            raise ValueError(f"{self.name} in {where}(): labels must be integer class indices, got dtype {y.dtype}")
        if y.size:
            lo, hi = y.min(), y.max()
            if lo < 0 or hi >= n_classes:
                bad = lo if lo < 0 else hi
                raise ValueError(f"{self.name} in {where}(): received a label value of {bad:g} which is outside the "
                                 f"valid range of [0, {n_classes}) for a model with {n_classes} outputs")
        return y.astype(np.int64)


class BinaryCrossentropy(Loss):
    """-(y log p + (1 - y) log(1 - p)), averaged; y_true in [0, 1]."""

    name = "binary_crossentropy"
    kind = "binary"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def __call__(self, y_true, y_pred):
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(y_pred, y_true)
        p = y_pred.clamp(EPSILON, 1.0 - EPSILON)
        return -(y_true * p.log() + (1 - y_true) * (1 - p).log()).mean()

    def from_model(self, y_true, y_pred, logits, activation):
        if not self.from_logits and logits is not None and activation is activations.sigmoid:
            return F.binary_cross_entropy_with_logits(logits, y_true)
        return self(y_true, y_pred)

    def prepare_targets(self, y, out_shape, where):
        y = super().prepare_targets(y, out_shape, where)
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"{self.name} in {where}(): targets must lie in [0, 1], got values in "
                             f"[{y.min():g}, {y.max():g}]")
        return y


class MeanSquaredError(Loss):
    """mean((y_true - y_pred)^2)."""

    name = "mean_squared_error"

    def __call__(self, y_true, y_pred):
        return ((y_pred - y_true) ** 2).mean()


class MeanAbsoluteError(Loss):
    """mean(|y_true - y_pred|)."""

    name = "mean_absolute_error"

    def __call__(self, y_true, y_pred):
        return (y_pred - y_true).abs().mean()


class LossFunctionWrapper(Loss):
    """A user loss: ``fn(y_true, y_pred)`` (Keras order), or an ``nn`` loss module called as ``module(y_pred, y_true)``."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.name = getattr(fn, "__name__", type(fn).__name__)
        self.kind = _KIND_BY_NAME.get(self.name, "generic")

    def __call__(self, y_true, y_pred):
        out = self.fn(y_pred, y_true) if isinstance(self.fn, Module) else self.fn(y_true, y_pred)
        if not isinstance(out, Tensor):
            raise TypeError(f"loss {self.name!r} must return a Tensor, got {type(out).__name__}")
        return out.mean() if out.ndim else out

    def prepare_targets(self, y, out_shape, where):
        if y.dtype.kind in "biu":
            return y.astype(np.int64)
        return _as_float(y, self.name)


def categorical_crossentropy(y_true, y_pred):
    """Keras' functional form: see ``CategoricalCrossentropy``."""
    return CategoricalCrossentropy()(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Keras' functional form: see ``SparseCategoricalCrossentropy``."""
    return SparseCategoricalCrossentropy()(y_true, y_pred)


def binary_crossentropy(y_true, y_pred):
    """Keras' functional form: see ``BinaryCrossentropy``."""
    return BinaryCrossentropy()(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """Keras' functional form: see ``MeanSquaredError``."""
    return MeanSquaredError()(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    """Keras' functional form: see ``MeanAbsoluteError``."""
    return MeanAbsoluteError()(y_true, y_pred)


mse = mean_squared_error
mae = mean_absolute_error

_BY_NAME = {
    "categorical_crossentropy": CategoricalCrossentropy, "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy, "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
}
_FUNCS = {categorical_crossentropy: "categorical_crossentropy",
          sparse_categorical_crossentropy: "sparse_categorical_crossentropy",
          binary_crossentropy: "binary_crossentropy", mean_squared_error: "mean_squared_error",
          mean_absolute_error: "mean_absolute_error"}
_KIND_BY_NAME = {"categorical_crossentropy": "categorical", "sparse_categorical_crossentropy": "sparse",
                 "binary_crossentropy": "binary"}


def get(identifier: Union[str, Callable, Loss]) -> Loss:
    """A ``Loss`` for a Keras name, a ``Loss`` instance, a Keras loss function or any callable."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier)
        if cls is None:
            raise ValueError(f"Unknown loss {identifier!r}; valid names: {', '.join(sorted(_BY_NAME))}")
        return cls()
    if callable(identifier):
        if identifier in _FUNCS:
            return _BY_NAME[_FUNCS[identifier]]()
        return LossFunctionWrapper(identifier)
    raise ValueError(f"loss must be a name ({', '.join(sorted(_BY_NAME))}), a Loss or a callable, "
                     f"got {identifier!r}")


def __dir__():
    return list(__all__)

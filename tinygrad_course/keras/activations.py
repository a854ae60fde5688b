"""Keras activation names mapped to tensor functions (``activations.get('relu')``)."""
from typing import Callable, Optional, Union

from ..nn import functional as F

__all__ = ["get", "serialize", "linear", "relu", "softmax", "sigmoid", "tanh", "elu", "softplus", "selu",
           "softsign", "gelu", "swish", "silu", "leaky_relu", "exponential", "hard_sigmoid"]


def linear(x):
    """f(x) = x."""
    return x


def relu(x):
    """f(x) = max(x, 0)."""
    return F.relu(x)


def softmax(x):
    """f(x)_i = exp(x_i) / sum_j exp(x_j) over the last axis (Keras' default axis=-1)."""
    return F.softmax(x, dim=-1)


def sigmoid(x):
    """f(x) = 1 / (1 + exp(-x))."""
    return F.sigmoid(x)


def tanh(x):
    """f(x) = tanh(x)."""
    return F.tanh(x)


def elu(x):
    """f(x) = x if x > 0 else exp(x) - 1 (alpha = 1)."""
    return F.elu(x)


def softplus(x):
    """f(x) = log(1 + exp(x))."""
    return F.softplus(x)


def selu(x):
    """f(x) = scale * elu(x, alpha), scale = 1.0507..., alpha = 1.6732..."""
    return 1.0507009873554805 * F.elu(x, alpha=1.6732632423543772)


def softsign(x):
    """f(x) = x / (1 + |x|)."""
    return x / (x.abs() + 1)


def gelu(x):
    """f(x) = x * Phi(x) (exact form, as Keras' ``approximate=False``)."""
    return F.gelu(x)


def swish(x):
    """f(x) = x * sigmoid(x)."""
    return F.silu(x)


silu = swish


def leaky_relu(x):
    """f(x) = x if x > 0 else 0.2 x (Keras' default negative_slope=0.2)."""
    return F.leaky_relu(x, 0.2)


def exponential(x):
    """f(x) = exp(x)."""
    return x.exp()


def hard_sigmoid(x):
    """f(x) = clip(0.2 x + 0.5, 0, 1): Keras 2.2's piecewise-linear sigmoid (the LSTM/GRU gate default).

    Keras 3 changed it to relu6(x + 3) / 6 (slope 1/6); we follow Keras 2.2.
    """
    return (x * 0.2 + 0.5).clamp(0.0, 1.0)


_BY_NAME = {
    "linear": linear, "relu": relu, "softmax": softmax, "sigmoid": sigmoid, "tanh": tanh, "elu": elu,
    "softplus": softplus, "selu": selu, "softsign": softsign, "gelu": gelu, "swish": swish, "silu": silu,
    "leaky_relu": leaky_relu, "exponential": exponential,
    "hard_sigmoid": hard_sigmoid,
}


def get(identifier: Union[None, str, Callable]) -> Callable:
    """The activation function for a Keras name, ``None`` (linear) or a callable (returned as is)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(f"Unknown activation {identifier!r}; valid names: {', '.join(sorted(_BY_NAME))}")
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"activation must be a name, a callable or None, got {type(identifier).__name__}")


def serialize(fn: Optional[Callable]) -> str:
    """The Keras name of an activation function (its ``__name__`` for a user callable)."""
    for name, f in _BY_NAME.items():
        if f is fn:
            return name
    return getattr(fn, "__name__", type(fn).__name__)


def __dir__():
    return list(__all__)

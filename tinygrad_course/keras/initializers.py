"""Keras initializer names, filling tc Parameters in place through ``nn.init``.

Fans are computed on PyTorch-layout weights (Linear (out, in), Conv2d (out, in, kh, kw)), which
give the same fan_in / fan_out as Keras' (in, out) and (kh, kw, in, out) kernels.
"""
import math
from typing import Callable, Union

from ..nn import init

__all__ = ["get", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
           "uniform", "normal", "zeros", "ones", "orthogonal"]

# Keras draws its "normal" variance-scaling initializers from a normal truncated at 2 std and
# rescales std by this factor so that the truncated draw keeps the intended variance.
_TRUNC_STD_CORRECTION = 0.87962566103423978


def _fans(w):
    return init._calculate_fan_in_and_fan_out(w) if w.ndim >= 2 else (w.shape[0], w.shape[0])


def _truncated(w, std):
    std = std / _TRUNC_STD_CORRECTION
    return init.trunc_normal_(w, 0.0, std, -2 * std, 2 * std)


def _variance_scaling(w, scale, mode, distribution):
    """Keras' ``VarianceScaling``: fan = fan_in or (fan_in + fan_out) / 2 ("fan_avg");
    U(-a, a), a = sqrt(3 scale / fan), or truncated N(0, std^2), std = sqrt(scale / fan)."""
    fan_in, fan_out = _fans(w)
    fan = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
    if distribution == "uniform":
        a = math.sqrt(3.0 * scale / fan)
        return init.uniform_(w, -a, a)
    return _truncated(w, math.sqrt(scale / fan))


def glorot_uniform(w):
    """U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (Keras' default kernel initializer)."""
    return _variance_scaling(w, 1.0, "fan_avg", "uniform")


def glorot_normal(w):
    """Truncated N(0, std^2), std = sqrt(2 / (fan_in + fan_out))."""
    return _variance_scaling(w, 1.0, "fan_avg", "normal")


def he_uniform(w):
    """U(-a, a), a = sqrt(6 / fan_in)."""
    return _variance_scaling(w, 2.0, "fan_in", "uniform")


def he_normal(w):
    """Truncated N(0, std^2), std = sqrt(2 / fan_in)."""
    return _variance_scaling(w, 2.0, "fan_in", "normal")


def lecun_uniform(w):
    """U(-a, a), a = sqrt(3 / fan_in)."""
    return _variance_scaling(w, 1.0, "fan_in", "uniform")


def lecun_normal(w):
    """Truncated N(0, std^2), std = sqrt(1 / fan_in)."""
    return _variance_scaling(w, 1.0, "fan_in", "normal")


def uniform(w):
    """U(-0.05, 0.05) (Keras' ``RandomUniform()``, the lecture's ``kernel_initializer='uniform'``)."""
    return init.uniform_(w, -0.05, 0.05)


def normal(w):
    """N(0, 0.05^2) (Keras' ``RandomNormal()``)."""
    return init.normal_(w, 0.0, 0.05)


def zeros(w):
    """All zeros."""
    return init.zeros_(w)


def ones(w):
    """All ones."""
    return init.ones_(w)


def orthogonal(w):
    """A random orthogonal matrix (QR of a Gaussian one): Keras' ``recurrent_initializer`` default.

    On a PyTorch-layout (out, in) weight it gives orthonormal columns, i.e. orthonormal rows of the
    Keras-layout (in, out) kernel, as Keras' ``Orthogonal(gain=1)``.
    """
    return init.orthogonal_(w)


_BY_NAME = {
    "glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal, "he_uniform": he_uniform,
    "he_normal": he_normal, "lecun_uniform": lecun_uniform, "lecun_normal": lecun_normal,
    "uniform": uniform, "random_uniform": uniform, "normal": normal, "random_normal": normal,
    "zeros": zeros, "ones": ones, "orthogonal": orthogonal,
}


def get(identifier: Union[str, Callable]) -> Callable:
    """The in-place initializer for a Keras name, or a callable ``fn(param)`` returned as is."""
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(f"Unknown initializer {identifier!r}; valid names: {', '.join(sorted(_BY_NAME))}")
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"initializer must be a name or a callable, got {type(identifier).__name__}")


def __dir__():
    return list(__all__)

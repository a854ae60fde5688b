"""Activations: relu leaky_relu elu gelu sigmoid tanh softplus silu logsigmoid softmax log_softmax (+ erf)."""
import math
import warnings

import tinygrad_course as _tc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...autograd.tensor import Tensor

__all__ = ["relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softplus", "silu",
           "logsigmoid", "softmax", "log_softmax", "softmin", "erf"]


def erf(input):
    """The error function, elementwise: ``tc.erf`` (its kernel and derivatives live in
    autograd/ops/special.py). ``F.erf(tc.tensor([0.]))`` -> tensor([0.]).

    >>> F.erf(tc.tensor([0.]))
    tensor([0.])
    """
    return input.erf()


# ------------------------------------------------------------------------- activations
def relu(input: "Tensor", inplace: bool = False) -> "Tensor":
    """max(x, 0) (``inplace`` accepted for compatibility; the result is a new tensor).

    >>> F.relu(tc.tensor([-2., 0., 2.]))
    tensor([0., 0., 2.])
    """
    return input.relu()


def relu6(input, inplace=False):
    """min(max(x, 0), 6).

    >>> F.relu6(tc.tensor([-2., 0., 2.]))
    tensor([0., 0., 2.])
    """
    return hardtanh(input, 0.0, 6.0)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val); the gradient is 1 strictly inside (min_val, max_val), as PyTorch.

    >>> F.hardtanh(tc.tensor([-2., 0., 2.]))
    tensor([-1., 0., 1.])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh(): min_val cannot be greater than max_val (got {min_val} > {max_val})")
    if not input.is_floating_point():  # integer inputs stay integers (PyTorch casts the bounds)
        min_val, max_val = int(min_val), int(max_val)
    inside = (input > min_val) & (input < max_val)
    return _tc.where(inside, input, input.detach().clamp(min_val, max_val))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x.

    >>> F.leaky_relu(tc.tensor([-2., 0., 2.]))
    tensor([-0.0200,  0.0000,  2.0000])
    """
    return _tc.where(input > 0, input, input * negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (e^x - 1).

    >>> F.elu(tc.tensor([-2., 0., 2.]))
    tensor([-0.8647,  0.0000,  2.0000])
    """
    # exp of the clamped input: the unused branch must not overflow (inf * 0 = nan in backward)
    neg = (input.clamp(max=0.0).exp() - 1.0) * alpha
    return _tc.where(input > 0, input, neg)


def gelu(input, approximate="none"):
    """x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2));  'tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    >>> F.gelu(tc.tensor([-2., 0., 2.]))
    tensor([-0.0455,  0.0000,  1.9545])
    """
    if approximate == "none":
        return input * 0.5 * (1.0 + erf(input * (1.0 / math.sqrt(2.0))))
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (1.0 + inner.tanh())
    raise RuntimeError(f"gelu(): approximate argument must be either 'none' or 'tanh', got {approximate!r}")


def sigmoid(input):
    """1 / (1 + e^-x).

    >>> F.sigmoid(tc.tensor([-2., 0., 2.]))
    tensor([0.1192, 0.5000, 0.8808])
    """
    return input.sigmoid()


def tanh(input):
    """tanh x.

    >>> F.tanh(tc.tensor([-2., 0., 2.]))
    tensor([-0.9640,  0.0000,  0.9640])
    """
    return input.tanh()


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (as PyTorch).

    >>> F.softplus(tc.tensor([-2., 0., 2.]))
    tensor([0.1269, 0.6931, 2.1269])
    """
    bx = input * beta if beta != 1 else input
    soft = bx.clamp(max=threshold).exp().log1p()
    if beta != 1:
        soft = soft / beta
    return _tc.where(bx > threshold, input, soft)


def softplus_exact(x):
    """log(1 + e^x) without overflow and with the exact derivative sigmoid(x) everywhere (also at 0)."""
    pos = x + (-x.clamp(min=0.0)).exp().log1p()  # x + log(1 + e^-x) for x > 0
    neg = x.clamp(max=0.0).exp().log1p()  # log(1 + e^x) for x <= 0
    return _tc.where(x > 0, pos, neg)


def silu(input, inplace=False):
    """x * sigmoid(x).

    >>> F.silu(tc.tensor([-2., 0., 2.]))
    tensor([-0.2384,  0.0000,  1.7616])
    """
    return input * input.sigmoid()


def logsigmoid(input):
    """log sigmoid(x) = -softplus(-x), stable for large |x|.

    >>> F.logsigmoid(tc.tensor([-2., 0., 2.]))
    tensor([-2.1269, -0.6931, -0.1269])
    """
    return -softplus_exact(-input)


def _softmax_dim(ndim, name):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _cast(input, dtype):
    return input if dtype is None else input.to(dtype)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x_i) / sum_j exp(x_j) along dim.

    >>> F.softmax(tc.tensor([-2., 0., 2.]), dim=0)
    tensor([0.0159, 0.1173, 0.8668])
    """
    if dim is None:
        dim = _softmax_dim(input.ndim, "softmax")
    return _cast(input, dtype).softmax(dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along dim.

    >>> F.softmin(tc.tensor([-2., 0., 2.]), dim=0)
    tensor([0.8668, 0.1173, 0.0159])
    """
    if dim is None:
        dim = _softmax_dim(input.ndim, "softmin")
    return (-_cast(input, dtype)).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x_i - logsumexp(x) along dim (stable).

    >>> F.log_softmax(tc.tensor([-2., 0., 2.]), dim=0)
    tensor([-4.1429, -2.1429, -0.1429])
    """
    if dim is None:
        dim = _softmax_dim(input.ndim, "log_softmax")
    return _cast(input, dtype).log_softmax(dim)

"""instance_norm: normalise each (sample, channel) slice over its spatial dims."""
from typing import Optional

import numpy as np

from ...autograd import _array, _bump_version
from ...autograd.tensor import Tensor
from ._utils import shape_str

__all__ = ["instance_norm"]


def instance_norm(input: Tensor, running_mean: Optional[Tensor] = None, running_var: Optional[Tensor] = None,
                  weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """y[n, c] = (x[n, c] - mean) / sqrt(var + eps) * weight[c] + bias[c], statistics over the spatial dims.

    With ``use_input_stats`` each instance uses its own mean and biased variance, and given
    running buffers are updated in place with the batch average of the instance statistics
    (running = (1 - momentum) running + momentum * stat, variance unbiased), as PyTorch.
    Without it the running statistics are used.

    Args:
        input: (N, C, *spatial).  running_mean, running_var, weight, bias: (C,) or None.

    >>> F.instance_norm(tc.randn(2, 3, 8)).shape
    (2, 3, 8)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"instance_norm(): expected a Tensor input, got {type(input).__name__}")
    if input.ndim < 3:
        raise ValueError(f"instance_norm(): expected input (N, C, *spatial) of at least 3 dimensions, got shape "
                         f"{shape_str(input.shape)}")
    C = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"instance_norm(): {name} should contain {C} elements not {t.numel()} "
                               f"(input shape {shape_str(input.shape)})")
    axes = tuple(range(2, input.ndim))
    bshape = (1, C) + (1,) * (input.ndim - 2)
    if use_input_stats:
        n = int(np.prod(input.shape[2:]))
        if n <= 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                             f"{shape_str(input.shape)}")
        mean = input.mean(axes, keepdim=True)
        xc = input - mean
        var = (xc * xc).mean(axes, keepdim=True)
        out = xc * (var + eps).rsqrt()
        m = float(momentum)
        for buf, stat, corr in ((running_mean, mean, 1.0), (running_var, var, n / (n - 1))):
            if buf is not None:
                arr = _array(buf)
                batch = _array(stat).reshape(input.shape[0], C).mean(0) * corr
                arr[...] = (1 - m) * arr + m * batch.astype(arr.dtype)
                _bump_version(buf)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("instance_norm(): Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        out = (input - running_mean.reshape(bshape)) * (running_var.reshape(bshape) + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(bshape)
    if bias is not None:
        out = out + bias.reshape(bshape)
    return out

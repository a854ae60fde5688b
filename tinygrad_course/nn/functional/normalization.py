"""batch_norm, layer_norm, group_norm: normalise, then scale and shift (composed of tensor ops)."""
import numpy as np

from ._utils import shape_str
from ...autograd import _array
from ...autograd.effects import replayed

__all__ = ["batch_norm", "layer_norm", "group_norm"]


def _bump(t):
    vc = getattr(t, "_vc", None)
    if vc is not None:
        vc[0] += 1


@replayed  # raw in-place writes to buffers: tc.compile replays the call
def _update_running(running_mean, running_var, mean, var, m, n):
    """running = (1 - m) running + m batch (the variance unbiased by n / (n - 1)), in place."""
    if running_mean is not None:
        rm = _array(running_mean)
        rm[...] = (1 - m) * rm + m * _array(mean).reshape(rm.shape).astype(rm.dtype)
        _bump(running_mean)
    if running_var is not None:
        rv = _array(running_var)
        rv[...] = (1 - m) * rv + m * _array(var).reshape(rv.shape).astype(rv.dtype) * (n / (n - 1))
        _bump(running_var)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias per channel (dim 1).

    Training uses the batch's mean and biased variance and updates the running statistics
    in place: running = (1 - momentum) running + momentum * batch (variance unbiased, n/(n-1)).
    Evaluation uses the running statistics.

    >>> F.batch_norm(tc.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if training:  # PyTorch's Python-side check, made before any other
        if input.ndim == 0:
            raise IndexError("batch_norm(): a 0-d input has no batch dimension (expected (N, C, ...))")
        if input.shape[0] * int(np.prod(input.shape[2:], dtype=np.int64)) == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {shape_str(input.shape)}")
    if input.numel() == 0:  # PyTorch returns a copy (no statistics): x * weight[0] + bias[0], still on the tape
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    if input.ndim < 2:  # no channel dim: PyTorch's kernel sees 0 channels
        if not training or any(t is not None for t in (running_mean, running_var, weight, bias)):
            raise RuntimeError(f"batch_norm(): an input of shape {shape_str(input.shape)} has no channel dim 1 "
                               f"(expected (N, C, ...)): running statistics, weight and bias cannot match it")
        raise IndexError(f"batch_norm(): Dimension out of range: the channel dim 1 of an input of shape "
                         f"{shape_str(input.shape)} (expected (N, C, ...))")
    C = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"batch_norm(): {name} should contain {C} elements not {t.numel()} (input shape {shape_str(input.shape)})")
    axes = (0,) + tuple(range(2, input.ndim))
    bshape = (1, C) + (1,) * (input.ndim - 2)
    if training:
        n = input.numel() // C
        mean = input.mean(axes, keepdim=True)
        xc = input - mean
        var = (xc * xc).mean(axes, keepdim=True)
        out = xc * (var + eps).rsqrt()
        if running_mean is not None or running_var is not None:
            _update_running(running_mean, running_var, mean, var, float(momentum), n)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm(): running_mean and running_var must be given when training=False")
        mean = running_mean.reshape(bshape)
        out = (input - mean) * (running_var.reshape(bshape) + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(bshape)
    if bias is not None:
        out = out + bias.reshape(bshape)
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the last len(normalized_shape) dims.

    >>> F.layer_norm(tc.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    if isinstance(normalized_shape, (int, np.integer)):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != normalized_shape:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size{list(input.shape)}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != normalized_shape:
            raise RuntimeError(f"layer_norm(): {name} of shape {shape_str(t.shape)} does not match normalized_shape {normalized_shape}")
    axes = tuple(range(input.ndim - k, input.ndim))
    mean = input.mean(axes, keepdim=True)
    xc = input - mean
    var = (xc * xc).mean(axes, keepdim=True)
    out = xc * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each group of C/num_groups channels over (channels in group, spatial dims).

    >>> F.group_norm(tc.randn(2, 4, 3), 2).shape
    tinygrad_course.Size([2, 4, 3])
    """
    if input.ndim < 2:
        raise RuntimeError(f"group_norm(): expected input (N, C, ...), got shape {shape_str(input.shape)}")
    N, C = input.shape[:2]
    if C % num_groups:
        raise RuntimeError(f"group_norm(): Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {shape_str(input.shape)} and num_groups={num_groups}")
    x = input.reshape(N, num_groups, input.numel() // max(N * num_groups, 1))  # -1 is ambiguous when N = 0
    mean = x.mean(2, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(2, keepdim=True)
    out = (xc * (var + eps).rsqrt()).reshape(input.shape)
    bshape = (1, C) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(bshape)
    if bias is not None:
        out = out + bias.reshape(bshape)
    return out

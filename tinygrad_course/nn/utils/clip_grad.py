"""``nn.utils``: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``) and parameters as one vector."""
import math

import numpy as np

from ...autograd import _array, _bump_version
from ...autograd.tensor import Tensor
from ...autograd.effects import replayed

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _params(parameters):
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def _own(p):
    """p.grad's array, made writable and owned first if the engine handed out a read-only view."""
    g = p.grad
    arr = _array(g)
    if not arr.flags.writeable:
        p.grad = Tensor(np.array(arr))
    return p.grad


@replayed  # in-place on raw gradient arrays: tc.compile replays the call
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients in place so their joint norm is at most max_norm; return that total norm.

    total = ||(||g_1||, ..., ||g_k||)||_p;  g <- g * min(1, max_norm / (total + 1e-6)).
    """
    grads = [_own(p) for p in _params(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        return Tensor(np.zeros((), np.float32))
    dt = _array(grads[0]).dtype
    if norm_type == math.inf:
        arrays = [_array(g) for g in grads]
        norms = [np.abs(a).max() if a.size else 0.0 for a in arrays]
        total = max(norms)
    else:
        norms = [np.linalg.norm(_array(g).reshape(-1).astype(np.float64), norm_type) for g in grads]
        total = np.linalg.norm(np.asarray(norms, np.float64), norm_type)
    total = np.asarray(total, dtype=dt)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    coef = min(max_norm / (float(total) + 1e-6), 1.0)
    for g in grads:
        arr = _array(g)
        arr *= arr.dtype.type(coef)
        _bump_version(g)
    return Tensor(total)


@replayed
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient in place to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    for p in _params(parameters):
        if p.grad is not None:
            g = _own(p)
            arr = _array(g)
            np.clip(arr, -clip_value, clip_value, out=arr)
            _bump_version(g)


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    import tinygrad_course as tc

    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got: {type(parameters).__name__}")
    return tc.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (in place)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    params = _params(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(
            f"vector_to_parameters(): vec must be 1-D with {total} elements (the parameters' total), "
            f"got shape {tuple(vec.shape)}"
        )
    src = _array(vec)
    pointer = 0
    for p in params:
        n = p.numel()
        dst = _array(p)
        dst[...] = src[pointer:pointer + n].reshape(dst.shape).astype(dst.dtype, copy=False)
        _bump_version(p)
        pointer += n

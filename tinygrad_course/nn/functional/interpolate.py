"""``interpolate`` / ``upsample``: resize (N, C, L) and (N, C, H, W) tensors.

Every mode is separable, so each spatial axis is resized on its own: nearest picks source
indices (a gather), linear blends two gathered neighbours with constant weights,
out = w0 x[i0] + w1 x[i1]. Gathers and multiplies are differentiable tc ops, so every
mode differentiates twice. Source positions are computed in the input's float type with
PyTorch's formulas, so the same pixels are picked.
"""
import math
from typing import Optional, Sequence, Union

import numpy as np

from ...autograd import _array, _wrap
from ...autograd.tensor import Tensor
from ._utils import shape_str
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _scale(in_size, out_size, align_corners, scale, dt):
    """PyTorch's area_pixel_compute_scale: the step in input pixels per output pixel."""
    if align_corners:
        return dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    if scale is not None and scale > 0:
        return dt.type(1.0 / scale)
    return dt.type(in_size) / dt.type(out_size)


def _nearest_index(in_size, out_size, scale, exact):
    if out_size == in_size:
        return np.arange(out_size)
    if out_size == 2 * in_size and not exact:
        return np.arange(out_size) >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(in_size) / np.float32(out_size)
    i = np.arange(out_size, dtype=np.float32)
    src = np.floor((i + np.float32(0.5)) * s) if exact else np.floor(i * s)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _take(x, axis, idx):
    return x[(slice(None),) * axis + (idx,)]


def _resize_axis(x, axis, out_size, mode, align_corners, scale):
    in_size = x.shape[axis]
    if mode in ("nearest", "nearest-exact"):
        idx = _nearest_index(in_size, out_size, scale, mode == "nearest-exact")
        if out_size == in_size:
            return x
        return _take(x, axis, idx)
    dt = _array(x).dtype
    if dt.kind != "f":
        raise RuntimeError(f"interpolate(): mode {mode!r} is not implemented for integer inputs (got {x.dtype})")
    s = _scale(in_size, out_size, align_corners, scale, dt)
    dst = np.arange(out_size, dtype=dt)
    if align_corners:
        src = s * dst
    else:
        src = np.maximum(s * (dst + dt.type(0.5)) - dt.type(0.5), dt.type(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam1 = np.clip(src - i0.astype(dt), 0, 1).astype(dt)
    lam0 = (dt.type(1) - lam1).astype(dt)
    i1 = i0 + (i0 < in_size - 1)
    bshape = (out_size,) + (1,) * (x.ndim - axis - 1)
    return _take(x, axis, i0) * _wrap(lam0.reshape(bshape)) + _take(x, axis, i1) * _wrap(lam1.reshape(bshape))


def interpolate(input: Tensor, size: Union[int, Sequence[int], None] = None,
                scale_factor: Union[float, Sequence[float], None] = None, mode: str = "nearest",
                align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, L) or (N, C, H, W) to ``size`` or ``scale_factor`` times.

    Modes: 'nearest', 'nearest-exact', 'linear' (3-D), 'bilinear' (4-D), 'area'. Linear
    modes: with align_corners the corner pixels' centres coincide (src = dst (in-1)/(out-1)),
    otherwise src = (dst + 0.5) / scale - 0.5; out = (1 - l) x[floor(src)] + l x[floor(src) + 1].

    Args:
        input: (N, C, L) or (N, C, H, W).
        size: output spatial size (int or tuple); or scale_factor (float or tuple), not both.
        mode, align_corners: as above (align_corners only for linear modes; default False).
        recompute_scale_factor: True computes the output size from scale_factor and then
            forgets the factor (the source positions use in/out, as with ``size``).

    >>> F.interpolate(tc.randn(1, 3, 4, 4), scale_factor=2, mode="bilinear").shape
    (1, 3, 8, 8)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): expected a Tensor input, got {type(input).__name__}")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate(): Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D) for the modes: nearest | linear | bilinear | bicubic | trilinear "
                                  f"| area | nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and output size of {size}. Please provide input tensor "
                    f"in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            if not all(_is_int(v) for v in size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(v) for v in size]}")
            out = [int(v) for v in size]
        else:
            if not _is_int(size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with type {type(size)}")
            out = [int(size)] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    f"Input and scale_factor must have the same number of spatial dimensions, but got input with "
                    f"spatial dimensions of {list(input.shape[2:])} and scale_factor of shape {scale_factor}. Please "
                    f"provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                    f"format.")
            scales = [float(v) for v in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [int(math.floor(input.shape[i + 2] * scales[i])) for i in range(dim)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor or mode == "area":
        scales = None
    if antialias:
        raise NotImplementedError("interpolate(): antialias=True is not supported by tinygrad_course")
    expected = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
    if input.ndim not in (3, 4) or (mode in expected and input.ndim != expected[mode]):
        if mode in expected and input.ndim in (3, 4, 5):
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {expected[mode]}D input")
        raise NotImplementedError(f"interpolate(): Input Error: Only 3D and 4D input Tensors supported (got "
                                  f"{input.ndim}D, shape {shape_str(input.shape)}) for the modes: nearest | linear | "
                                  f"bilinear | area | nearest-exact (got {mode})")
    if mode in ("bicubic", "trilinear"):
        raise NotImplementedError(f"interpolate(): mode {mode!r} is not supported by tinygrad_course")
    if any(o <= 0 for o in out) or any(s <= 0 for s in input.shape[2:]):
        raise RuntimeError(f"interpolate(): Input and output sizes should be greater than 0, but got input "
                           f"(spatial) {tuple(input.shape[2:])} and output {tuple(out)}")
    if mode == "area":
        return adaptive_avg_pool1d(input, out[0]) if dim == 1 else adaptive_avg_pool2d(input, tuple(out))
    x = input
    for i in range(dim):
        x = _resize_axis(x, 2 + i, out[i], mode, align_corners, None if scales is None else scales[i])
    return x


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners=None) -> Tensor:
    """Deprecated alias of ``interpolate`` (as in PyTorch).

    >>> F.upsample(tc.randn(1, 1, 2, 2), scale_factor=2).shape
    (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(..., mode='nearest')``.

    >>> F.upsample_nearest(tc.randn(1, 1, 2, 2), scale_factor=2).shape
    (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``.

    >>> F.upsample_bilinear(tc.randn(1, 1, 2, 2), scale_factor=2).shape
    (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)

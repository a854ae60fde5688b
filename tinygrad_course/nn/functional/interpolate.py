"""``interpolate`` / ``upsample``: resize (N, C, L), (N, C, H, W) and (N, C, D, H, W) tensors.

Every mode is separable, so each spatial axis is resized on its own (``resample.resize_axis``):
nearest picks source indices (a gather), linear and cubic blend 2 or 4 gathered neighbours with
constant weights, out = sum_j w_j x[i_j], area averages adaptive-pooling windows. Gathers,
multiplies and sums are differentiable tc ops, so every mode differentiates twice. Source
positions and weights are computed in the input's float type with PyTorch's formulas, so the same
pixels and weights are used; the last axis is resized first, as PyTorch's kernels nest the sums.
"""
import math
from typing import Optional, Sequence, Union

import numpy as np

from ...autograd import _array
from ...autograd.tensor import Tensor
from ._utils import shape_str
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
from .resample import resize_axis

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

# (input ndim, mode) -> the per-axis kernel of resample.resize_axis
_KERNELS = {(n, m): m for n in (3, 4, 5) for m in ("nearest", "nearest-exact", "area")}
_KERNELS.update({(3, "linear"): "linear", (4, "bilinear"): "linear", (5, "trilinear"): "linear",
                 (4, "bicubic"): "cubic"})
_LINEAR_NDIM = {"linear": 3, "bilinear": 4, "trilinear": 5}
# PyTorch's names of the dtypes in its "not implemented for" messages
_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _check_dtype(input, mode, kernel):
    """PyTorch's kernels: nearest modes take floats and uint8, the others floats only."""
    kind = _array(input).dtype
    if kind.kind == "f" or (kernel in ("nearest", "nearest-exact") and kind == np.uint8):
        return
    what = {"area": f"adaptive_avg_pool{input.ndim - 2}d", "cubic": "compute_indices_weights_cubic",
            "linear": "compute_indices_weights_linear"}.get(kernel, "compute_indices_weights_nearest")
    raise NotImplementedError(f"interpolate(): \"{what}\" not implemented for '{_TORCH_NAMES.get(kind.name, kind.name)}' "
                              f"(mode {mode!r} needs a floating-point input{' or uint8' if 'nearest' in kernel else ''})")


def _check_sizes(input, out, kernel):
    spatial = tuple(input.shape[2:])
    if kernel == "area":  # adaptive average pooling: an empty output is allowed, an empty input is not
        if any(o < 0 for o in out):
            raise RuntimeError(f"adaptive_avg_pool{input.ndim - 2}d: elements of output_size must be greater than or "
                               f"equal to 0 but received {tuple(out)}")
        empty = [d for d in range(1 if input.ndim == 5 else 2, input.ndim) if input.shape[d] == 0]
        if empty:
            raise RuntimeError(f"adaptive_avg_pool{input.ndim - 2}d(): Expected input to have non-zero size for non-"
                               f"batch dimensions, but input has sizes {list(input.shape)} with dimension {empty[0]} "
                               f"being empty")
        return
    if any(o <= 0 for o in out) or any(s <= 0 for s in spatial):
        raise RuntimeError(f"interpolate(): Input and output sizes should be greater than 0, but got input "
                           f"(spatial) {spatial} and output {tuple(out)}")
    if input.shape[1] == 0:
        raise RuntimeError(f"interpolate(): Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)} (only the batch dimension may be 0)")


def interpolate(input: Tensor, size: Union[int, Sequence[int], None] = None,
                scale_factor: Union[float, Sequence[float], None] = None, mode: str = "nearest",
                align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dims of (N, C, L), (N, C, H, W) or (N, C, D, H, W) to ``size`` or ``scale_factor`` times.

    Modes: 'nearest', 'nearest-exact', 'area' (3-D, 4-D, 5-D), 'linear' (3-D), 'bilinear' (4-D),
    'bicubic' (4-D), 'trilinear' (5-D). Per axis, with align_corners the corner pixels' centres
    coincide (src = dst (in-1)/(out-1)), otherwise src = (dst + 0.5) / scale - 0.5 (clamped at 0
    for the linear modes); linear: out = (1 - t) x[floor(src)] + t x[floor(src) + 1];
    bicubic: out = sum_j W(src - i_j) x[i_j] over the 4 nearest i_j (clamped to the border),
    Keys' kernel with A = -0.75; area: the mean over adaptive-pooling windows.

    Args:
        input: (N, C, L), (N, C, H, W) or (N, C, D, H, W).
        size: output spatial size (int or tuple); or scale_factor (float or tuple), not both.
        mode, align_corners: as above (align_corners only for linear/cubic modes; default False).
        recompute_scale_factor: True computes the output size from scale_factor and then
            forgets the factor (the source positions use in/out, as with ``size``).

    >>> F.interpolate(tc.randn(1, 3, 4, 4), scale_factor=2, mode="bilinear").shape
    (1, 3, 8, 8)
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): expected a Tensor input, got {type(input).__name__}")
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
        if not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
            raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a "
                             "4-D tensor as input")
        raise NotImplementedError("interpolate(): antialias=True is not supported by tinygrad_course")
    kernel = _KERNELS.get((input.ndim, mode))
    if kernel is None:
        if mode in _LINEAR_NDIM and input.ndim in (3, 4, 5):
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_NDIM[mode]}D input")
        raise NotImplementedError(f"interpolate(): Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{input.ndim}D, shape {shape_str(input.shape)}) for the modes: nearest | linear | "
                                  f"bilinear | bicubic (4D) | trilinear | area | nearest-exact (got {mode})")
    _check_sizes(input, out, kernel)
    _check_dtype(input, mode, kernel)
    if kernel == "area" and dim < 3:
        return adaptive_avg_pool1d(input, out[0]) if dim == 1 else adaptive_avg_pool2d(input, tuple(out))
    x = input
    for i in reversed(range(dim)):  # the last axis first: PyTorch's kernels sum it innermost
        x = resize_axis(x, 2 + i, out[i], kernel, align_corners, None if scales is None else scales[i],
                        nearest_shortcuts=input.ndim == 4)
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

"""adaptive_max_pool1d/2d: max over the windows [floor(i in/out), ceil((i+1) in/out)) of each dim."""
from typing import Optional, Sequence, Union

import numpy as np

from ...autograd import _array, _wrap
from ...autograd.tensor import Tensor
from ._utils import check_output_size_rank, shape_str

__all__ = ["adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices"]


def _windows(in_size: int, out_size: int) -> np.ndarray:
    """(out, k) input indices of each window, short windows padded with their own first index
    (a duplicate never wins: max(dim) keeps the first of equal values, so ties go to the
    earliest index, as PyTorch's kernel)."""
    starts = (np.arange(out_size) * in_size) // out_size
    ends = -((-(np.arange(1, out_size + 1) * in_size)) // out_size)
    k = int((ends - starts).max()) if out_size else 0
    idx = starts[:, None] + np.arange(k)
    return np.where(idx < ends[:, None], idx, starts[:, None])


def _sizes(output_size, in_size, n, op):
    if output_size is None or isinstance(output_size, (int, np.integer)):
        output_size = (output_size,) * n
    output_size = tuple(output_size)
    if len(output_size) != n:
        raise RuntimeError(f"{op}(): output_size must be an int or a tuple of {n}, got {output_size!r}")
    out = tuple(in_size[i] if output_size[i] is None else int(output_size[i]) for i in range(n))
    if any(v <= 0 for v in out):
        raise RuntimeError(f"{op}(): output_size must be positive, got {output_size!r}")
    return out


def _check(input, n, op):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (n + 1, n + 2) or any(s == 0 for s in input.shape[-n:]):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor with non-zero spatial sizes, got shape "
                           f"{shape_str(input.shape)}")


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``adaptive_max_pool2d`` returning ``(values, indices)``; indices are flat h * W + w.

    >>> F.adaptive_max_pool2d_with_indices(tc.randn(1, 2, 4, 4), 1)[0].shape
    tinygrad_course.Size([1, 2, 1, 1])
    """
    if isinstance(input, Tensor):
        check_output_size_rank(output_size, input, "adaptive_max_pool2d")
    _check(input, 2, "adaptive_max_pool2d")
    H, W = input.shape[-2:]
    OH, OW = _sizes(output_size, (H, W), 2, "adaptive_max_pool2d")
    hi, wi = _windows(H, OH), _windows(W, OW)  # (OH, kh), (OW, kw)
    kh, kw = hi.shape[1], wi.shape[1]
    # gather every window: (..., OH, kh, OW, kw), then one max over the kh*kw positions
    g = input[(Ellipsis, hi[:, :, None, None], wi[None, None, :, :])]
    lead = tuple(input.shape[:-2])
    g = g.reshape(lead + (OH, kh, OW, kw)).transpose(-3, -2).reshape(lead + (OH, OW, kh * kw))
    values, arg = g.max(-1)
    ih, iw = np.divmod(_array(arg), kw)
    rows = hi[np.arange(OH)[:, None], ih]
    cols = wi[np.arange(OW)[None, :], iw]
    flat = (rows * W + cols).astype(np.int64)
    return values, _wrap(flat)


def adaptive_max_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]],
                        return_indices: bool = False):
    """Max pooling of (N, C, H, W) or (C, H, W) to a fixed (OH, OW) (None keeps that size).

    Window i of a dim of size n covers [floor(i n / out), ceil((i + 1) n / out)); the gradient
    goes to each window's (first) arg-max. With ``return_indices`` also the flat indices h*W+w.

    >>> F.adaptive_max_pool2d(tc.randn(1, 3, 7, 7), (2, 3)).shape
    (1, 3, 2, 3)
    """
    values, idx = adaptive_max_pool2d_with_indices(input, output_size)
    return (values, idx) if return_indices else values


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``adaptive_max_pool1d`` returning ``(values, indices)``.

    >>> F.adaptive_max_pool1d_with_indices(tc.tensor([[[1., 3., 2., 0.]]]), 2)
    (tensor([[[3., 2.]]]), tensor([[[1, 2]]]))
    """
    _check(input, 1, "adaptive_max_pool1d")
    L = input.shape[-1]
    (OL,) = _sizes(output_size, (L,), 1, "adaptive_max_pool1d")
    win = _windows(L, OL)  # (OL, k)
    values, arg = input[..., win].max(-1)
    flat = win[np.arange(OL), _array(arg)].astype(np.int64)
    return values, _wrap(flat)


def adaptive_max_pool1d(input: Tensor, output_size: int, return_indices: bool = False):
    """Max pooling of (N, C, L) or (C, L) to a fixed length (see ``adaptive_max_pool2d``).

    >>> F.adaptive_max_pool1d(tc.randn(2, 3, 10), 4).shape
    (2, 3, 4)
    """
    values, idx = adaptive_max_pool1d_with_indices(input, output_size)
    return (values, idx) if return_indices else values

"""Pooling: max_pool1d/2d (gradient to the arg-max, like PyTorch), avg_pool1d/2d, adaptive_avg_pool1d/2d."""
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...autograd.ops.index import GatherFlat, ScatterFlat, _scatter_flat  # noqa: F401
from .conv import Unfold
from ...autograd.function import Function
from ._utils import check_output_size_rank, const, ntuple, shape_str

_A = np.ndarray

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d"]


def _pool_out(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling output length (a last window must start inside input or left padding)."""
    num = size + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_args(kernel_size, stride, padding, dilation, n, op):
    k = ntuple(kernel_size, n, "kernel_size")
    s = k if (stride is None or (not isinstance(stride, int) and len(stride) == 0)) else ntuple(stride, n, "stride")
    p = ntuple(padding, n, "padding")
    d = ntuple(dilation, n, "dilation")
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{op}(): kernel_size must be greater than zero, got {k}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"{op}(): stride must be greater than zero, got {s}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{op}(): dilation must be greater than zero, got {d}")
    if any(v < 0 for v in p):
        raise RuntimeError(f"{op}(): pad must be non-negative, but got pad: {p}")
    if any(p[i] > k[i] // 2 for i in range(n)):
        # PyTorch's CPU kernels bound the padding by half the kernel (dilation not counted)
        raise RuntimeError(
            f"{op}(): pad should be smaller than or equal to half of kernel size, but got pad={p if n > 1 else p[0]}, "
            f"kernel_size={k if n > 1 else k[0]} and dilation={d if n > 1 else d[0]}"
        )
    return k, s, p, d


def _check_input(input, n, op):
    """(N, C, *spatial) or (C, *spatial) with every dim but the batch non-empty (PyTorch's check)."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D (batch mode) tensor for input, got shape "
                           f"{shape_str(input.shape)}")
    if any(v == 0 for v in input.shape[input.ndim - n - 1:]):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got: {list(input.shape)} (only the batch dimension may be empty)")


def _windows(x, k, s, d, OH, OW):
    """Window stack (kh*kw, N, C, OH, OW), contiguous, from a (padded) (N, C, H, W) array."""
    N, C = x.shape[:2]
    sN, sC, sH, sW = x.strides
    view = as_strided(x, (k[0], k[1], N, C, OH, OW), (sH * d[0], sW * d[1], sN, sC, sH * s[0], sW * s[1]),
                      writeable=False)
    return np.ascontiguousarray(view).reshape(k[0] * k[1], N, C, OH, OW)


def _max_pool2d(x, k, s, p, d, ceil_mode, op):
    """x a (N, C, H, W) Tensor -> (values Tensor, flat indices into H*W as int64 array)."""
    out = _MaxPool2d.apply(x, k, s, p, d, ceil_mode, op)

    def indices():
        # index inside each channel's H*W, as PyTorch's return_indices (only built when asked for)
        gidx, _, _, flat, (N, C, H, W, OH, OW) = _max_pool2d_search(x, k, s, p, d, ceil_mode, op)
        if flat is None:
            return (gidx.reshape(N, C, OH, OW) - (np.arange(N * C) * (H * W)).reshape(N, C, 1, 1)).astype(np.int64)
        return flat.astype(np.int64)

    return out, indices


class _MaxPool2d(Function):
    """Max pooling as one op: the arg-max search runs inside forward, so the tape (and
    ``tc.compile``, which replays forwards) sees all of it; backward scatters to the arg-maxes."""

    _raw = True

    @staticmethod
    def forward(ctx, x, k, s, p, d, ceil_mode, op):
        gidx, best, unique, _, _ = _max_pool2d_search(x, k, s, p, d, ceil_mode, op)
        return GatherFlat.forward(ctx, x, gidx, best.shape, unique, best)

    @staticmethod
    def backward(ctx, g):
        return (GatherFlat.backward(ctx, g)[0],) + (None,) * 6


def _max_pool2d_search(x, k, s, p, d, ceil_mode, op):
    """The window arg-maxes of the (N, C, H, W) Tensor x: flat gather indices, max values."""
    N, C, H, W = x.shape
    OH = _pool_out(H, k[0], s[0], p[0], d[0], ceil_mode)
    OW = _pool_out(W, k[1], s[1], p[1], d[1], ceil_mode)
    if OH <= 0 or OW <= 0:
        raise RuntimeError(
            f"{op}(): Given input size: ({C}x{H}x{W}). Calculated output size: ({C}x{OH}x{OW}). Output size is too small"
        )
    for dim, (n_in, n_out) in enumerate(((H, OH), (W, OW))):
        pos = (np.arange(n_out) * s[dim] - p[dim]).reshape(-1, 1) + np.arange(k[dim]) * d[dim]
        if not np.all(((pos >= 0) & (pos < n_in)).any(axis=1)):
            # only dilation makes this possible; PyTorch has no defined result here
            raise RuntimeError(
                f"{op}(): with kernel_size={k}, dilation={d} and padding={p} some pooling windows of the "
                f"{H}x{W} input lie entirely in the padding (they would contain no input element)"
            )
    arr = x._data
    # right-pad enough for ceil_mode's last partial window
    need_h = (OH - 1) * s[0] + d[0] * (k[0] - 1) + 1 - (H + 2 * p[0])
    need_w = (OW - 1) * s[1] + d[1] * (k[1] - 1) + 1 - (W + 2 * p[1])
    ph, pw = (p[0], p[0] + max(need_h, 0)), (p[1], p[1] + max(need_w, 0))
    if ph != (0, 0) or pw != (0, 0):
        fill = -np.inf if arr.dtype.kind == "f" else np.iinfo(arr.dtype).min
        arr = np.pad(arr, ((0, 0), (0, 0), ph, pw), constant_values=fill)
    win = _windows(arr, k, s, d, OH, OW)
    # running max over the kh*kw offsets, first max wins ties (as PyTorch); int8 keeps it cheap
    best = win[0].copy()
    kk = win.shape[0]
    arg = np.zeros(best.shape, np.int8 if kk < 128 else np.intp)
    for q in range(1, kk):
        w = win[q]
        upd = w > best
        np.maximum(best, w, out=best)
        arg += upd * (arg.dtype.type(q) - arg)
    unique = s[0] >= d[0] * (k[0] - 1) + 1 and s[1] >= d[1] * (k[1] - 1) + 1
    clip = ph != (0, 0) or pw != (0, 0)
    start, offs = _max_index_tables(H, W, OH, OW, k, s, p, d)
    if not clip:
        # flat index into x = channel base + window origin + the arg-max's offset inside the window
        gidx = offs[arg]
        gidx += start
        gidx += (np.arange(N * C, dtype=np.intp) * (H * W)).reshape(N, C, 1, 1)
        gidx = gidx.reshape(-1)
        flat = None
    else:
        ki, kj = np.divmod(arg.astype(np.intp), k[1])
        # clipped: a window whose max is -inf padding (all real entries -inf) points at a real entry
        rows = np.clip(np.arange(OH).reshape(OH, 1) * s[0] - p[0] + ki * d[0], 0, H - 1)
        cols = np.clip(np.arange(OW) * s[1] - p[1] + kj * d[1], 0, W - 1)
        flat = rows * W + cols
        gidx = (flat + (np.arange(N * C, dtype=np.intp) * (H * W)).reshape(N, C, 1, 1)).reshape(-1)
    return gidx, best, unique, flat, (N, C, H, W, OH, OW)


@lru_cache(maxsize=64)
def _max_index_tables(H, W, OH, OW, k, s, p, d):
    """Flat index (within one channel) of each window's origin, and of each kernel offset."""
    oh = np.arange(OH, dtype=np.intp).reshape(OH, 1) * s[0] - p[0]
    ow = np.arange(OW, dtype=np.intp) * s[1] - p[1]
    start = oh * W + ow
    offs = (np.arange(k[0]).reshape(-1, 1) * d[0] * W + np.arange(k[1]) * d[1]).reshape(-1).astype(np.intp)
    start.flags.writeable = False
    offs.flags.writeable = False
    return start, offs


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W); the gradient goes to each window's arg-max.

    >>> F.max_pool2d(tc.randn(1, 2, 4, 4), 2).shape
    tinygrad_course.Size([1, 2, 2, 2])
    """
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 2, "max_pool2d")
    _check_input(input, 2, "max_pool2d")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out, idx = _max_pool2d(x, k, s, p, d, ceil_mode, "max_pool2d")
    if not return_indices:
        return out if batched else out.squeeze(0)
    idx = idx()
    if not batched:
        out, idx = out.squeeze(0), idx[0]
    return out, const(idx)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L).

    >>> F.max_pool1d(tc.tensor([[[1., 3., 2., 0.]]]), 2)
    tensor([[[3., 2.]]])
    """
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 1, "max_pool1d")
    _check_input(input, 1, "max_pool1d")
    batched = input.ndim == 3
    x = (input if batched else input.unsqueeze(0)).unsqueeze(2)
    out, idx = _max_pool2d(x, (1, k[0]), (1, s[0]), (0, p[0]), (1, d[0]), ceil_mode, "max_pool1d")
    out = out.squeeze(2)
    if not return_indices:
        return out if batched else out.squeeze(0)
    idx = idx()[:, :, 0]
    if not batched:
        out, idx = out.squeeze(0), idx[0]
    return out, const(idx)


def _avg_divisor(H, W, OH, OW, k, s, p, count_include_pad, divisor_override, dtype):
    if divisor_override is not None:
        return None, float(divisor_override)
    hs = np.arange(OH) * s[0] - p[0]
    ws = np.arange(OW) * s[1] - p[1]
    if count_include_pad:
        # windows are clipped at the padded border (ceil_mode's last window can go past it)
        hcnt = np.minimum(hs + k[0], H + p[0]) - hs
        wcnt = np.minimum(ws + k[1], W + p[1]) - ws
    else:
        hcnt = np.minimum(hs + k[0], H) - np.maximum(hs, 0)
        wcnt = np.minimum(ws + k[1], W) - np.maximum(ws, 0)
    div = (hcnt.reshape(-1, 1) * wcnt.reshape(1, -1)).astype(dtype)
    if np.all(div == div.flat[0]):
        return None, float(div.flat[0])
    return div.reshape(1, OH * OW), None


def _avg_pool2d(x, k, s, p, ceil_mode, count_include_pad, divisor_override, op):
    N, C, H, W = x.shape
    OH = _pool_out(H, k[0], s[0], p[0], 1, ceil_mode)
    OW = _pool_out(W, k[1], s[1], p[1], 1, ceil_mode)
    if OH <= 0 or OW <= 0:
        raise RuntimeError(
            f"{op}(): Given input size: ({C}x{H}x{W}). Calculated output size: ({C}x{OH}x{OW}). Output size is too small"
        )
    need_h = max((OH - 1) * s[0] + k[0] - (H + 2 * p[0]), 0)
    need_w = max((OW - 1) * s[1] + k[1] - (W + 2 * p[1]), 0)
    xx = x.reshape(N * C, 1, H, W)
    if need_h or need_w:
        from .misc import pad

        xx = pad(xx, (0, need_w, 0, need_h))
    cols = Unfold.apply(xx, k, (1, 1), p, s)  # (N*C, kh*kw, OH*OW)
    total = cols.sum(1)  # (N*C, L)
    arr_div, scalar_div = _avg_divisor(H, W, OH, OW, k, s, p, count_include_pad, divisor_override, x._data.dtype)
    if x._data.dtype.kind != "f":  # int64: an int64 sum divided with truncation toward zero, as PyTorch
        return const(_trunc_div(total._data, arr_div if arr_div is not None else np.int64(scalar_div))
                     .reshape(N, C, OH, OW))
    out = total / scalar_div if arr_div is None else total / const(arr_div)
    return out.reshape(N, C, OH, OW)


def _trunc_div(a, d):
    """a / d rounded toward zero for int64 arrays (C's integer division; a zero remainder stays exact)."""
    q = a // d
    return q + ((q * d != a) & ((a < 0) != (d < 0)))


def _check_avg_dtype(input, op):
    dt = input._data.dtype
    if dt.kind != "f" and dt != np.int64:
        names = {"int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
        raise NotImplementedError(f"{op}(): \"avg_pool2d\" not implemented for '{names.get(dt.name, dt.name)}' "
                                  f"(average pooling takes floating-point or int64 input)")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling over (N, C, H, W) or (C, H, W).

    >>> F.avg_pool2d(tc.randn(1, 2, 4, 4), 2).shape
    tinygrad_course.Size([1, 2, 2, 2])
    """
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 2, "avg_pool2d")
    _check_input(input, 2, "avg_pool2d")
    _check_avg_dtype(input, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("avg_pool2d(): divisor must be not zero")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = _avg_pool2d(x, k, s, p, ceil_mode, count_include_pad, divisor_override, "avg_pool2d")
    return out if batched else out.squeeze(0)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L).

    >>> F.avg_pool1d(tc.tensor([[[1., 2., 3., 4.]]]), 2)
    tensor([[[1.5000, 3.5000]]])
    """
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 1, "avg_pool1d")
    _check_input(input, 1, "avg_pool1d")
    _check_avg_dtype(input, "avg_pool1d")
    batched = input.ndim == 3
    x = (input if batched else input.unsqueeze(0)).unsqueeze(2)
    out = _avg_pool2d(x, (1, k[0]), (1, s[0]), (0, p[0]), ceil_mode, count_include_pad, None, "avg_pool1d").squeeze(2)
    return out if batched else out.squeeze(0)


def _adaptive_matrix(size, out, dtype):
    """(out, size) averaging matrix: row i averages [floor(i*size/out), ceil((i+1)*size/out))."""
    m = np.zeros((out, size), dtype)
    for i in range(out):
        a = (i * size) // out
        b = -(-((i + 1) * size) // out)
        m[i, a:b] = 1.0 / (b - a)
    return m


def _adaptive_size(output_size, in_size, n, op):
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * n
    output_size = tuple(output_size)
    if len(output_size) != n:
        raise RuntimeError(f"{op}(): output_size must be an int or a tuple of {n}, got {output_size!r}")
    res = tuple(in_size[i] if output_size[i] is None else int(output_size[i]) for i in range(n))
    if any(v < 0 for v in res):  # 0 is allowed: an empty result, as PyTorch
        raise RuntimeError(f"{op}(): elements of output_size must be greater than or equal to 0, got {output_size!r}")
    return res


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (OH, OW): out = A_h @ x @ A_w^T with 1-D averaging matrices.

    The windows of adaptive pooling are separable, so two small matmuls do it exactly.

    >>> F.adaptive_avg_pool2d(tc.randn(1, 2, 4, 4), 1).shape
    tinygrad_course.Size([1, 2, 1, 1])
    """
    check_output_size_rank(output_size, input, "adaptive_avg_pool2d")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, got shape {shape_str(input.shape)}")
    H, W = input.shape[-2:]
    if H == 0 or W == 0:
        raise RuntimeError(f"adaptive_avg_pool2d(): input has an empty spatial dimension, shape {shape_str(input.shape)}")
    OH, OW = _adaptive_size(output_size, (H, W), 2, "adaptive_avg_pool2d")
    if (OH, OW) == (1, 1):
        return input.mean((-2, -1), keepdim=True)
    dt = input._data.dtype
    out = input @ const(_adaptive_matrix(W, OW, dt).T)
    return const(_adaptive_matrix(H, OH, dt)) @ out


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to a fixed length.

    >>> F.adaptive_avg_pool1d(tc.tensor([[[1., 2., 3., 4.]]]), 2)
    tensor([[[1.5000, 3.5000]]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, got shape {shape_str(input.shape)}")
    (OL,) = _adaptive_size(output_size, (input.shape[-1],), 1, "adaptive_avg_pool1d")
    return input @ const(_adaptive_matrix(input.shape[-1], OL, input._data.dtype).T)

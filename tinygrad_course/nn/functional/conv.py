"""Convolution as im2col + one batched GEMM: ``Unfold``/``Fold`` (each the other's backward),
``unfold fold conv1d conv2d``.

Why this layout: ``Unfold`` copies the sliding windows of a strided view into
``(N, C*kh*kw, L)`` once, then ``weight.reshape(O, -1) @ cols`` lands directly in
``(N, O, L)`` = NCHW with no transpose. Measured on 1x28x28 batch 64 (1 thread) it beat
``tensordot`` on the strided view (which copies anyway and then needs a transposed
output), ``einsum`` on the view, one big ``(O, CKK) @ (CKK, N*L)`` GEMM, and the
shift-and-add loop over kernel offsets (see benchmarks/README.md).
"""
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...autograd.function import Function
from ...autograd.tensor import Tensor
from ._utils import ntuple, shape_str

_A = np.ndarray

__all__ = ["unfold", "fold", "conv1d", "conv2d"]


def _out_size(size, k, d, p, s):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def unfold_np(x, k, d, p, s):
    """im2col on an (N, C, H, W) array -> (N, C*kh*kw, OH*OW), a fresh contiguous array."""
    N, C, H, W = x.shape
    if p[0] or p[1]:
        x = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    OH = (x.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    OW = (x.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    sN, sC, sH, sW = x.strides
    view = as_strided(
        x, (N, C, k[0], k[1], OH, OW), (sN, sC, sH * d[0], sW * d[1], sH * s[0], sW * s[1]), writeable=False
    )
    cols = view.reshape(N, C * k[0] * k[1], OH * OW)
    if np.may_share_memory(cols, x):
        # a 1x1 kernel can reshape without copying: never alias the input
        cols = cols.copy()
    return cols


@lru_cache(maxsize=256)
def _fold_matrix(n_out, k, n_in, s, d, p, dtype):
    """(k*n_out, n_in) 0/1 matrix sending window entry (j, o) to input position o*s + j*d - p."""
    m = np.zeros((k, n_out, n_in), dtype)
    for j in range(k):
        pos = np.arange(n_out) * s + j * d - p
        ok = (pos >= 0) & (pos < n_in)
        m[j, np.arange(n_out)[ok], pos[ok]] = 1
    m = m.reshape(k * n_out, n_in)
    m.flags.writeable = False
    return m


def fold_np(cols, size, k, d, p, s):
    """col2im, the adjoint of ``unfold_np``: sums each column entry back into its pixel."""
    N, CKK, L = cols.shape
    H, W = size
    C = CKK // (k[0] * k[1])
    Hp, Wp = H + 2 * p[0], W + 2 * p[1]
    OH = (Hp - d[0] * (k[0] - 1) - 1) // s[0] + 1
    OW = (Wp - d[1] * (k[1] - 1) - 1) // s[1] + 1
    c6 = cols.reshape(N, C, k[0], k[1], OH, OW)
    if s[0] >= d[0] * (k[0] - 1) + 1 and s[1] >= d[1] * (k[1] - 1) + 1:
        # windows do not overlap: every pixel receives at most one value, assign through a view
        out = np.zeros((N, C, Hp, Wp), cols.dtype)
        sN, sC, sH, sW = out.strides
        view = as_strided(out, (N, C, k[0], k[1], OH, OW), (sN, sC, sH * d[0], sW * d[1], sH * s[0], sW * s[1]))
        view[...] = c6
    elif _separable_cheaper(N * C, k, OH, OW, H, W):
        # small images: two GEMMs with 0/1 "fold" matrices, first along W then along H
        mw = _fold_matrix(OW, k[1], W, s[1], d[1], p[1], cols.dtype)
        mh = _fold_matrix(OH, k[0], H, s[0], d[0], p[0], cols.dtype)
        r = np.ascontiguousarray(c6.transpose(0, 1, 2, 4, 3, 5)).reshape(N * C * k[0] * OH, k[1] * OW) @ mw
        return (mh.T @ r.reshape(N * C, k[0] * OH, W)).reshape(N, C, H, W)
    else:
        # loop over the kh*kw kernel offsets (not pixels): each is one vectorised strided add
        out = np.zeros((N, C, Hp, Wp), cols.dtype)
        hs, ws = s[0] * (OH - 1) + 1, s[1] * (OW - 1) + 1
        for i in range(k[0]):
            hi = i * d[0]
            for j in range(k[1]):
                wj = j * d[1]
                out[:, :, hi:hi + hs:s[0], wj:wj + ws:s[1]] += c6[:, :, i, j]
    if p[0] or p[1]:
        out = np.ascontiguousarray(out[:, :, p[0]:p[0] + H, p[1]:p[1] + W])
    return out


def _separable_cheaper(nc, k, OH, OW, H, W):
    """Cost model (calibrated on this machine, 1 thread): strided adds pay per row of OW elements,
    the GEMM path pays per flop but ~20x less per unit."""
    loop = k[0] * k[1] * nc * OH * (OW + 16)
    gemm = 2 * nc * k[0] * OH * (k[1] * OW * W + H * W) / 20
    return gemm < loop


class Unfold(Function):
    """im2col: (N, C, H, W) -> (N, C*kh*kw, L) sliding windows;  backward is ``Fold`` (col2im)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, kernel_size, dilation, padding, stride):
        x = a._data
        if ctx.needs_input_grad:
            ctx._aux = (x.shape[2:], kernel_size, dilation, padding, stride)
        return unfold_np(x, kernel_size, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        size, k, d, p, s = ctx._aux
        if g.__class__ is _A:
            return fold_np(g, size, k, d, p, s), None, None, None, None
        return Fold.apply(g, size, k, d, p, s), None, None, None, None


class Fold(Function):
    """col2im: (N, C*kh*kw, L) -> (N, C, H, W), summing overlaps;  backward is ``Unfold``."""

    _raw = True

    @staticmethod
    def forward(ctx, c, output_size, kernel_size, dilation, padding, stride):
        if ctx.needs_input_grad:
            ctx._aux = (kernel_size, dilation, padding, stride)
        return fold_np(c._data, output_size, kernel_size, dilation, padding, stride)

    @staticmethod
    def backward(ctx, g):
        k, d, p, s = ctx._aux
        if g.__class__ is _A:
            return unfold_np(g, k, d, p, s), None, None, None, None, None
        return Unfold.apply(g, k, d, p, s), None, None, None, None, None


class ConvGemm(Function):
    """out[n] = W @ cols[n] + b (W: (O, K), cols: (N, K, L), b: (O,));
    dW = sum_n g[n] cols[n]^T, dcols[n] = W^T g[n], db = sum_{n,l} g[n, :, l]."""

    _raw = True

    @staticmethod
    def forward(ctx, w, c, b=None):
        W, C = w._data, c._data
        out = np.matmul(W, C)
        if b is not None:
            out += b._data.reshape(-1, 1)
        if ctx.needs_input_grad:
            need = ctx.needs_input_grad
            ctx.save_for_backward(w if need[1] else None, c if need[0] else None)
        return out

    @staticmethod
    def backward(ctx, g):
        w, c = ctx.saved_tensors
        need = ctx.needs_input_grad
        gw = gc = gb = None
        if g.__class__ is _A:
            if need[0]:
                K, L = c.shape[1], c.shape[2]
                if K > L:
                    # measured: with more rows than columns per sample, contracting against a
                    # contiguous copy of g^T is ~2x faster than against the transposed cols view
                    gw = np.ascontiguousarray(np.matmul(c, np.ascontiguousarray(g.transpose(0, 2, 1))).sum(0).T)
                else:
                    gw = np.matmul(g, c.transpose(0, 2, 1)).sum(0)
            if need[1]:
                gc = np.matmul(w.T, g)
            if len(need) > 2 and need[2]:
                gb = g.sum((0, 2))
        else:
            if need[0]:
                gw = (g @ c.transpose(-1, -2)).sum(0)
            if need[1]:
                gc = w.T @ g
            if len(need) > 2 and need[2]:
                gb = g.sum((0, 2))
        return (gw, gc) if len(need) == 2 else (gw, gc, gb)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a (N, C, H, W) tensor as columns: (N, C*kh*kw, L) (PyTorch's F.unfold)."""
    k, d, p, s = (ntuple(v, 2, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                                (padding, "padding"), (stride, "stride")))
    batched = input.ndim == 4
    if input.ndim not in (3, 4):
        raise RuntimeError(f"unfold(): expected 3D or 4D input (N, C, H, W), got shape {shape_str(input.shape)}")
    x = input if batched else input.unsqueeze(0)
    _check_window(x.shape[2:], k, d, p, s, "unfold")
    out = Unfold.apply(x, k, d, p, s)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns (N, C*kh*kw, L) back into a (N, C, H, W) tensor (PyTorch's F.fold)."""
    size = ntuple(output_size, 2, "output_size")
    k, d, p, s = (ntuple(v, 2, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                                (padding, "padding"), (stride, "stride")))
    batched = input.ndim == 3
    if input.ndim not in (2, 3):
        raise RuntimeError(f"fold(): expected 2D or 3D input (N, C*kh*kw, L), got shape {shape_str(input.shape)}")
    c = input if batched else input.unsqueeze(0)
    kk = k[0] * k[1]
    L = _out_size(size[0], k[0], d[0], p[0], s[0]) * _out_size(size[1], k[1], d[1], p[1], s[1])
    if c.shape[1] % kk or c.shape[2] != L:
        raise RuntimeError(
            f"fold(): expected input of shape (N, C*{kk}, {L}) for output_size={size}, kernel_size={k}, "
            f"dilation={d}, padding={p}, stride={s}, got shape {shape_str(input.shape)}"
        )
    out = Fold.apply(c, size, k, d, p, s)
    return out if batched else out.squeeze(0)


def _check_window(size, k, d, p, s, op):
    for name, v in (("stride", s), ("dilation", d), ("kernel_size", k)):
        if any(x <= 0 for x in v):
            raise RuntimeError(f"{op}(): {name} should be greater than zero, got {v}")
    if any(x < 0 for x in p):
        raise RuntimeError(f"{op}(): negative padding is not supported, got {p}")
    padded = tuple(size[i] + 2 * p[i] for i in range(2))
    eff = tuple(d[i] * (k[i] - 1) + 1 for i in range(2))
    if padded[0] < eff[0] or padded[1] < eff[1]:
        raise RuntimeError(
            f"{op}(): Calculated padded input size per channel: ({padded[0]} x {padded[1]}). "
            f"Kernel size: ({eff[0]} x {eff[1]}). Kernel size can't be greater than actual input size"
        )


def _same_padding(k, d):
    """(left, right) zero padding per dim for padding='same' (the extra one goes right, as PyTorch)."""
    total = [d[i] * (k[i] - 1) for i in range(len(k))]
    return [(t // 2, t - t // 2) for t in total]


def _conv2d(x, weight, bias, s, p, d, groups, op):
    """x (N, C, H, W), weight (O, C/groups, kh, kw): cols = Unfold(x); out = W @ cols."""
    N, C, H, W = x.shape
    O, Cg, kh, kw = weight.shape
    if isinstance(p, str):
        if p == "valid":
            p = (0, 0)
        else:
            lr = _same_padding((kh, kw), d)
            if lr[0][0] != lr[0][1] or lr[1][0] != lr[1][1]:
                from .misc import pad

                x = pad(x, (0, lr[1][1] - lr[1][0], 0, lr[0][1] - lr[0][0]))
                N, C, H, W = x.shape
            p = (lr[0][0], lr[1][0])
    _check_window((H, W), (kh, kw), d, p, s, op)
    OH = _out_size(H, kh, d[0], p[0], s[0])
    OW = _out_size(W, kw, d[1], p[1], s[1])
    cols = Unfold.apply(x, (kh, kw), d, p, s)  # (N, C*kh*kw, L)
    w2 = weight.reshape(O, C * kh * kw) if groups == 1 else None
    if groups == 1 and w2.dtype == cols.dtype:
        args = (w2, cols) if bias is None else (w2, cols, bias)
        return ConvGemm.apply(*args).reshape(N, O, OH, OW)  # (N, O, L) is already NCHW
    cols = cols.reshape(N, groups, Cg * kh * kw, OH * OW)
    out = weight.reshape(groups, O // groups, Cg * kh * kw) @ cols  # (N, g, O/g, L)
    out = out.reshape(N, O, OH, OW)
    if bias is not None:
        out = out + bias.reshape(O, 1, 1)
    return out


def _conv_args(input, weight, bias, stride, padding, dilation, groups, n, op):
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}(): input and weight must be Tensors, got {type(input).__name__} and {type(weight).__name__}")
    s = ntuple(stride, n, "stride")
    d = ntuple(dilation, n, "dilation")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"{op}(): Invalid padding string {padding!r}, should be one of ('valid', 'same')")
        if padding == "same" and any(v != 1 for v in s):
            raise ValueError(f"{op}(): padding='same' is not supported for strided convolutions")
        p = padding
    else:
        p = ntuple(padding, n, "padding")
    if not isinstance(groups, (int, np.integer)) or groups <= 0:
        raise ValueError(f"{op}(): groups must be a positive integer, got {groups!r}")
    if weight.ndim != n + 2:
        raise RuntimeError(f"{op}(): weight must be {n + 2}D (out_channels, in_channels/groups, *kernel), got shape {shape_str(weight.shape)}")
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {op}, but got input of size: {shape_str(input.shape)}"
        )
    C = input.shape[-n - 1]
    if C != weight.shape[1] * groups:
        raise RuntimeError(
            f"{op}(): Given groups={groups}, weight of size {shape_str(weight.shape)}, expected input"
            f"{shape_str(input.shape)} to have {weight.shape[1] * groups} channels, but got {C} channels instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(f"{op}(): out_channels {weight.shape[0]} must be divisible by groups={groups}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"{op}(): bias must have shape ({weight.shape[0]},), got {shape_str(bias.shape)}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{op}(): input dtype {input.dtype} and weight dtype {weight.dtype} differ")
    return s, p, d


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c] (sliding)."""
    s, p, d = _conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = _conv2d(x, weight, bias, s, p, d, groups, "conv2d")
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation over (N, C, L) inputs (a conv2d over a height-1 image)."""
    s, p, d = _conv_args(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")
    batched = input.ndim == 3
    x = input if batched else input.unsqueeze(0)
    p2 = p if isinstance(p, str) else (0, p[0])
    if p == "same":
        total = d[0] * (weight.shape[2] - 1)
        if total % 2:
            from .misc import pad

            x = pad(x, (0, 1))
        p2 = (0, total // 2)
    out = _conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1, s[0]), p2, (1, d[0]), groups, "conv1d")
    out = out.squeeze(2)
    return out if batched else out.squeeze(0)

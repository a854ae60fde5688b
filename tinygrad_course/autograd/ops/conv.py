"""Convolution kernels: ``Unfold`` (im2col) and ``Fold`` (col2im), each other's backward, and
``ConvGemm`` (a convolution as one GEMM over unfolded windows). ``nn.functional`` builds
``conv1d``/``conv2d``/``unfold``/``fold`` (and the transposed convolutions) on them."""
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function

_A = np.ndarray


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


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

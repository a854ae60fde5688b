"""Convolution as im2col + one batched GEMM: ``Unfold``/``Fold`` (each the other's backward),
``unfold fold conv1d conv2d``.

Why this layout: ``Unfold`` copies the sliding windows of a strided view into
``(N, C*kh*kw, L)`` once, then ``weight.reshape(O, -1) @ cols`` lands directly in
``(N, O, L)`` = NCHW with no transpose. Measured on 1x28x28 batch 64 (1 thread) it beat
``tensordot`` on the strided view (which copies anyway and then needs a transposed
output), ``einsum`` on the view, one big ``(O, CKK) @ (CKK, N*L)`` GEMM, and the
shift-and-add loop over kernel offsets (see benchmarks/README.md).
"""

import numpy as np

from ...autograd.ops.conv import ConvGemm, Fold, Unfold, _out_size, fold_np, unfold_np  # noqa: F401
from ...autograd.tensor import Tensor
from ._utils import ntuple, shape_str

_A = np.ndarray

__all__ = ["unfold", "fold", "conv1d", "conv2d"]


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a (N, C, H, W) tensor as columns: (N, C*kh*kw, L) (PyTorch's F.unfold).

    >>> F.unfold(tc.randn(1, 2, 4, 4), kernel_size=2).shape
    tinygrad_course.Size([1, 8, 9])
    """
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
    """Sum columns (N, C*kh*kw, L) back into a (N, C, H, W) tensor (PyTorch's F.fold).

    >>> F.fold(tc.ones(1, 4, 9), output_size=(4, 4), kernel_size=2).shape
    tinygrad_course.Size([1, 1, 4, 4])
    """
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
        raise RuntimeError(f"{op}(): non-positive groups is not supported, got {groups!r}")
    for name, t in (("weight", weight), ("bias", bias)):
        if isinstance(t, Tensor) and t.dtype != input.dtype:  # NumPy would mix or refuse with its own text
            raise RuntimeError(f"{op}(): Input type ({input.dtype}) and {name} type ({t.dtype}) should be the same dtype")
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
    """2-D cross-correlation: out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c] (sliding).

    >>> F.conv2d(tc.randn(1, 2, 4, 4), tc.randn(3, 2, 3, 3)).shape
    tinygrad_course.Size([1, 3, 2, 2])
    """
    s, p, d = _conv_args(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = _conv2d(x, weight, bias, s, p, d, groups, "conv2d")
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation over (N, C, L) inputs (a conv2d over a height-1 image).

    >>> F.conv1d(tc.randn(1, 2, 6), tc.randn(4, 2, 3), padding=1).shape
    tinygrad_course.Size([1, 4, 6])
    """
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

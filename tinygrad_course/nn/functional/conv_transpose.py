"""Transposed convolution ``conv_transpose1d conv_transpose2d``: col2im of W^T x.

A convolution is ``out = W @ unfold(x)``; its transpose (the gradient of conv2d with
respect to its input) is therefore ``fold(W^T @ x)``: every input pixel spreads its
channel vector through W^T into a kernel-sized patch, and ``fold`` sums overlapping
patches. Both steps are differentiable tc ops (``Fold``'s backward is ``Unfold`` and
vice versa), so the result differentiates twice with no new primitive.
"""
from typing import Optional, Sequence, Union

from ...autograd.tensor import Tensor
from ._utils import ntuple, shape_str
from .conv import fold
from .misc import pad

__all__ = ["conv_transpose1d", "conv_transpose2d"]

_IntOrTuple = Union[int, Sequence[int]]


def _args(input, weight, bias, stride, padding, output_padding, groups, dilation, n, op):
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}(): input and weight must be Tensors, got {type(input).__name__} "
                        f"and {type(weight).__name__}")
    s = ntuple(stride, n, "stride")
    p = ntuple(padding, n, "padding")
    op_ = ntuple(output_padding, n, "output_padding")
    d = ntuple(dilation, n, "dilation")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"{op}(): stride should be greater than zero, got {s}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{op}(): dilation should be greater than zero, got {d}")
    if any(v < 0 for v in p):
        raise RuntimeError(f"{op}(): negative padding is not supported, got {p}")
    if any(v < 0 for v in op_):
        raise RuntimeError(f"{op}(): negative output_padding is not supported, got {op_}")
    if any(op_[i] >= s[i] and op_[i] >= d[i] for i in range(n)):
        raise RuntimeError(f"{op}(): output padding must be smaller than either stride or dilation, but got "
                           f"output_padding={op_}, stride={s}, dilation={d}")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{op}(): non-positive groups is not supported, got groups={groups!r}")
    if weight.ndim != n + 2:
        raise RuntimeError(f"{op}(): weight must be {n + 2}D (in_channels, out_channels/groups, *kernel), "
                           f"got shape {shape_str(weight.shape)}")
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {op}, but got input "
                           f"of size: {shape_str(input.shape)}")
    C = input.shape[-n - 1]
    if C != weight.shape[0] or weight.shape[0] % groups:
        raise RuntimeError(
            f"{op}(): Given transposed=1, weight of size {shape_str(weight.shape)}, expected input "
            f"{shape_str(input.shape)} to have {weight.shape[0]} channels (divisible by groups={groups}), "
            f"but got {C} channels instead")
    out_channels = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(f"{op}(): bias must have shape ({out_channels},), got {shape_str(bias.shape)}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{op}(): input dtype {input.dtype} and weight dtype {weight.dtype} differ")
    return s, p, op_, d


def _conv_transpose2d(x, weight, bias, s, p, op_, groups, d):
    """x (N, C_in, H, W), weight (C_in, C_out/groups, kh, kw) -> (N, C_out, H_out, W_out)."""
    N, Cin, H, W = x.shape
    _, Cog, kh, kw = weight.shape
    Cout = Cog * groups
    kk = kh * kw
    xf = x.reshape(N, Cin, H * W)
    if groups == 1:
        cols = weight.reshape(Cin, Cout * kk).T @ xf  # (N, C_out*kh*kw, H*W)
    else:
        wg = weight.reshape(groups, Cin // groups, Cog * kk).transpose(1, 2)  # (g, C_out/g*kk, C_in/g)
        cols = (wg @ xf.reshape(N, groups, Cin // groups, H * W)).reshape(N, Cout * kk, H * W)
    # fold onto the full, uncropped output (every patch fits), then crop `padding` on the left and
    # keep H_out: output_padding may reach past the full size, where the output is only bias
    full = ((H - 1) * s[0] + d[0] * (kh - 1) + 1, (W - 1) * s[1] + d[1] * (kw - 1) + 1)
    out = fold(cols, full, (kh, kw), d, 0, s)
    size = tuple((n_in - 1) * s[i] - 2 * p[i] + d[i] * (k - 1) + op_[i] + 1
                 for i, (n_in, k) in enumerate(((H, kh), (W, kw))))
    if size[0] <= 0 or size[1] <= 0:
        raise RuntimeError(f"conv_transpose: Given input size per channel: ({H} x {W}). Calculated output size "
                           f"per channel: ({size[0]} x {size[1]}). Output size is too small")
    if p != (0, 0) or size != full:
        out = pad(out, (-p[1], size[1] - full[1] + p[1], -p[0], size[0] - full[0] + p[0]))
    if bias is not None:
        out = out + bias.reshape(Cout, 1, 1)
    return out


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: _IntOrTuple = 1,
                     padding: _IntOrTuple = 0, output_padding: _IntOrTuple = 0, groups: int = 1,
                     dilation: _IntOrTuple = 1) -> Tensor:
    """2-D transposed convolution ("deconvolution"), the input-gradient of ``conv2d``.

    out = fold(W^T x) + b;  H_out = (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.

    Args:
        input: (N, C_in, H, W) or (C_in, H, W).
        weight: (C_in, C_out / groups, kh, kw).
        bias: (C_out,) or None.
        stride, padding, output_padding, dilation: ints or pairs; groups: int.

    >>> F.conv_transpose2d(tc.randn(1, 4, 5, 5), tc.randn(4, 2, 3, 3), stride=2).shape
    (1, 2, 11, 11)
    """
    s, p, op_, d = _args(input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
                         "conv_transpose2d")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = _conv_transpose2d(x, weight, bias, s, p, op_, groups, d)
    return out if batched else out.squeeze(0)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: _IntOrTuple = 1,
                     padding: _IntOrTuple = 0, output_padding: _IntOrTuple = 0, groups: int = 1,
                     dilation: _IntOrTuple = 1) -> Tensor:
    """1-D transposed convolution over (N, C_in, L) or (C_in, L): a height-1 ``conv_transpose2d``.

    L_out = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1;
    weight: (C_in, C_out / groups, k).

    >>> F.conv_transpose1d(tc.randn(1, 4, 5), tc.randn(4, 2, 3), stride=2).shape
    (1, 2, 11)
    """
    s, p, op_, d = _args(input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
                         "conv_transpose1d")
    batched = input.ndim == 3
    x = (input if batched else input.unsqueeze(0)).unsqueeze(2)
    out = _conv_transpose2d(x, weight.unsqueeze(2), bias, (1,) + s, (0,) + p, (0,) + op_, groups, (1,) + d)
    out = out.squeeze(2)
    return out if batched else out.squeeze(0)

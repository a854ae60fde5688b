"""Joining and padding: ``cat``/``stack`` (and ``hstack``, ``vstack``) and ``pad``, one for tc and F."""
import builtins

import numpy as np

from ..aliases import with_out
from ..dims import norm_dim
from ..function import Function
from . import bw

__all__ = [  # the function forms, exported as tc.<name>
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "pad", "meshgrid",
]


class Cat(Function):
    """Concatenation along dim;  the gradient is sliced back to each input."""

    _raw = True

    @staticmethod
    def forward(ctx, dim, *tensors):
        arrs = [t._data for t in tensors]
        ref = arrs[0]
        for k, x in enumerate(arrs):
            if x.ndim != ref.ndim:
                raise RuntimeError(
                    f"cat(): Tensors must have same number of dimensions: got {ref.ndim} and {x.ndim} "
                    f"(tensor 0 {tuple(ref.shape)}, tensor {k} {tuple(x.shape)})"
                )
            for i in range(x.ndim):
                if i != dim and x.shape[i] != ref.shape[i]:
                    raise RuntimeError(
                        f"cat(): Sizes of tensors must match except in dimension {dim}. Expected size "
                        f"{ref.shape[i]} but got size {x.shape[i]} for tensor number {k} in the list "
                        f"(shapes {[tuple(a.shape) for a in arrs]})."
                    )
        dt = arrs[0].dtype
        for x in arrs[1:]:
            if x.dtype != dt:
                from ..dtypes import result_type

                dt = result_type(np.empty((1,), dt), x)
        out = np.concatenate(arrs, axis=dim, dtype=dt)
        if ctx._next:
            sizes = [x.shape[dim] for x in arrs]
            ctx._aux = (dim, np.cumsum([0] + sizes), [x.dtype for x in arrs])
        return out

    @staticmethod
    def backward(ctx, g):
        dim, offs, dts = ctx._aux
        pre = (slice(None),) * dim
        n = ctx._next
        res = [None]
        for k in range(len(offs) - 1):
            res.append(bw.cast(g[pre + (slice(int(offs[k]), int(offs[k + 1])),)], dts[k]) if n[k + 1] else None)
        return tuple(res)


class PadConstant(Function):
    """x padded with a constant (``F.pad`` pads given last dim first);  the gradient is cropped."""

    _raw = True

    @staticmethod
    def forward(ctx, a, widths, value):
        x = a._data
        out = np.pad(x, widths, mode="constant", constant_values=value)
        if ctx._next:
            ctx._aux = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
        return out

    @staticmethod
    def backward(ctx, g):
        return g[ctx._aux], None, None


@with_out
def cat(tensors, dim=0):
    """Join tensors along an existing dimension.

    >>> tc.cat([tc.tensor([1., 2.]), tc.tensor([3.])])
    tensor([1., 2., 3.])
    """
    if isinstance(tensors, Tensor):  # list() would iterate its rows
        raise TypeError("cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"cat(): expected a list of Tensors, but element {i} is {type(x).__name__}")
        if x.ndim == 0:
            raise RuntimeError(f"cat(): zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch skips 1-D empty tensors, a legacy rule kept for compatibility
    ts = [x for x in tensors if not (x.ndim == 1 and x.shape[0] == 0)] or tensors[:1]
    d = norm_dim(dim, ts[0].ndim, "cat")
    return Cat.apply(d, *ts)


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
concat = with_out(cat.__wrapped__, name="concat")
concatenate = with_out(cat.__wrapped__, name="concatenate")


@with_out
def stack(tensors, dim=0):
    """Join tensors of equal shape along a new dimension.

    >>> tc.stack([tc.tensor([1., 2.]), tc.tensor([3., 4.])], dim=1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    if isinstance(tensors, Tensor):  # list() would iterate its rows
        raise TypeError("stack(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0].shape
    for i, x in enumerate(tensors):
        if x.shape != s0:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and {list(x.shape)} at entry {i}"
            )
    d = norm_dim(dim, len(s0) + 1, "stack")
    return Cat.apply(d, *[x.unsqueeze(d) for x in tensors])


@with_out
def hstack(tensors):
    """Concatenate horizontally: along dim 1 (dim 0 for 1-D tensors).

    >>> tc.hstack([tc.tensor([1., 2.]), tc.tensor([3.])])
    tensor([1., 2., 3.])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(tensors, 1 if tensors[0].ndim > 1 else 0)


@with_out
def vstack(tensors):
    """Concatenate vertically: along dim 0, 1-D tensors becoming rows.

    >>> tc.vstack([tc.tensor([1., 2.]), tc.tensor([3., 4.])])
    tensor([[1., 2.],
            [3., 4.]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat([x.reshape(1, -1) if x.ndim == 1 else x for x in tensors], 0)


def _pad_index(n, lo, hi, mode):
    """Source index of each padded position along one dim of size ``n``."""
    i = np.arange(-lo, n + hi)
    if mode == "reflect":
        period = 2 * (n - 1)
        i = np.abs(i) % period if period else np.zeros_like(i)
        i = np.where(i >= n, period - i, i)
    elif mode == "replicate":
        i = np.clip(i, 0, n - 1)
    else:  # circular
        i = i % n
    return i


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left_last, right_last, left_2nd_last, ...)``
    (also ``F.pad``).

    Modes: ``'constant'`` (``value``, default 0; negative padding crops), ``'reflect'``,
    ``'replicate'``, ``'circular'`` (by index arrays, so the gradient adds back every copy).

    >>> tc.pad(tc.tensor([1., 2.]), (1, 2))
    tensor([0., 1., 2., 0., 0.])
    """
    pad = tuple(int(v) for v in pad)
    if len(pad) % 2:
        raise RuntimeError(f"pad(): Padding length must be divisible by 2, got {len(pad)}")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"pad(): Padding length too large: {len(pad)} for an input of shape {list(input.shape)}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(
            f"pad(): Unrecognised padding mode {mode!r} (use 'constant', 'reflect', 'replicate' or 'circular')"
        )
    nd = input.ndim
    pairs = [(0, 0)] * nd
    for j in range(len(pad) // 2):
        pairs[nd - 1 - j] = (pad[2 * j], pad[2 * j + 1])
    if mode == "constant":
        for d, ((lo, hi), s) in enumerate(zip(pairs, input.shape)):
            if s + lo + hi < 0:
                raise RuntimeError(
                    f"pad(): The input size {s}, plus negative padding {lo} and {hi} resulted in a negative "
                    f"output size, which is invalid. Check dimension {d} of your input of shape {list(input.shape)}."
                )
        x = input
        if builtins.any(lo < 0 or hi < 0 for lo, hi in pairs):
            sl = tuple(slice(builtins.max(-lo, 0), s - builtins.max(-hi, 0)) for (lo, hi), s in zip(pairs, input.shape))
            x = x[sl]
            pairs = [(builtins.max(lo, 0), builtins.max(hi, 0)) for lo, hi in pairs]
        if builtins.all(lo == 0 and hi == 0 for lo, hi in pairs):
            return x
        return PadConstant.apply(x, tuple(pairs), 0 if value is None else value)
    if value is not None and value != 0:
        raise ValueError(f"pad(): padding mode {mode!r} doesn't take in value argument")
    x = input
    for d, (lo, hi) in enumerate(pairs):
        if lo == 0 and hi == 0:
            continue
        n = x.shape[d]
        if n + lo + hi < 0:
            raise RuntimeError(
                f"pad(): The input size {n}, plus negative padding {lo} and {hi} resulted in a negative "
                f"output size, which is invalid. Check dimension {d} of your input of shape {list(input.shape)}."
            )
        # a negative side crops what padding the original would give (PyTorch indexes from the original edges)
        cut_lo, cut_hi = builtins.max(-lo, 0), builtins.max(-hi, 0)
        lo, hi = builtins.max(lo, 0), builtins.max(hi, 0)
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"pad(): Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError(
                f"pad(): Padding value causes wrapping around more than once: padding ({lo}, {hi}) "
                f"at dimension {d} of input {list(input.shape)}"
            )
        if mode == "circular":  # circular crops first and wraps around what is left
            idx = cut_lo + _pad_index(n - cut_lo - cut_hi, lo, hi, mode)
        else:
            idx = _pad_index(n, lo, hi, mode)
            idx = idx[cut_lo:len(idx) - cut_hi]
        x = x[(slice(None),) * d + (idx,)]
    return x


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors: ``out[i]`` is ``tensors[i]`` broadcast along the other axes.

    ``indexing='ij'`` (matrix, the default, with PyTorch's warning when not given) gives shape
    ``(len(t0), len(t1), ...)``; ``'xy'`` (Cartesian) swaps the first two. Differentiable (a
    reshape and an expand each).

    >>> xs, ys = tc.meshgrid(tc.arange(3.), tc.arange(2.), indexing="ij"); xs.shape
    tinygrad_course.Size([3, 2])
    """
    import warnings

    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'meshgrid(): indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"meshgrid(): expected Tensors, got {type(t).__name__}")
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid(): Expected 0D or 1D tensor in the tensor list but got a tensor of shape "
                               f"{tuple(t.shape)}")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError(f"meshgrid expects all tensors to have the same dtype (got {[t.dtype for t in tensors]})")
    sizes = [t.numel() for t in tensors]
    grids = []
    for i, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[i] = sizes[i]
        grids.append(t.reshape(shape).expand(sizes))
    if indexing == "xy" and len(grids) >= 2:
        # Cartesian: the 'ij' grids with their first two axes swapped
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

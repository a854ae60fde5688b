"""Resampling one axis: the per-axis kernels behind ``F.interpolate``.

Every interpolation mode of PyTorch is separable: the output along one spatial axis is a fixed
combination of a few input positions ("taps") along that axis, the same for every other index.
``resize_axis`` gathers the taps (``x[..., idx[:, j], ...]``) and sums them times constant
weights, so the result is built from differentiable tensor ops (gather, multiply, add) and
differentiates any number of times. Indices and weights follow PyTorch's CPU kernels
(``area_pixel_compute_scale``, ``area_pixel_compute_source_index``, ``guard_index_and_lambda``,
``get_cubic_upsample_coefficients``), computed in the input's float type, so the same pixels
and the same weights are used.
"""
import numpy as np

from ...autograd import _array, _wrap

__all__ = ["resize_axis", "scale_for", "nearest_index", "linear_taps", "cubic_taps", "area_taps"]

CUBIC_A = -0.75  # PyTorch's (and OpenCV's) cubic convolution parameter


def scale_for(in_size, out_size, align_corners, scale, dt):
    """PyTorch's area_pixel_compute_scale: input pixels per output pixel, in dtype ``dt``.

    (in - 1) / (out - 1) with align_corners (0 for out == 1), else 1 / scale_factor when a factor
    is given, else in / out.

    >>> float(scale_for(4, 8, False, None, np.dtype(np.float64)))
    0.5
    """
    if align_corners:
        return dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    if scale is not None and scale > 0:
        return dt.type(1.0 / scale)
    return dt.type(in_size) / dt.type(out_size)


def nearest_index(in_size, out_size, scale, exact, shortcuts=False):
    """Source index of each output position for 'nearest' (floor(dst s)) or 'nearest-exact'
    (floor((dst + 0.5) s)), s = 1 / scale_factor or in / out in float32, clamped to in - 1.

    ``shortcuts``: PyTorch's 2-D nearest kernel (``nearest_idx``) copies when out == in and
    halves the index when out == 2 in, whatever the scale factor; its 1-D and 3-D kernels
    and every nearest-exact kernel use the formula alone.

    >>> nearest_index(2, 5, None, False)
    array([0, 0, 0, 1, 1])
    """
    if shortcuts and not exact:
        if out_size == in_size:
            return np.arange(out_size)
        if out_size == 2 * in_size:
            return np.arange(out_size) >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(in_size) / np.float32(out_size)
    i = np.arange(out_size, dtype=np.float32)
    src = np.floor((i + np.float32(0.5)) * s) if exact else np.floor(i * s)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _source(in_size, out_size, align_corners, scale, dt, cubic):
    """Real source position of each output position, its floor (clamped to in - 1) and the
    fractional part t in [0, 1] (PyTorch's guard_index_and_lambda)."""
    s = scale_for(in_size, out_size, align_corners, scale, dt)
    dst = np.arange(out_size, dtype=dt)
    if align_corners:
        src = s * dst
    else:
        src = s * (dst + dt.type(0.5)) - dt.type(0.5)
        if not cubic:
            src = np.maximum(src, dt.type(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    t = np.clip(src - i0.astype(dt), dt.type(0), dt.type(1)).astype(dt)
    return i0, t


def linear_taps(in_size, out_size, align_corners, scale, dt):
    """(idx, w), each (out, 2): out = (1 - t) x[i0] + t x[i0 + 1] (i0 + 1 clamped to in - 1).

    When out == in PyTorch copies (t = 0) even if a scale factor other than 1 was given.

    >>> linear_taps(2, 4, True, None, np.dtype(np.float64))[1][1]
    array([0.66666667, 0.33333333])
    """
    if out_size == in_size:  # PyTorch's compute_source_index_and_lambda copies, whatever the scale factor
        i = np.arange(out_size)
        return np.stack([i, i], 1), np.stack([np.ones(out_size, dt), np.zeros(out_size, dt)], 1)
    i0, t = _source(in_size, out_size, align_corners, scale, dt, cubic=False)
    i1 = i0 + (i0 < in_size - 1)
    return np.stack([i0, i1], 1), np.stack([(dt.type(1) - t).astype(dt), t], 1)


def _cc1(x, a):  # |x| <= 1: ((A + 2)|x| - (A + 3))|x|^2 + 1
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cc2(x, a):  # 1 < |x| < 2: ((A|x| - 5A)|x| + 8A)|x| - 4A
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def cubic_taps(in_size, out_size, align_corners, scale, dt):
    """(idx, w), each (out, 4): Keys' cubic convolution with A = -0.75 over x[i0 - 1 .. i0 + 2].

    The source position is not clamped at 0 (unlike linear), and the tap indices are clamped to
    [0, in - 1] (the border pixel repeats), as PyTorch's ``upsample_bicubic2d``.
    Weights: W(t + 1), W(t), W(1 - t), W(2 - t) with W(x) = ((A+2)x - (A+3))x^2 + 1 for x <= 1,
    ((Ax - 5A)x + 8A)x - 4A for 1 < x < 2.

    >>> cubic_taps(4, 4, False, None, np.dtype(np.float64))[1][0]
    array([0., 1., 0., 0.])
    """
    i0, t = _source(in_size, out_size, align_corners, scale, dt, cubic=True)
    a = dt.type(CUBIC_A)
    one = dt.type(1)
    w = np.stack([_cc2(t + one, a), _cc1(t, a), _cc1(one - t, a), _cc2((one - t) + one, a)], 1).astype(dt)
    idx = np.clip(i0[:, None] + np.arange(-1, 3), 0, in_size - 1)
    return idx, w


def area_taps(in_size, out_size):
    """(idx, count): window i covers [floor(i in / out), ceil((i + 1) in / out)) (adaptive
    average pooling); idx is (out, k) with short windows padded by their first index and count
    the window lengths.

    >>> area_taps(5, 2)
    (array([[0, 1, 2],
           [2, 3, 4]]), array([3, 3]))
    """
    starts = (np.arange(out_size) * in_size) // out_size
    ends = -((-(np.arange(1, out_size + 1) * in_size)) // out_size)
    count = ends - starts
    k = int(count.max()) if out_size else 1
    idx = starts[:, None] + np.arange(k)
    return np.where(idx < ends[:, None], idx, starts[:, None]), count


def _take(x, axis, idx):
    return x[(slice(None),) * axis + (idx,)]


def _bshape(x, axis, *lead):
    return tuple(lead) + (1,) * (x.ndim - axis - 1)


def resize_axis(x, axis, out_size, mode, align_corners=False, scale=None, nearest_shortcuts=False):
    """Resample Tensor ``x`` along ``axis`` to ``out_size`` points with an interpolate ``mode``.

    mode: 'nearest', 'nearest-exact' (a gather), 'linear', 'cubic' (out = sum_j w_j x[idx_j],
    summed in tap order as PyTorch), 'area' (the mean over each adaptive-pooling window).
    ``scale`` is the user's scale factor for this axis (None: in / out); ``nearest_shortcuts``
    as ``nearest_index`` (PyTorch's 4-D 'nearest').

    >>> resize_axis(tc.tensor([[0., 1.]]), 1, 3, "linear", align_corners=True)
    tensor([[0.0000, 0.5000, 1.0000]])
    """
    in_size = x.shape[axis]
    if mode in ("nearest", "nearest-exact"):
        idx = nearest_index(in_size, out_size, scale, mode == "nearest-exact", nearest_shortcuts)
        if out_size == in_size and (idx == np.arange(in_size)).all():
            return x
        return _take(x, axis, idx)
    dt = _array(x).dtype
    if dt == np.float16:  # PyTorch computes indices and weights in float32 (opmath) for half
        dt = np.dtype(np.float32)
    if mode == "area":
        if out_size == in_size:
            return x
        idx, count = area_taps(in_size, out_size)
        k = idx.shape[1]
        g = _take(x, axis, idx.reshape(-1))
        g = g.reshape(tuple(x.shape[:axis]) + (out_size, k) + tuple(x.shape[axis + 1:]))
        if (count != k).any():  # windows of unequal length: drop the padding taps
            valid = np.arange(k) < count[:, None]
            g = g.where(_wrap(valid.reshape(_bshape(x, axis, out_size, k))), 0.0)
        div = count.astype(_array(x).dtype).reshape(_bshape(x, axis, out_size))
        return g.sum(axis + 1) / _wrap(div)
    taps = {"linear": linear_taps, "cubic": cubic_taps}[mode]
    idx, w = taps(in_size, out_size, align_corners, scale, dt)
    w = w.astype(_array(x).dtype)
    out = None
    for j in range(idx.shape[1]):
        term = _take(x, axis, idx[:, j]) * _wrap(w[:, j].reshape(_bshape(x, axis, out_size)))
        out = term if out is None else out + term
    return out

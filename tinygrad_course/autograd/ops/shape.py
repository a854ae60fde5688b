"""Shape ops: views, broadcasting, indexing, joining, padding."""
import numpy as np

from ..function import Function
from . import bw

_A = np.ndarray


def _fmt(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


class Reshape(Function):
    """x viewed with a new shape;  the gradient is reshaped back."""

    _raw = True
    _view = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a._data
        if any(s < 0 for s in shape):
            if sum(s == -1 for s in shape) > 1:
                raise RuntimeError(f"reshape(): only one dimension can be inferred (shape '{_fmt(shape)}')")
            if any(s < -1 for s in shape):
                raise RuntimeError(f"reshape(): invalid shape dimension {min(shape)} in shape '{_fmt(shape)}'")
        try:
            out = x.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"reshape(): shape '{_fmt(shape)}' is invalid for input of size {x.size} (input shape {tuple(x.shape)})"
            ) from None
        if ctx._next:
            ctx._aux = x.shape
        return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx._aux), None


class Permute(Function):
    """x with its axes reordered;  the gradient is permuted back."""

    _raw = True
    _view = True

    @staticmethod
    def forward(ctx, a, dims):
        if ctx._next:
            ctx._aux = tuple(np.argsort(dims))
        return a._data.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return bw.permute(g, ctx._aux), None


class Expand(Function):
    """x broadcast to a larger shape (no copy);  the gradient is summed back (``sum_to``)."""

    _raw = True
    _view = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a._data
        if ctx._next:
            ctx._aux = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return bw.sum_to(g, ctx._aux), None


class SumTo(Function):
    """x summed down to a broadcast-compatible shape;  the gradient is broadcast (``expand``)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, shape):
        x = a._data
        if ctx._next:
            ctx._aux = x.shape
        return bw.sum_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return bw.broadcast_to(g, ctx._aux), None


def is_basic(idx):
    """True when an index (tuple) uses only ints, slices, None and Ellipsis: a view."""
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)) and not isinstance(i, bool) for i in idx)


def index_add(shape, dtype, idx, g, basic):
    """zeros(shape) with ``g`` added at ``idx`` (repeated indices accumulate)."""
    z = np.zeros(shape, dtype)
    if basic:
        z[idx] = g
    else:
        np.add.at(z, idx, g)
    return z


class Index(Function):
    """x[idx] (ints, slices, None, ..., integer arrays, boolean masks);
    backward adds the gradient at the same places (``IndexAdd``)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, idx, basic):
        x = a._data
        try:
            out = x[idx]
        except IndexError as e:
            raise IndexError(f"index: {str(e).replace('axis', 'dimension')} (tensor of shape {tuple(x.shape)})") from None
        if ctx._next:
            ctx._aux = (x.shape, x.dtype, idx, basic)
        return out if out.__class__ is _A else np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        shape, dt, idx, basic = ctx._aux
        if g.__class__ is _A:
            return index_add(shape, dt, idx, g, basic), None, None
        return IndexAdd.apply(g, shape, idx, basic), None, None


class IndexView(Index):
    """Basic indexing returns a view of x."""

    _view = True


class IndexAdd(Function):
    """zeros(shape) with g added at idx;  the gradient is gathered back with ``x[idx]``."""

    _raw = True

    @staticmethod
    def forward(ctx, g, shape, idx, basic):
        if ctx._next:
            ctx._aux = (idx, basic)
        return index_add(shape, g._data.dtype, idx, g._data, basic)

    @staticmethod
    def backward(ctx, gg):
        idx, basic = ctx._aux
        if gg.__class__ is _A:
            return gg[idx], None, None, None
        return (IndexView if basic else Index).apply(gg, idx, basic), None, None, None


def _along(index, dim):
    """A full index tuple addressing ``index`` values along ``dim`` (others: their own position)."""
    grids = list(np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[dim] = index
    return tuple(grids)


class Gather(Function):
    """out[i][j] = x[i][index[i][j]] along dim;  backward scatters (adds) the gradient back."""

    _raw = True

    @staticmethod
    def forward(ctx, a, dim, index):
        x = a._data
        if index.ndim != x.ndim:
            raise RuntimeError(
                f"gather(): Index tensor must have the same number of dimensions as input tensor "
                f"(index {tuple(index.shape)}, input {tuple(x.shape)})"
            )
        try:
            out = x[_along(index, dim)]
        except IndexError as e:
            raise RuntimeError(f"gather(): index out of bounds: {e}") from None
        if ctx._next:
            ctx._aux = (x.shape, x.dtype, dim, index)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dt, dim, index = ctx._aux
        idx = _along(index, dim)
        if g.__class__ is _A:
            return index_add(shape, dt, idx, g, False), None, None
        return IndexAdd.apply(g, shape, idx, False), None, None


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

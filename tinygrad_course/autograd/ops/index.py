"""Indexing (``x[idx]``, ``x[idx] = v``), ``gather``, ``index_select``, ``sort``/``topk``, ``unique``."""
import numpy as np

from ..aliases import numpy_dims, with_out
from ..dims import norm_dim
from ..function import Function
from ..grad_mode import _Mode
from .operands import _arr, _t
from .select import where

_A = np.ndarray

__all__ = [  # the function forms, exported as tc.<name>
    "gather",
    "sort",
    "argsort",
    "topk",
    "unique",
    "take_along_dim",
    "index_select",
    "masked_select",
]



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
    """``out[i][j] = x[i][index[i][j]]`` along dim;  backward scatters (adds) the gradient back."""

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


def _sequence_as_tuple(idx):
    """PyTorch's rule (``treatSequenceAsTuple``): a list or range shorter than 32 holding a
    sequence, slice, ``...``, ``None`` or tensor indexes like a tuple (``x[[0, 1], [1, 0]]`` spelled
    ``x[[[0, 1], [1, 0]]]``, ``x[[range(2)]]``); otherwise it is one integer/bool index."""
    if not isinstance(idx, (list, range)) or len(idx) >= 32:
        return False
    return any(isinstance(i, (list, tuple, range, slice, Tensor, np.ndarray)) or i is None or i is Ellipsis for i in idx)


def _norm_index(idx, t):
    """A NumPy index for ``t[idx]`` and whether it is basic (a view)."""
    if not isinstance(idx, tuple):
        idx = tuple(idx) if _sequence_as_tuple(idx) else (idx,)
    out = []
    basic = True
    for i in idx:
        if isinstance(i, Tensor):
            a = i._data
            if a.dtype.kind == "b":
                out.append(a)
            elif a.dtype.kind in "iu":
                out.append(a if a.ndim else int(a))
            else:
                raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got {a.dtype})")
            basic = basic and a.ndim == 0 and a.dtype.kind != "b"
        elif isinstance(i, (list, np.ndarray, range, tuple)):
            try:
                a = np.asarray(i)
            except ValueError:
                raise TypeError(f"index: the sequence {i!r} is ragged: it cannot be an integer index") from None
            if a.dtype.kind == "O":
                raise TypeError(f"index: the sequence {i!r} cannot be interpreted as an integer index")
            if a.size and a.dtype.kind not in "iub":
                raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors (got {a.dtype})")
            out.append(a if a.size else a.astype(np.int64))
            basic = False
        elif i is None or i is Ellipsis or isinstance(i, slice):
            if isinstance(i, slice) and i.step is not None and i.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(i)
        elif isinstance(i, (bool, np.bool_)):
            out.append(bool(i))
            basic = False
        elif isinstance(i, (int, np.integer)):
            out.append(int(i))
        else:
            # PyTorch: a float index is an IndexError, a string a TypeError
            raise (TypeError if isinstance(i, (str, bytes)) else IndexError)(
                f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {type(i).__name__})"
            )
    if basic and not any(i is Ellipsis for i in out):
        # x[0, ...] is a 0-d view where x[0] would be a NumPy scalar (a copy): keep views views
        out.append(Ellipsis)
    return tuple(out), basic


class IndexOps:
    """Indexing, gathering and ordering. ``Tensor`` inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def gather(self, dim, index):
        """``out[i][j] = self[i][index[i][j]]`` along ``dim``."""
        idx = _arr(index)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
        d = norm_dim(dim, self.ndim, "gather")
        if idx.size == 0:  # PyTorch returns the empty result without checking the index's shape
            return self.reshape(-1)[0:0].reshape(idx.shape)
        if self.ndim <= 1 and idx.ndim <= 1 and (self.ndim != idx.ndim or self.ndim == 0):  # 0-d and 1-d go together, as PyTorch
            return self.reshape(-1).gather(0, idx.reshape(-1)).reshape(idx.shape)
        n = self.shape[d] if self.ndim else 1
        bad = idx[(idx < 0) | (idx >= n)]
        if bad.size:  # NumPy would wrap a negative index around
            raise RuntimeError(f"gather(): index {int(bad.flat[0])} is out of bounds for dimension {d} with size {n}")
        return Gather.apply(self, d, idx)

    @numpy_dims
    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along ``dim``; values differentiate through ``gather``."""
        from ... import return_types

        d = norm_dim(dim, self.ndim, "sort")
        if self.ndim == 0:
            return return_types.sort(self.view(()), Tensor._make(np.asarray(0, np.int64)))
        x = _arr(self)
        if x.dtype.kind == "b":
            x = x.astype(np.int8)  # NumPy has no negation of bools
        if not descending:
            idx = np.argsort(x, axis=d, kind="stable").astype(np.int64)
        elif x.dtype.kind == "f":  # NaN is the largest, so first (NumPy puts it last)
            nan = np.isnan(x)
            idx = np.lexsort((np.where(nan, 0, -x), ~nan), axis=d).astype(np.int64)
        else:
            idx = np.argsort(-x.astype(np.int64) if x.dtype.kind in "iu" else -x, axis=d, kind="stable").astype(np.int64)
        return return_types.sort(self.gather(d, idx), Tensor._make(idx))

    @numpy_dims
    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort self along ``dim``."""
        return self.sort(dim, descending, stable).indices

    @numpy_dims
    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (or smallest) along ``dim``."""
        from ... import return_types

        d = norm_dim(dim, self.ndim, "topk")
        n = self.shape[d] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"topk(): selected index k={k} out of range for dimension {d} of size {n}")
        v, i = self.sort(d, descending=largest)
        if self.ndim == 0:  # a 0-d tensor is its own top element
            return return_types.topk(v, i)
        pre = (slice(None),) * d
        return return_types.topk(v[pre + (slice(0, k),)], i[pre + (slice(0, k),)])

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        """The distinct values (no gradient)."""
        res = np.unique(self._data if dim is None else self._data, return_inverse=return_inverse,
                        return_counts=return_counts, axis=dim)
        if not isinstance(res, tuple):
            return Tensor._make(res)
        return tuple(Tensor._make(np.asarray(r, np.int64) if i else r) for i, r in enumerate(res))

    @numpy_dims
    def take_along_dim(self, indices, dim=None):
        """Values at ``indices`` along ``dim`` (gather, but self and indices broadcast in the
        other dims); dim=None: both flattened.
        ``tc.tensor([[1., 2.]]).take_along_dim(tc.tensor([[1]]), 1)`` -> tensor([[2.]])."""
        idx = _arr(indices)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"take_along_dim(): dtype of indices should be Long but got {idx.dtype}")
        if dim is None:
            idx = np.where(idx < 0, idx + self.numel(), idx)  # negative indices count from the end, as PyTorch
            return self.reshape(-1).gather(0, idx.reshape(-1))
        d = norm_dim(dim, self.ndim, "take_along_dim")
        idx = np.where(idx < 0, idx + (self.shape[d] if self.ndim else 1), idx)
        if idx.ndim != self.ndim:
            raise RuntimeError(f"take_along_dim(): input and indices should have the same number of dimensions, "
                               f"but got {self.ndim} dimensions for input, and {idx.ndim} dimensions for indices")
        try:
            rest = np.broadcast_shapes(*[tuple(1 if k == d else n for k, n in enumerate(s)) for s in (self.shape, idx.shape)])
        except ValueError:
            raise RuntimeError(f"take_along_dim(): shapes {tuple(self.shape)} and {tuple(idx.shape)} are not "
                               f"broadcastable apart from dim {d}") from None
        x_shape = rest[:d] + (self.shape[d],) + rest[d + 1:]
        i_shape = rest[:d] + (idx.shape[d],) + rest[d + 1:]
        x = self if tuple(self.shape) == x_shape else self.expand(x_shape)
        return x.gather(d, np.broadcast_to(idx, i_shape))

    @numpy_dims
    def index_select(self, dim, index):
        """The slices of ``dim`` listed in ``index`` (see ``tc.index_select``)."""
        d = norm_dim(dim, self.ndim, "index_select")
        if _arr(index).dtype.kind not in "iu":
            raise RuntimeError(f"index_select(): Expected dtype int32 or int64 for index, got {_arr(index).dtype}")
        if self.ndim == 0:  # a 0-d input is indexed as a 1-element vector; the result stays 0-d
            ix = _arr(index).reshape(-1)
            if ix.size != 1 or ix[0] not in (0, -1):
                raise IndexError(f"index_select(): index out of range in self (index {ix.tolist()}, 0-d input)")
            return self.reshape(1).index_select(0, ix).reshape(())
        return self[(slice(None),) * d + (_arr(index).astype(np.int64),)]

    def masked_select(self, mask):
        """The elements where ``mask`` (broadcast with self) is True, as a 1-D tensor."""
        m = _arr(mask)
        if m.dtype.kind != "b":
            raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {m.dtype}")
        try:
            shape = np.broadcast_shapes(tuple(self.shape), m.shape)
        except ValueError:
            raise RuntimeError(f"masked_select(): the shapes of input {tuple(self.shape)} and mask {m.shape} "
                               "are not broadcastable") from None
        x = self if tuple(self.shape) == shape else self.expand(shape)
        return x[np.broadcast_to(m, shape)]

    def __getitem__(self, idx):
        idx, basic = _norm_index(idx, self)
        return (IndexView if basic else Index).apply(self, idx, basic)

    def __setitem__(self, idx, value):
        idx, basic = _norm_index(idx, self)
        v = value
        if _Mode.enabled and (self._rg or getattr(value, "_rg", False)):
            self._check_inplace("__setitem__")
            if not isinstance(v, Tensor):
                v = Tensor._make(np.asarray(v, self._data.dtype))
            # out of place on a snapshot, then write back: x[idx] = v differentiates in x and v
            mask_shape = self._data[idx].shape
            covered = np.zeros(self.shape, bool)
            covered[idx] = True
            snap = self._snapshot()
            if v.ndim > len(mask_shape) and all(s == 1 for s in v.shape[: v.ndim - len(mask_shape)]):
                v = v.reshape(v.shape[v.ndim - len(mask_shape):])  # leading 1s are dropped, as PyTorch does
            try:
                vb = v.expand(mask_shape) if v.shape != mask_shape else v
            except RuntimeError:
                raise RuntimeError(
                    f"__setitem__: shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to "
                    f"indexing result of shape {list(mask_shape)}"
                ) from None
            if vb.dtype != self.dtype:
                vb = vb.to(self.dtype)
            # where, not snap * (1 - covered): an inf/nan being overwritten must not leak into the result
            new = where(Tensor._make(covered), IndexAdd.apply(vb, self.shape, idx, basic), snap)
            self._adopt(new, "__setitem__")
            return
        if isinstance(value, (str, bytes)):
            raise TypeError(f"__setitem__: can't assign a {type(value).__name__} to a tensor of dtype {self.dtype}")
        try:
            self._data[idx] = _arr(value)
        except IndexError as e:  # PyTorch's wording: "index 5 is out of bounds for dimension 0 with size 2"
            raise IndexError(str(e).replace("axis", "dimension")) from None
        except ValueError as e:
            raise RuntimeError(f"__setitem__: {e} (tensor of shape {self._data.shape})") from None
        self._vc[0] += 1


# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def gather(input, dim, index):
    """Values along ``dim`` at ``index``: ``out[i][j] = input[i][index[i][j]]`` for dim=1 (likewise for any dim).

    Args: dim: the axis indexed; index: int64 tensor with input's number of dims.

    >>> tc.gather(tc.tensor([[1., 2.], [3., 4.]]), 1, tc.tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    """
    return input.gather(dim, index)


@with_out
def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values and their original indices along ``dim`` (a (values, indices) pair).

    Args: dim; descending: largest first; stable: keep the order of equal elements.

    >>> tc.sort(tc.tensor([3., 1., 2.]))
    sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))
    """
    return input.sort(dim, descending, stable)


@with_out
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along ``dim``.

    >>> tc.argsort(tc.tensor([3., 1., 2.]))
    tensor([1, 2, 0])
    """
    return input.argsort(dim, descending, stable)


@with_out
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices.

    Args: k; dim; largest: False for the smallest; sorted: return them in order.

    >>> tc.topk(tc.tensor([3., 1., 2.]), 2)
    topk(values=tensor([3., 2.]), indices=tensor([0, 2]))
    """
    return input.topk(k, dim, largest, sorted)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The sorted unique elements (with the inverse indices and/or counts when asked).

    Args: sorted; return_inverse: also each element's index in the output; return_counts: also how often each occurs; dim: unique slices along dim.

    >>> tc.unique(tc.tensor([2, 1, 2, 3]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 2, 1]))
    """
    return input.unique(sorted, return_inverse, return_counts, dim)


@with_out
def take_along_dim(input, indices, dim=None):
    """Values at ``indices`` along ``dim`` (of the flattened input when dim is None), like numpy.take_along_axis.

    >>> tc.take_along_dim(tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([[1], [0]]), dim=1)
    tensor([[2.],
            [3.]])
    """
    return input.take_along_dim(indices, dim)


@with_out
def index_select(input, dim, index):
    """The slices of ``dim`` listed in the 1-D int ``index`` (repeats allowed; gradients accumulate).

    >>> tc.index_select(tc.tensor([[1., 2.], [3., 4.]]), 0, tc.tensor([1, 1]))
    tensor([[3., 4.],
            [3., 4.]])
    """
    return input.index_select(dim, index)


@with_out
def masked_select(input, mask):
    """The elements where the bool ``mask`` (broadcast to input) is True, as a 1-D tensor.

    >>> tc.masked_select(tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([[1., 2.], [3., 4.]]) > 2)
    tensor([3., 4.])
    """
    return input.masked_select(mask)


# ---- gather/scatter kernels of the nn ops (pooling, embedding) ----


def _scatter_flat(g, idx, size, unique):
    """zeros(size) with g.ravel() added at flat positions idx (repeats accumulate)."""
    if unique:
        z = np.zeros(size, g.dtype)
        z[idx] = g.ravel()
        return z
    return np.bincount(idx, weights=g.ravel(), minlength=size).astype(g.dtype, copy=False)


class GatherFlat(Function):
    """out = x.ravel()[idx].reshape(shape);  backward scatters (adds) the gradient back (``ScatterFlat``)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, idx, shape, unique, precomputed=None):
        x = a._data
        if ctx.needs_input_grad:
            ctx._aux = (x.shape, idx, unique)
        if precomputed is not None:
            return precomputed
        return x.reshape(-1)[idx].reshape(shape)

    @staticmethod
    def backward(ctx, g):
        xshape, idx, unique = ctx._aux
        if g.__class__ is _A:
            return _scatter_flat(g, idx, int(np.prod(xshape)), unique).reshape(xshape), None, None, None, None
        return ScatterFlat.apply(g, idx, xshape, unique), None, None, None, None


class ScatterFlat(Function):
    """zeros(shape) with g added at flat positions idx;  backward gathers (``GatherFlat``)."""

    _raw = True

    @staticmethod
    def forward(ctx, g, idx, shape, unique):
        if ctx.needs_input_grad:
            ctx._aux = (g._data.shape, idx, unique)
        return _scatter_flat(g._data, idx, int(np.prod(shape)), unique).reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        gshape, idx, unique = ctx._aux
        if gg.__class__ is _A:
            return gg.reshape(-1)[idx].reshape(gshape), None, None, None
        return GatherFlat.apply(gg, idx, gshape, unique, None), None, None, None


class RowGather(Function):
    """out[...] = weight[idx[...]] (embedding lookup);  backward adds rows back (``RowScatter``)."""

    _raw = True

    @staticmethod
    def forward(ctx, w, idx, padding_idx):
        if ctx.needs_input_grad:
            ctx._aux = (w._data.shape[0], idx, padding_idx)
        return w._data[idx]

    @staticmethod
    def backward(ctx, g):
        n, idx, padding_idx = ctx._aux
        if g.__class__ is _A:
            return _row_scatter(g, idx, n, padding_idx), None, None
        return RowScatter.apply(g, idx, n, padding_idx), None, None


def _row_scatter(g, idx, n, padding_idx):
    flat = idx.reshape(-1)
    rows = g.reshape(flat.shape[0], -1)
    z = np.zeros((n, rows.shape[1]), g.dtype)
    np.add.at(z, flat, rows)
    if padding_idx is not None:
        z[padding_idx] = 0  # the padding row never receives gradient
    return z.reshape((n,) + g.shape[idx.ndim:])


class RowScatter(Function):
    """zeros(n, ...) with rows of g added at idx (padding row excluded);  backward gathers rows."""

    _raw = True

    @staticmethod
    def forward(ctx, g, idx, n, padding_idx):
        if ctx.needs_input_grad:
            ctx._aux = (idx, padding_idx)
        return _row_scatter(g._data, idx, n, padding_idx)

    @staticmethod
    def backward(ctx, gg):
        idx, padding_idx = ctx._aux
        if padding_idx is not None:
            keep = (idx != padding_idx).astype(gg.dtype if gg.__class__ is _A else gg._data.dtype)
            keep = keep.reshape(keep.shape + (1,) * (gg.ndim - 1))
        if gg.__class__ is _A:
            out = gg[idx]
            return (out * keep if padding_idx is not None else out), None, None, None
        out = RowGather.apply(gg, idx, None)
        return (out * _t(keep) if padding_idx is not None else out), None, None, None


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

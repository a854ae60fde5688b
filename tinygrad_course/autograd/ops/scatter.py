"""Writing by index and counting: scatter, scatter_add, index_add (+ in-place forms),
repeat_interleave, argwhere, bincount, histc, bucketize, searchsorted.

scatter/scatter_add/index_add differentiate through ``Function``s whose backward is written
with tensor ops (gather, index_select, masks), so they differentiate twice; the counting ops
return integer or histogram tensors that carry no gradient, as in PyTorch."""
from __future__ import annotations

import numpy as np

from ..aliases import numpy_dims, with_out
from ..dims import norm_dim
from ..function import Function
from .elementwise import _run

__all__ = [
    "argwhere",
    "bincount",
    "bucketize",
    "histc",
    "index_add",
    "repeat_interleave",
    "scatter",
    "scatter_add",
    "searchsorted",
]

_DT_NAME = {"f": "Float", "i": "Long", "u": "Byte", "b": "Bool"}


def _arr(t):
    """The ndarray behind tensor ``t`` (``tc.autograd._array``; tensor.py imports this file)."""
    return t._data


def _wrap(a: np.ndarray):
    return Tensor._make(a)


def _index_array(index, op: str, what: str = "index") -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(index).__name__}")
    idx = _arr(index)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for {what}, got {index.dtype}")
    return idx.astype(np.int64, copy=False)


def _along(index: np.ndarray, dim: int) -> tuple:
    """The NumPy index addressing self[..., index[...], ...] along ``dim`` (others: their position)."""
    grids = list(np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[dim] = index
    return tuple(grids)


def _scatter_checks(self, dim, index, src, op: str):
    """dim normalised, the index array and the index tuple, after PyTorch's checks."""
    d = norm_dim(dim, max(self.ndim, 1), op)
    idx = _index_array(index, op)
    if idx.ndim != max(self.ndim, 1) and not (idx.ndim == 0 and self.ndim == 0):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as self tensor "
                           f"(index {tuple(idx.shape)}, self {tuple(self.shape)})")
    if self.ndim == 0:
        idx = idx.reshape(1)
    shape = tuple(self.shape) or (1,)
    sshape = None if src is None else (tuple(src.shape) or (1,))
    for k, n in enumerate(idx.shape):
        if (k != d and n > shape[k]) or (sshape is not None and (len(sshape) != len(shape) or n > sshape[k])):
            raise RuntimeError(f"{op}(): Expected index {list(idx.shape)} to be no larger than self {list(shape)} "
                               f"apart from dimension {d}"
                               + ("" if sshape is None else f" and to be no larger size than src {list(sshape)}"))
    _check_bounds(idx, shape[d], d, op)
    if src is not None and src.dtype != self.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype (self {self.dtype}, src {src.dtype})")
    return d, idx, _along(idx, d)


def _check_bounds(idx: np.ndarray, n: int, d: int, op: str, kind=RuntimeError):
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:  # the first offender, as PyTorch reports it
        raise kind(f"{op}(): index {bad.flat[0]} is out of bounds for dimension {d} with size {n}")


def _src_part(src, idx):
    """The leading index-shaped block of ``src`` (the only part scatter reads)."""
    src = src.reshape(1) if src.ndim == 0 else src
    if tuple(src.shape) == tuple(idx.shape):
        return src
    return src[tuple(slice(0, n) for n in idx.shape)]


class Scatter(Function):
    """out = self with out[.., index[i], ..] = src[i] along dim (the last write wins);
    d/dself = g where nothing was written (0 elsewhere), d/dsrc = gather(g, dim, index)."""

    @staticmethod
    def forward(ctx, a, src, dim, idx, where):
        out = np.array(_arr(a), copy=True).reshape(_arr(a).shape or (1,))
        out[where] = _arr(src)
        written = np.zeros(out.shape, bool)
        written[where] = True
        ctx.aux = (dim, idx, written, _arr(a).shape)
        return out.reshape(_arr(a).shape)

    @staticmethod
    def backward(ctx, g):
        dim, idx, written, shape = ctx.aux
        g1 = g.reshape(written.shape)
        ga = (g1 * _wrap(~written)).reshape(shape) if ctx.needs_input_grad[0] else None
        gs = g1.gather(dim, _wrap(idx)) if ctx.needs_input_grad[1] else None
        return ga, gs, None, None, None


class ScatterAdd(Function):
    """zeros(shape) with src added at index along dim (repeats accumulate);
    d/dsrc = gather(g, dim, index)."""

    @staticmethod
    def forward(ctx, src, shape, dim, idx, where):
        out = np.zeros(shape, _arr(src).dtype)
        np.add.at(out, where, _arr(src))
        ctx.aux = (dim, idx)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, idx = ctx.aux
        return g.gather(dim, _wrap(idx)), None, None, None, None


class IndexAdd(Function):
    """zeros(shape) with source's slices added at positions index along dim (repeats
    accumulate); d/dsource = index_select(g, dim, index)."""

    @staticmethod
    def forward(ctx, source, shape, dim, idx):
        out = np.zeros(shape, _arr(source).dtype)
        np.add.at(out, (slice(None),) * dim + (idx,), _arr(source))
        ctx.aux = (dim, idx)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, idx = ctx.aux
        return g.index_select(dim, _wrap(idx)), None, None, None


class ScatterOps:
    """Writing by index and counting. ``Tensor`` inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def scatter(self, dim: int, index: Tensor, src=None, value=None, reduce: str | None = None) -> Tensor:
        """self with ``src[i][j]`` written at ``[i][index[i][j]]`` (dim = 1; likewise for any dim), or the
        number ``value`` everywhere index points; only the index-shaped block of src is read.
        ``reduce`` ("add" / "multiply") combines instead of replacing (forward only, as PyTorch
        deprecates it). ``tc.zeros(3).scatter(0, tc.tensor([2]), tc.tensor([5.]))`` -> tensor([0., 0., 5.])."""
        if src is None and value is None:
            raise TypeError("scatter(): missing argument 'src' or 'value'")
        if value is None and not isinstance(src, Tensor):
            src, value = None, src
        d, idx, where = _scatter_checks(self, dim, index, src, "scatter")
        if src is None:
            src = _wrap(np.full(idx.shape, value, dtype=_arr(self).dtype))
        part = _src_part(src, idx)
        if reduce is not None:
            if reduce not in ("add", "multiply"):
                raise RuntimeError(f"scatter(): reduce argument must be either add or multiply (got {reduce!r})")
            out = np.array(_arr(self), copy=True).reshape(tuple(self.shape) or (1,))
            (np.add if reduce == "add" else np.multiply).at(out, where, _arr(part))
            return _wrap(out.reshape(self.shape))
        return _run(Scatter, self, part, d, idx, where)

    @numpy_dims
    def scatter_add(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """self plus ``src[i][j]`` added at ``[i][index[i][j]]`` (dim = 1; repeated indices accumulate).
        ``tc.zeros(3).scatter_add(0, tc.tensor([2, 2]), tc.tensor([1., 2.]))`` -> tensor([0., 0., 3.])."""
        if not isinstance(src, Tensor):
            raise TypeError(f"scatter_add(): argument 'src' must be Tensor, not {type(src).__name__}")
        d, idx, where = _scatter_checks(self, dim, index, src, "scatter_add")
        added = _run(ScatterAdd, _src_part(src, idx), tuple(self.shape) or (1,), d, idx, where)
        return self + added.reshape(self.shape)

    @numpy_dims
    def index_add(self, dim: int, index: Tensor, source: Tensor, alpha=1) -> Tensor:
        """self with alpha * source[.., i, ..] added to self[.., index[i], ..] along dim (repeats
        accumulate). ``tc.zeros(3).index_add(0, tc.tensor([0, 0]), tc.tensor([1., 2.]))`` -> tensor([3., 0., 0.])."""
        op = "index_add_"
        d = norm_dim(dim, max(self.ndim, 1), op)
        idx = _index_array(index, op)
        if idx.ndim > 1:
            raise IndexError(f"{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} with size "
                             f"{list(idx.shape)}")
        idx = idx.reshape(-1)
        if not isinstance(source, Tensor):
            raise TypeError(f"{op}(): argument 'source' must be Tensor, not {type(source).__name__}")
        shape = tuple(self.shape) or (1,)
        sshape = tuple(source.shape) or (1,)
        if self.ndim == 0 and source.ndim > 0:
            raise RuntimeError(f"{op}(): source tensor shape must match self tensor shape, excluding the specified "
                               f"dimension. Got self.shape = [] source.shape = {list(source.shape)}")
        if len(sshape) != len(shape) or any(a != b for k, (a, b) in enumerate(zip(shape, sshape)) if k != d):
            raise RuntimeError(f"{op}(): source {list(source.shape)} must have the shape of self {list(self.shape)} "
                               f"apart from dimension {d}")
        if idx.size != sshape[d]:
            raise RuntimeError(f"{op}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                               f"({sshape[d]}), for dim: {d}")
        if source.dtype != self.dtype:
            raise RuntimeError(f"{op}(): self ({self.dtype}) and source ({source.dtype}) must have the same "
                               "scalar type")
        # PyTorch's kind: IndexError ("index out of range in self") for a vector, RuntimeError above
        _check_bounds(idx, shape[d], d, op, IndexError if self.ndim <= 1 else RuntimeError)
        added = _run(IndexAdd, source.reshape(sshape), shape, d, idx).reshape(self.shape)
        return self + (added * alpha if alpha != 1 else added)

    @numpy_dims
    def scatter_(self, dim: int, index: Tensor, src=None, value=None, reduce: str | None = None) -> Tensor:
        """In-place ``scatter``."""
        return self._inplace("scatter_", Tensor.scatter, dim, index, src, value, reduce)

    @numpy_dims
    def scatter_add_(self, dim: int, index: Tensor, src: Tensor) -> Tensor:
        """In-place ``scatter_add``."""
        return self._inplace("scatter_add_", Tensor.scatter_add, dim, index, src)

    @numpy_dims
    def index_add_(self, dim: int, index: Tensor, source: Tensor, alpha=1) -> Tensor:
        """In-place ``index_add``."""
        return self._inplace("index_add_", Tensor.index_add, dim, index, source, alpha)

    @numpy_dims
    def repeat_interleave(self, repeats=None, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
        """Each element (or slice along dim) repeated ``repeats`` times (an int or one count per
        element); dim=None works on the flattened tensor. Differentiable (an index_select).
        ``tc.tensor([1, 2]).repeat_interleave(2)`` -> tensor([1, 1, 2, 2])."""
        if repeats is None:  # repeat_interleave(counts): each position i, counts[i] times
            return repeat_interleave(self)
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else norm_dim(dim, x.ndim, "repeat_interleave")
        if x.ndim == 0:
            x = x.reshape(1)
        n = x.shape[d]
        reps = _arr(repeats) if isinstance(repeats, Tensor) else np.asarray(repeats)
        if reps.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave(): repeats must be an int or an integer tensor, got {reps.dtype}")
        if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, n)):
            raise RuntimeError(f"repeat_interleave(): repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {reps.size} and input.size({d}) = {n}")
        if (reps < 0).any():
            raise RuntimeError("repeat_interleave(): Repeats must be non-negative")
        pos = np.repeat(np.arange(n), reps.reshape(-1) if reps.ndim else int(reps))
        if output_size is not None and output_size != pos.size:
            raise RuntimeError(f"repeat_interleave(): output_size {output_size} does not match the total {pos.size}")
        return x.index_select(d, _wrap(pos.astype(np.int64)))

    def argwhere(self) -> Tensor:
        """The indices of the non-zero elements, one row each (int64, shape (count, ndim)).
        ``tc.tensor([0, 3, 0, 4]).argwhere()`` -> tensor([[1], [3]])."""
        x = _arr(self)
        if x.ndim == 0:
            return _wrap(np.zeros((int(x != 0), 0), np.int64))
        return _wrap(np.argwhere(x).astype(np.int64))

    def bincount(self, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        """Counts of each value 0..max of a 1-D non-negative integer tensor (sums of ``weights``
        instead, when given). ``tc.tensor([0, 2, 2]).bincount()`` -> tensor([1, 0, 2])."""
        x = _arr(self)
        if x.dtype.kind not in "iu":
            raise NotImplementedError(f'"bincount_cpu" not implemented for {self.dtype} (bincount needs integers)')
        if x.ndim != 1 or (x.size and x.min() < 0):
            raise RuntimeError(f"bincount(): bincount only supports 1-d non-negative integral inputs (got shape "
                               f"{tuple(x.shape)}{'' if x.ndim != 1 else ', min ' + str(x.min())})")
        if minlength < 0:
            raise RuntimeError(f"bincount(): minlength should be >= 0 (got {minlength})")
        if weights is None or x.size == 0:  # PyTorch: an empty input counts in int64 even with weights
            return _wrap(np.bincount(x, minlength=minlength).astype(np.int64))
        w = _arr(weights)
        if w.shape != x.shape:
            raise RuntimeError(f"bincount(): weights should be 1-d and have the same length as input "
                               f"(input {tuple(x.shape)}, weights {tuple(w.shape)})")
        dt = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
        return _wrap(np.bincount(x, weights=w.astype(np.float64), minlength=minlength).astype(dt))

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
        """A histogram of ``bins`` equal bins over [min, max] (both 0: the data's own range);
        values outside are ignored, the last bin includes max. No gradient.
        ``tc.tensor([1., 2., 1.]).histc(bins=4, min=0, max=3)`` -> tensor([0., 2., 1., 0.])."""
        x = _arr(self)
        if x.dtype.kind != "f":
            raise NotImplementedError(f'"histogram_cpu" not implemented for {self.dtype} (histc needs a float tensor)')
        if bins <= 0:
            raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins}")
        lo, hi = float(min), float(max)
        if lo == hi and x.size:
            lo, hi = float(x.min()), float(x.max())
        if lo == hi:  # PyTorch widens a single value's range by one on each side
            lo, hi = lo - 1, hi + 1
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
        if lo > hi:
            raise RuntimeError(f"torch.histc: max must be larger than min (got min {min}, max {max})")
        # in the input's own dtype, as PyTorch: a float32 value a hair below an edge falls as it does there
        lo, hi = x.dtype.type(lo), x.dtype.type(hi)
        v = x[(x >= lo) & (x <= hi)]
        with np.errstate(over="ignore", invalid="ignore"):
            k = np.minimum(((v - lo) * x.dtype.type(bins) / (hi - lo)).astype(np.int64), bins - 1)
        return _wrap(np.bincount(k, minlength=bins).astype(x.dtype))


# ---- function forms: ``tc.<name>(input, ...)`` ----
@with_out
def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, reduce: str | None = None) -> Tensor:
    """``input.scatter(dim, index, src or value)``.
    ``tc.scatter(tc.zeros(2), 0, tc.tensor([1]), value=3.)`` -> tensor([0., 3.]).

    >>> tc.scatter(tc.zeros(2), 0, tc.tensor([1]), value=3.)
    tensor([0., 3.])
    """
    return input.scatter(dim, index, src, value, reduce)


@with_out
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input.scatter_add(dim, index, src)``.
    ``tc.scatter_add(tc.zeros(2), 0, tc.tensor([1, 1]), tc.ones(2))`` -> tensor([0., 2.]).

    >>> tc.scatter_add(tc.zeros(2), 0, tc.tensor([1, 1]), tc.ones(2))
    tensor([0., 2.])
    """
    return input.scatter_add(dim, index, src)


@with_out
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """``input.index_add(dim, index, source, alpha=alpha)``.
    ``tc.index_add(tc.zeros(2), 0, tc.tensor([1]), tc.ones(1))`` -> tensor([0., 1.]).

    >>> tc.index_add(tc.zeros(2), 0, tc.tensor([1]), tc.ones(1))
    tensor([0., 1.])
    """
    return input.index_add(dim, index, source, alpha)


@numpy_dims
def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
    """Repeat elements (``input.repeat_interleave``); with only a 1-D count tensor, each index i
    repeated count[i] times. ``tc.repeat_interleave(tc.tensor([2, 1]))`` -> tensor([0, 0, 1]).

    >>> tc.repeat_interleave(tc.tensor([2, 1]))
    tensor([0, 0, 1])
    """
    if repeats is None:
        counts = _arr(input)
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave(): repeats must be a 1-D integer tensor (got shape "
                               f"{tuple(counts.shape)}, {input.dtype})")
        if (counts < 0).any():
            raise RuntimeError("repeat_interleave(): Repeats must be non-negative")
        return _wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def argwhere(input: Tensor) -> Tensor:
    """``input.argwhere()``: the indices of the non-zero elements, one row each.

    >>> tc.argwhere(tc.tensor([[0., 1.], [2., 0.]]))
    tensor([[0, 1],
            [1, 0]])
    """
    return input.argwhere()


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """``input.bincount(weights, minlength)``. ``tc.bincount(tc.tensor([1, 1]))`` -> tensor([0, 2]).

    >>> tc.bincount(tc.tensor([1, 1]))
    tensor([0, 2])
    """
    return input.bincount(weights, minlength)


@with_out
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """``input.histc(bins, min, max)``. ``tc.histc(tc.tensor([0., 1.]), bins=2)`` -> tensor([1., 1.]).

    >>> tc.histc(tc.tensor([0., 1.]), bins=2)
    tensor([1., 1.])
    """
    return input.histc(bins, min, max)


@with_out
def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None) -> Tensor:
    """For each value, the index where it would be inserted into ``sorted_sequence`` to keep it
    sorted (the first such index; the last with right=True or side="right"). A N-d sequence is
    searched row by row along its last dim (its leading dims match input's).
    ``tc.searchsorted(tc.tensor([1, 3, 5]), tc.tensor([3, 6]))`` -> tensor([1, 3]).

    >>> tc.searchsorted(tc.tensor([1, 3, 5]), tc.tensor([3, 6]))
    tensor([1, 3])
    """
    op = "torch.searchsorted()"
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    seq = _arr(sorted_sequence)
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else _arr(input)
    if sorter is not None:
        seq = np.take_along_axis(seq, _index_array(sorter, "searchsorted", "sorter"), -1)
    out_dt = np.int32 if out_int32 else np.int64
    how = "right" if right else "left"
    if seq.ndim <= 1:
        return _wrap(np.asarray(np.searchsorted(seq.reshape(-1), vals, side=how), out_dt))
    if scalar or seq.shape[:-1] != vals.shape[:-1]:
        raise RuntimeError(f"{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
                           f"tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(vals.shape)}")
    lead = int(np.prod(seq.shape[:-1]))
    rows_s = seq.reshape(lead, seq.shape[-1])
    rows_v = vals.reshape(lead, vals.shape[-1])
    out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)]) if rows_s.shape[0] else \
        np.zeros(rows_v.shape, np.int64)
    return _wrap(out.reshape(vals.shape).astype(out_dt))


@with_out
def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:
    """The bucket of each value among 1-D sorted ``boundaries``: i with boundaries[i-1] < x <=
    boundaries[i] (right=True: boundaries[i-1] <= x < boundaries[i]).
    ``tc.bucketize(tc.tensor([1, 5, 9]), tc.tensor([1, 3, 5, 7]))`` -> tensor([0, 2, 4]).

    >>> tc.bucketize(tc.tensor([1, 5, 9]), tc.tensor([1, 3, 5, 7]))
    tensor([0, 2, 4])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"bucketize(): boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

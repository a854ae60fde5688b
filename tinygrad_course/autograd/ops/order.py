"""Order statistics: ``kthvalue``, ``median``, ``nanmedian``, ``quantile``, ``nanquantile``,
``msort``, ``mode``, ``cummax``, ``cummin``. Each finds the indices of the wanted elements with
NumPy (a stable sort, runs of equal values, running extrema) and gathers them, so gradients
(first and second) flow through ``sort``'s and ``gather``'s Functions to the elements picked.
NaN sorts last, as in PyTorch: ``median``/``quantile`` give NaN for a slice holding one, the
``nan`` versions rank the other elements only."""
import numpy as np

from ..aliases import numpy_dims, with_out
from ..dims import norm_dim

__all__ = ["kthvalue", "median", "nanmedian", "quantile", "nanquantile", "msort", "mode", "cummax", "cummin"]

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _pick(x, d, ranks, keepdim, name):
    """(values, indices) of the elements of rank ``ranks`` (an int array of the reduced shape,
    keepdim) along dim ``d`` of ``x``."""
    from ... import return_types

    values, indices = x.sort(d, stable=True)
    idx = Tensor._make(np.asarray(ranks, np.int64))
    v, i = values.gather(d, idx), indices.gather(d, idx)
    if not keepdim:
        v, i = v.squeeze(d), i.squeeze(d)
    return getattr(return_types, name)(v, i)


def _nan_counts(x, d):
    a = x._data
    if a.dtype.kind != "f":
        return np.zeros(a.shape[:d] + (1,) + a.shape[d + 1:], np.int64)
    return np.isnan(a).sum(d, keepdims=True)


def _along(x, dim, name):
    """(x, d): ``dim`` normalised; a 0-d tensor is treated as one element along dim 0."""
    if x.ndim == 0:
        norm_dim(dim, 1, name)
        return x.reshape(1), 0
    return x, norm_dim(dim, x.ndim, name)


def _median(x, dim, keepdim, name, skip_nan):
    if dim is None:  # over every element: the value only, its gradient shared by all its ties
        flat = x.reshape(-1)
        if flat.shape[0] == 0:
            return Tensor._make(np.asarray(np.nan, x._data.dtype))
        v = _median(flat, 0, False, name, skip_nan).values
        if not x.requires_grad:
            return v
        a, m = x._data, v._data
        ties = (a == m) | (np.isnan(a) & np.isnan(m))
        # v exactly (x - x.detach() is 0), gradient 1/count at each tie, as PyTorch
        return v.detach() + ((x - x.detach()) * Tensor._make(ties / ties.sum())).sum()
    scalar = x.ndim == 0
    x, d = _along(x, dim, name)
    n = x.shape[d]
    if n == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    nans = _nan_counts(x, d)
    if skip_nan:  # the lower median of the numbers; all NaN: the first NaN
        ranks = np.maximum((n - nans - 1) // 2, 0)
    else:  # a NaN in the slice is its median (the first one: stable sort)
        ranks = np.where(nans > 0, n - nans, (n - 1) // 2)
    res = _pick(x, d, ranks, keepdim, name)
    if scalar:
        res = type(res)(res.values.reshape(()), res.indices.reshape(()))
    return res


def _quantile(x, q, dim, keepdim, interpolation, name, skip_nan):
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype (got {x.dtype})")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                           f"Got {interpolation}")
    qs = np.asarray(q._data if isinstance(q, Tensor) else q, np.float64)
    if qs.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor (got shape {tuple(qs.shape)})")
    if isinstance(q, Tensor) and q._data.dtype != x._data.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor (got {q.dtype} and {x.dtype})")
    if np.any((qs < 0) | (qs > 1)) or np.any(np.isnan(qs)):
        bad = qs.flat[int(np.argmax((qs < 0) | (qs > 1) | np.isnan(qs)))]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad:g}")
    if dim is None:
        src, d = x.reshape(-1), 0
    else:
        src, d = _along(x, dim, name)
    n = src.shape[d]
    if n == 0:
        raise IndexError(f"{name}() input tensor must be non-empty")
    values = src.sort(d, stable=True).values
    nans = _nan_counts(src, d)
    m = (n - nans) if skip_nan else np.full_like(nans, n)  # how many values are ranked
    outs = []
    for j, qv in enumerate(qs.reshape(-1)):
        pos = qv * np.maximum(m - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(np.ceil(pos).astype(np.int64), np.maximum(m - 1, 0))
        if interpolation == "lower":
            hi = lo
        elif interpolation == "higher":
            lo = hi
        elif interpolation == "nearest":
            lo = hi = np.round(pos).astype(np.int64)  # half to even, as PyTorch
        v = values.gather(d, Tensor._make(lo))
        if interpolation in ("linear", "midpoint"):
            w = Tensor._make(np.asarray(0.5 if interpolation == "midpoint" else pos - lo, x._data.dtype))
            if interpolation == "linear" and isinstance(q, Tensor) and q.requires_grad:
                # the weight as a function of q, so the quantile differentiates in q too
                w = q.reshape(-1)[j] * Tensor._make(np.maximum(m - 1, 0).astype(x._data.dtype)) - Tensor._make(
                    lo.astype(x._data.dtype))
            v = v.lerp(values.gather(d, Tensor._make(hi)), w)
        # a NaN in the slice (quantile), or nothing but NaN (nanquantile): the answer is NaN
        undefined = (m == 0) if skip_nan else (nans > 0)
        if undefined.any():
            v = v.masked_fill(Tensor._make(undefined), float("nan"))
        outs.append(v)
    out = _stack(outs)  # a leading dim, one entry per q
    if qs.ndim == 0:
        out = out.squeeze(0)
    if dim is None:
        lead = (len(outs),) if qs.ndim else ()
        return out.reshape(lead + ((1,) * x.ndim if keepdim else ()))
    if not keepdim:
        out = out.squeeze(d + (1 if qs.ndim else 0))
    if x.ndim == 0 and dim is not None:
        out = out.reshape(out.shape[:1] if qs.ndim else ())
    return out


def _last_axis(x, d):
    """x's array with dim ``d`` moved last and the rest flattened: (rows, n)."""
    a = np.moveaxis(x._data, d, -1)
    return a.reshape(-1, a.shape[-1]) if a.size else a.reshape(-1, a.shape[-1] if a.ndim else 1), a.shape


def _back(idx, shape, d, keep_last):
    """Row indices (rows,) or (rows, n) back in x's layout, dim ``d`` restored (size 1 or n)."""
    idx = idx.reshape(shape[:-1] + ((shape[-1],) if keep_last else (1,)))
    return np.moveaxis(idx, -1, d)


def _mode_indices(x, d):
    """Per slice along ``d``: the index of the last occurrence of the most frequent value (the
    smallest such value on a tie; NaN never equals NaN), as PyTorch's ``mode``."""
    a, shape = _last_axis(x, d)
    rows, n = a.shape
    order = np.argsort(a, axis=-1, kind="stable")
    sv = np.take_along_axis(a, order, -1)
    starts = np.ones((rows, n), bool)
    starts[:, 1:] = sv[:, 1:] != sv[:, :-1]
    run = np.cumsum(starts, axis=1) - 1
    counts = np.bincount((run + np.arange(rows)[:, None] * n).ravel(), minlength=rows * n).reshape(rows, n)
    best = counts.argmax(axis=1)  # the first of the most frequent runs: the smallest value
    last = np.where(run == best[:, None], np.arange(n), -1).max(axis=1)
    return _back(order[np.arange(rows), last], shape, d, False)


def _running_indices(x, d, largest):
    """Per position along ``d``: the index of the extremum so far (the latest of equal ones; a NaN
    is an extremum and stays one), as PyTorch's ``cummax``/``cummin``."""
    a, shape = _last_axis(x, d)
    rows, n = a.shape
    acc = (np.maximum if largest else np.minimum).accumulate(a, axis=1)
    prev = np.concatenate([a[:, :1], acc[:, :-1]], axis=1)
    with np.errstate(invalid="ignore"):
        better = (a >= prev) if largest else (a <= prev)
    update = np.isnan(a) | (~np.isnan(prev) & better) if a.dtype.kind == "f" else better
    update[:, 0] = True
    idx = np.maximum.accumulate(np.where(update, np.arange(n), 0), axis=1)
    return _back(idx, shape, d, True)


def _stack(outs):
    from .join import stack

    return stack(outs, 0)


class OrderOps:
    """``kthvalue``, ``median``, ``nanmedian``, ``quantile``, ``nanquantile``, ``msort``. ``Tensor``
    inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def kthvalue(self, k, dim=-1, keepdim=False):
        """(values, indices) of the k-th smallest element along ``dim`` (k counts from 1).

        >>> tc.tensor([3., 1., 2.]).kthvalue(2).values
        tensor(2.)
        """
        scalar = self.ndim == 0
        x, d = _along(self, dim, "kthvalue")
        n = x.shape[d]
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} (k={k}, size {n})")
        res = _pick(x, d, np.full(x.shape[:d] + (1,) + x.shape[d + 1:], k - 1, np.int64), keepdim, "kthvalue")
        return type(res)(res.values.reshape(()), res.indices.reshape(())) if scalar else res

    @numpy_dims
    def median(self, dim=None, keepdim=False):
        """The lower median: over all elements (a value), or (values, indices) along ``dim``;
        NaN if the slice holds a NaN.

        >>> tc.tensor([1., 4., 2., 3.]).median()
        tensor(2.)
        """
        return _median(self, dim, keepdim, "median", False)

    @numpy_dims
    def nanmedian(self, dim=None, keepdim=False):
        """``median`` of the elements that are not NaN (NaN only when all are).

        >>> tc.tensor([1., float("nan"), 3.]).nanmedian()
        tensor(1.)
        """
        return _median(self, dim, keepdim, "nanmedian", True)

    @numpy_dims
    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """The q-th quantiles (q in [0, 1], a number or a 1-D tensor: then a leading dim per q),
        over all elements or along ``dim``: rank r = q (n - 1) in the sorted values, interpolated
        between floor(r) and ceil(r) (``linear``), or ``lower``/``higher``/``midpoint``/``nearest``.

        >>> tc.tensor([1., 2., 3., 4.]).quantile(0.5)
        tensor(2.5000)
        """
        return _quantile(self, q, dim, keepdim, interpolation, "quantile", False)

    @numpy_dims
    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """``quantile`` of the elements that are not NaN.

        >>> tc.tensor([1., float("nan"), 3.]).nanquantile(0.5)
        tensor(2.)
        """
        return _quantile(self, q, dim, keepdim, interpolation, "nanquantile", True)

    @numpy_dims
    def mode(self, dim=-1, keepdim=False):
        """(values, indices): the most frequent value along ``dim`` (the smallest on a tie) and the
        index of its last occurrence.

        >>> tc.tensor([2., 1., 2., 1., 3.]).mode()
        mode(values=tensor(1.), indices=tensor(3))
        """
        from ... import return_types

        scalar = self.ndim == 0
        x, d = _along(self, dim, "mode")
        if x.shape[d] == 0:
            raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
        idx = Tensor._make(_mode_indices(x, d).astype(np.int64))
        v = x.gather(d, idx)
        if not keepdim or scalar:
            v, idx = v.squeeze(d), idx.squeeze(d)
        if scalar:
            v, idx = v.reshape(()), idx.reshape(())
        return return_types.mode(v, idx)

    @numpy_dims
    def cummax(self, dim):
        """(values, indices) of the running maximum along ``dim``: out[i] = max(x[0..i]).

        >>> tc.tensor([1., 3., 2., 5.]).cummax(0).values
        tensor([1., 3., 3., 5.])
        """
        return _cumulative(self, dim, True, "cummax")

    @numpy_dims
    def cummin(self, dim):
        """(values, indices) of the running minimum along ``dim``: out[i] = min(x[0..i]).

        >>> tc.tensor([3., 1., 2., 0.]).cummin(0).values
        tensor([3., 1., 1., 0.])
        """
        return _cumulative(self, dim, False, "cummin")

    def msort(self):
        """Sorted along dim 0 (``sort(0).values``).

        >>> tc.tensor([[2., 1.], [1., 3.]]).msort()
        tensor([[1., 1.],
                [2., 3.]])
        """
        return self.sort(0).values


@with_out
def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element along ``dim``.

    >>> tc.kthvalue(tc.tensor([3., 1., 2.]), 1).values
    tensor(1.)
    """
    return input.kthvalue(k, dim, keepdim)


@with_out
def median(input, dim=None, keepdim=False):
    """The lower median (see ``Tensor.median``).

    >>> tc.median(tc.tensor([3., 1., 2.]))
    tensor(2.)
    """
    return input.median(dim, keepdim)


@with_out
def nanmedian(input, dim=None, keepdim=False):
    """The lower median of the non-NaN elements.

    >>> tc.nanmedian(tc.tensor([3., float("nan"), 1.]))
    tensor(1.)
    """
    return input.nanmedian(dim, keepdim)


@with_out
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (see ``Tensor.quantile``).

    >>> tc.quantile(tc.tensor([0., 10.]), 0.25)
    tensor(2.5000)
    """
    return input.quantile(q, dim, keepdim, interpolation=interpolation)


@with_out
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of the non-NaN elements.

    >>> tc.nanquantile(tc.tensor([0., float("nan"), 10.]), 0.5)
    tensor(5.)
    """
    return input.nanquantile(q, dim, keepdim, interpolation=interpolation)


def _cumulative(x, dim, largest, name):
    from ... import return_types

    scalar = x.ndim == 0
    x, d = _along(x, dim, name)
    if x.shape[d] == 0:
        return getattr(return_types, name)(x.clone(), Tensor._make(np.zeros(x.shape, np.int64)))
    idx = Tensor._make(_running_indices(x, d, largest).astype(np.int64))
    v = x.gather(d, idx)
    if scalar:
        v, idx = v.reshape(()), idx.reshape(())
    return getattr(return_types, name)(v, idx)


@with_out
def mode(input, dim=-1, keepdim=False):
    """(values, indices) of the most frequent value along ``dim``.

    >>> tc.mode(tc.tensor([2., 2., 1.])).values
    tensor(2.)
    """
    return input.mode(dim, keepdim)


@with_out
def cummax(input, dim):
    """(values, indices) of the running maximum along ``dim``.

    >>> tc.cummax(tc.tensor([1., 0., 2.]), 0).indices
    tensor([0, 0, 2])
    """
    return input.cummax(dim)


@with_out
def cummin(input, dim):
    """(values, indices) of the running minimum along ``dim``.

    >>> tc.cummin(tc.tensor([1., 0., 2.]), 0).indices
    tensor([0, 1, 1])
    """
    return input.cummin(dim)


@with_out
def msort(input):
    """Sorted along dim 0.

    >>> tc.msort(tc.tensor([3., 1., 2.]))
    tensor([1., 2., 3.])
    """
    return input.msort()


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

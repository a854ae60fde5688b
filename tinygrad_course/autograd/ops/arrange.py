"""Arranging elements: repeat and tile, flips and rolls, splitting into pieces, narrowing,
differences, running sums and products, triangles and diagonals."""
import numpy as np

from .. import dtypes as _dt
from ..aliases import numpy_dims, with_out
from ..dims import norm_dim, norm_dims, shape_arg as _shape_arg
from .index import IndexAdd, IndexView
from .select import where

_A = np.ndarray

__all__ = [  # the function forms, exported as tc.<name>
    "chunk",
    "cumprod",
    "cumsum",
    "diag",
    "diagonal",
    "diff",
    "flip",
    "narrow",
    "repeat",
    "roll",
    "split",
    "tile",
    "tril",
    "triu",
    "unbind",
]


class ArrangeOps:
    """Arranging elements: repeat and tile, flips and rolls, splitting into pieces, narrowing, differences and running sums/products, triangles and diagonals. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def repeat(self, *sizes):
        """Tile the tensor ``sizes`` times along each dim (NumPy's ``tile``)."""
        sizes = _shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                "repeat(): Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
            )
        sh = (1,) * (len(sizes) - self.ndim) + self.shape
        x = self.reshape(sh)
        inter = []
        for r, s in zip(sizes, sh):
            inter += [1, s]
        x = x.reshape(inter)
        exp = []
        for r, s in zip(sizes, sh):
            exp += [r, s]
        return x.expand(exp).reshape(tuple(r * s for r, s in zip(sizes, sh)))

    def tile(self, *dims):
        """Repeat self along each dimension."""
        dims = _shape_arg(dims)
        dims = (1,) * (self.ndim - len(dims)) + tuple(dims)
        return self.repeat(dims)

    def flip(self, *dims):
        """Reverse the order of elements along ``dims``."""
        dims = _shape_arg(dims)
        idx = [slice(None)] * self.ndim
        for d in norm_dims(tuple(dims), self.ndim, "flip"):
            idx[d] = slice(None, None, -1)
        # a negative-step view (which user indexing refuses, as PyTorch does), then a copy
        return IndexView.apply(self, tuple(idx), True).clone()

    @numpy_dims
    def chunk(self, chunks, dim=0):
        """Split into ``chunks`` pieces of size ceil(n / chunks) along ``dim``."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        n = self.size(dim)
        size = -(-n // chunks) if n else 0
        return self.split(max(size, 1), dim) if n else tuple(self for _ in range(1))

    def split(self, split_size_or_sections, dim=0):
        """Pieces of the given size (or list of sizes) along ``dim``."""
        d = norm_dim(dim, self.ndim, "split")
        n = self.shape[d]
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = list(split_size_or_sections)
            if sum(sizes) != n:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                    f"dimension {d}), but got split_sizes={sizes}"
                )
        else:
            s = int(split_size_or_sections)
            if s <= 0 and n:
                raise RuntimeError(f"split(): split_size must be positive, got {s}")
            sizes = [s] * (n // s) + ([n % s] if n % s else []) if n else [0]
        out, start = [], 0
        pre = (slice(None),) * d
        for s in sizes:
            out.append(self[pre + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @numpy_dims
    def unbind(self, dim=0):
        """The slices along ``dim`` as a tuple."""
        d = norm_dim(dim, self.ndim, "unbind")
        pre = (slice(None),) * d
        return tuple(self[pre + (i,)] for i in range(self.shape[d]))

    @numpy_dims
    def narrow(self, dim, start, length):
        """The slice ``start:start+length`` of dimension ``dim`` (a view)."""
        if self.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        d = norm_dim(dim, self.ndim, "narrow")
        if isinstance(start, Tensor) and (start.ndim != 0 or start.dtype.is_floating_point or start.dtype == _dt.bool):
            raise RuntimeError(f"narrow(): start must be an 0-dim integral Tensor. (got shape {tuple(start.shape)}, "
                               f"dtype {start.dtype})")
        start, length = int(start), int(length)  # a 0-d integer tensor start, as PyTorch accepts
        if length < 0:
            raise RuntimeError(f"narrow(): length must be non-negative. (got {length})")
        n = self.shape[d]
        if not -n <= start <= n:
            raise IndexError(f"narrow(): start out of range (expected to be in range of [{-n}, {n}], but got {start})")
        if start < 0:
            start += n
        if start + length > n:
            raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({n}).")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    @numpy_dims
    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """The n-th forward difference along dim, out[i] = x[i+1] - x[i] applied n times (bool:
        x[i+1] != x[i]), after joining ``prepend`` / ``append`` to x along dim.
        ``tc.tensor([1, 3, 6]).diff()`` -> tensor([2, 3])."""
        from .join import cat

        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        if n < 0:
            raise RuntimeError(f"diff(): order must be non-negative but got {n}")
        d = norm_dim(dim, self.ndim, "diff")
        x = self
        if n == 0:  # PyTorch (and NumPy) return the input as is, prepend/append not joined
            return x
        if prepend is not None or append is not None:
            for t in (prepend, append):
                if t is not None and t.ndim != self.ndim:
                    raise RuntimeError(f"diff expects prepend or append to be the same dimension as input (input "
                                       f"{tuple(self.shape)}, got {tuple(t.shape)})")
            x = cat([t for t in (prepend, self, append) if t is not None], d)
        is_bool = x.dtype == _dt.bool
        for _ in range(n):
            m = x.shape[d]
            if m == 0:
                break
            hi, lo = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
            x = (hi != lo) if is_bool else hi - lo
        return x

    def roll(self, shifts, dims=None):
        """Elements shifted cyclically along ``dims`` (flattened when None)."""
        if dims is None:
            return self.flatten().roll(shifts, 0).view(self.shape)
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll(): shifts and dims must align, got {len(shifts)} and {len(dims)}")
        out = self
        for sh, d in zip(shifts, dims):
            d = norm_dim(d, self.ndim, "roll")
            n = self.shape[d]
            out = out[(slice(None),) * d + ((np.arange(n) - sh) % n,)]
        return out

    def tril(self, diagonal=0):
        """Lower triangle of the last two dims (the rest zeroed)."""
        if self.ndim < 2:
            raise RuntimeError(f"tril: input tensor must have at least 2 dimensions, got {self.ndim}")
        m = np.tril(np.ones(self.shape[-2:], bool), diagonal)
        return where(m, self, False if self.dtype is _dt.bool else 0)  # a bool stays a bool

    def triu(self, diagonal=0):
        """Upper triangle of the last two dims (the rest zeroed)."""
        if self.ndim < 2:
            raise RuntimeError(f"triu: input tensor must have at least 2 dimensions, got {self.ndim}")
        m = np.triu(np.ones(self.shape[-2:], bool), diagonal)
        return where(m, self, False if self.dtype is _dt.bool else 0)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of dims (dim1, dim2) (shifted by ``offset``), as the last dim."""
        d1, d2 = norm_dim(dim1, self.ndim, "diagonal"), norm_dim(dim2, self.ndim, "diagonal")
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        x = self.permute(*[i for i in range(self.ndim) if i not in (d1, d2)], d1, d2)
        r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
        i = np.arange(max(0, min(x.shape[-2] - r0, x.shape[-1] - c0)))
        return x[..., i + r0, i + c0]

    def diag(self, diagonal=0):
        """1-D: a matrix with this on its diagonal; 2-D: the diagonal."""
        if self.ndim == 1:
            n = self.shape[0] + abs(diagonal)
            i = np.arange(self.shape[0])
            r, c = (i, i + diagonal) if diagonal >= 0 else (i - diagonal, i)
            return IndexAdd.apply(self, (n, n), (r, c), False)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise RuntimeError(f"diag(): expected a 1-D or 2-D tensor, got {self.ndim}-D")

    @numpy_dims
    def cumsum(self, dim, dtype=None):
        """Running sum along dim (as a matmul with a triangular matrix, so it differentiates)."""
        d = norm_dim(dim, self.ndim, "cumsum")
        if dtype is not None:
            return self.to(dtype).cumsum(d)
        if not self.is_floating_point() and self.dtype != _dt.int64:  # bools and small ints give int64
            return self.to(_dt.int64).cumsum(d)
        if self.ndim == 0:
            return self * 1
        n = self.shape[d]
        tri = np.triu(np.ones((n, n), self._data.dtype if self.is_floating_point() else np.int64))
        return (self.movedim(d, -1) @ Tensor._make(tri)).movedim(-1, d)

    @numpy_dims
    def cumprod(self, dim, dtype=None):
        """Running product along dim: the product of each prefix (zeros handled exactly)."""
        d = norm_dim(dim, self.ndim, "cumprod")
        if dtype is not None:
            return self.to(dtype).cumprod(d)
        if not self.is_floating_point() and self.dtype != _dt.int64:
            return self.to(_dt.int64).cumprod(d)
        if self.ndim == 0:
            return self * 1
        x = self.movedim(d, -1)
        n = x.shape[-1]
        keep = np.tril(np.ones((n, n), bool))  # row i keeps x_0 .. x_i, the rest become 1
        rows = where(keep, x.unsqueeze(-2).expand(*x.shape[:-1], n, n), 1.0 if x.is_floating_point() else 1)
        return rows.prod(-1).movedim(-1, d)


# ---- function forms: ``tc.<name>(input, ...)`` ----

def flip(input, dims):
    """Reverse the order of elements along ``dims``.

    >>> tc.flip(tc.tensor([1., 2., 3.]), (0,))
    tensor([3., 2., 1.])
    """
    if not isinstance(dims, (list, tuple)):  # the function form takes a sequence; only Tensor.flip(0) takes ints
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}")
    return input.flip(dims)


@with_out
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim (see ``Tensor.diff``).

    >>> tc.diff(tc.tensor([1., 4., 9.]))
    tensor([3., 5.])
    """
    return input.diff(n, dim, prepend, append)


@numpy_dims
def narrow(input, dim, start, length):
    """The slice ``start:start+length`` of dimension ``dim`` (a view).

    >>> tc.narrow(tc.arange(5), 0, 1, 3)
    tensor([1, 2, 3])
    """
    return input.narrow(dim, start, length)


def roll(input, shifts, dims=None):
    """Shift elements cyclically by ``shifts`` along ``dims`` (flattened when None).

    >>> tc.roll(tc.tensor([1., 2., 3.]), 1)
    tensor([3., 1., 2.])
    """
    return input.roll(shifts, dims)


@with_out
def tril(input, diagonal=0):
    """The lower triangle (elements with j - i <= diagonal), the rest zero.

    >>> tc.tril(tc.tensor([[1., 2.], [3., 4.]]))
    tensor([[1., 0.],
            [3., 4.]])
    """
    return input.tril(diagonal)


@with_out
def triu(input, diagonal=0):
    """The upper triangle (elements with j - i >= diagonal), the rest zero.

    >>> tc.triu(tc.tensor([[1., 2.], [3., 4.]]))
    tensor([[1., 2.],
            [0., 4.]])
    """
    return input.triu(diagonal)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal with ``offset`` of the 2-D planes (dim1, dim2), as a view.

    >>> tc.diagonal(tc.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    return input.diagonal(offset, dim1, dim2)


@with_out
def diag(input, diagonal=0):
    """A 1-D input's diagonal matrix, or a 2-D input's ``diagonal``-th diagonal.

    >>> tc.diag(tc.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    >>> tc.diag(tc.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    return input.diag(diagonal)


@numpy_dims
def chunk(input, chunks, dim=0):
    """Split into ``chunks`` nearly equal pieces along ``dim`` (the last may be smaller).

    >>> tc.chunk(tc.arange(5), 3)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return input.chunk(chunks, dim)


def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of ``split_size_or_sections`` elements (an int or a list of sizes) along ``dim``.

    >>> tc.split(tc.arange(5), 2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    return tensor.split(split_size_or_sections, dim)


@numpy_dims
def unbind(input, dim=0):
    """The slices of input along ``dim``, as a tuple (the dimension removed).

    >>> tc.unbind(tc.tensor([[1., 2.], [3., 4.]]))
    (tensor([1., 2.]), tensor([3., 4.]))
    """
    return input.unbind(dim)


def tile(input, dims):
    """Repeat input along each dimension (``dims`` padded with 1s on the left).

    >>> tc.tile(tc.tensor([1., 2.]), (2,))
    tensor([1., 2., 1., 2.])
    """
    return input.tile(dims)


def repeat(input, *sizes):
    """Tile input ``sizes[i]`` times along each dimension (copies).

    >>> tc.tensor([1., 2.]).repeat(2)
    tensor([1., 2., 1., 2.])
    """
    return input.repeat(*sizes)


@with_out
def cumsum(input, dim, dtype=None):
    """Cumulative sum along ``dim``: out_i = x_1 + ... + x_i (in ``dtype`` if given).

    >>> tc.cumsum(tc.tensor([1., 2., 3.]), dim=0)
    tensor([1., 3., 6.])
    """
    return input.cumsum(dim, dtype=dtype)


@with_out
def cumprod(input, dim, dtype=None):
    """Cumulative product along ``dim``: out_i = x_1 * ... * x_i (in ``dtype`` if given).

    >>> tc.cumprod(tc.tensor([1., 2., 3.]), dim=0)
    tensor([1., 2., 6.])
    """
    return input.cumprod(dim, dtype=dtype)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

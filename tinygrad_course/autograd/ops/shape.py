"""Shape ops: views, broadcasting, indexing, joining, padding."""

import numpy as np

from .. import dtypes as _dt
from ..aliases import numpy_dims
from ..device import Size as _Size
from ..dims import ALL_DIMS, norm_dim, norm_dims, shape_arg as _shape_arg
from ..function import Function
from . import bw

_A = np.ndarray

__all__ = [  # the function forms, exported as tc.<name>
    "reshape",
    "flatten",
    "squeeze",
    "unsqueeze",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "permute",
    "movedim",
    "moveaxis",
    "broadcast_to",
    "unflatten",
    "expand",
    "view",
]


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


class ShapeOps:
    """Shapes and views: reshape, permute, expand, split, join, pad. ``Tensor`` inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def size(self, dim=None):
        """The shape as a ``tc.Size``, or the size of dimension ``dim``."""
        if dim is None:
            return _Size(self._data.shape)
        return self._data.shape[norm_dim(dim, self.ndim, "size")]

    def numel(self):
        """The number of elements (the product of the shape)."""
        return self._data.size

    nelement = numel

    def dim(self):
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def element_size(self):
        """The size of one element in bytes."""
        return self._data.itemsize

    def is_floating_point(self):
        """True for floating-point dtypes."""
        return self._data.dtype.kind == "f"

    def is_contiguous(self):
        """True when the memory is laid out C-contiguously."""
        return self._data.flags.c_contiguous

    @property
    def T(self):
        """self with its dimensions reversed (the transpose of a matrix)."""
        return self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def mT(self):
        """The transpose of the last two dimensions (a batch of matrices)."""
        return self.transpose(-2, -1)

    def reshape(self, *shape):
        """The same elements in a new shape (a view when possible); one size may be -1."""
        shape = _shape_arg(shape)
        if shape == self._data.shape:
            return self if not self._rg else Reshape.apply(self, shape)
        return Reshape.apply(self, shape)

    def view(self, *shape):
        """A view with a new shape sharing self's data; one size may be -1."""
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
            return self.to(shape[0])
        shape = _shape_arg(shape)
        a = self._data
        if a.size and not a.flags.c_contiguous:
            # PyTorch refuses a view that a strided layout cannot express (NumPy's rule is the same)
            try:
                a.view().shape = shape
            except AttributeError:
                raise RuntimeError(
                    f"view size is not compatible with input tensor's size and stride (at least one dimension spans "
                    f"across two contiguous subspaces). Use .reshape(...) instead. (view of shape {tuple(self.shape)} "
                    f"as {shape})"
                ) from None
            except ValueError:
                pass  # a size mismatch: Reshape reports it
        return Reshape.apply(self, shape)

    def view_as(self, other):
        """``self.view(other.shape)``."""
        return self.view(other.shape)

    def reshape_as(self, other):
        """``self.reshape(other.shape)``."""
        return self.reshape(other.shape)

    def resize(self, *sizes):
        """Deprecated non-in-place resize (PyTorch's ``Tensor.resize``): a reshape that must keep
        the number of elements, with PyTorch's deprecation warning."""
        import warnings

        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        shape = _shape_arg(sizes)
        n = 1
        for s in shape:
            n *= s
        if n != self._data.size:
            raise RuntimeError(
                f"requested resize to {'x'.join(map(str, shape))} ({n} elements in total), but the given tensor has a "
                f"size of {'x'.join(map(str, self._data.shape))} ({self._data.size} elements). autograd's resize can "
                "only change the shape of a given tensor, while preserving the number of elements."
            )
        return self.reshape(shape)

    def flatten(self, start_dim=0, end_dim=-1):
        """Flatten dims ``start_dim``..``end_dim`` into one."""
        if self.ndim == 0:
            norm_dim(start_dim, 0, "flatten"), norm_dim(end_dim, 0, "flatten")
            return self.reshape(1)
        s = norm_dim(start_dim, self.ndim, "flatten")
        e = norm_dim(end_dim, self.ndim, "flatten")
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        sh = self.shape
        return Reshape.apply(self, sh[:s] + (int(np.prod(sh[s : e + 1])),) + sh[e + 1 :])

    def unflatten(self, dim, sizes):
        """Split dimension ``dim`` into ``sizes``."""
        d = norm_dim(dim, self.ndim, "unflatten")
        return self.reshape(self.shape[:d] + tuple(sizes) + self.shape[d + 1 :])

    @numpy_dims
    def squeeze(self, dim=ALL_DIMS):
        """Remove dimensions of size 1 (all, or just ``dim``)."""
        sh = self.shape
        if dim is None:  # PyTorch's squeeze takes an int or a tuple of ints, or no dim at all
            raise TypeError("squeeze(): argument 'dim' must be int or tuple of ints, not NoneType (omit it to squeeze all dims)")
        if dim is ALL_DIMS:
            new = tuple(s for s in sh if s != 1)
        else:
            ds = norm_dims(dim, self.ndim, "squeeze")
            new = tuple(s for i, s in enumerate(sh) if not (i in ds and s == 1))
        return Reshape.apply(self, new) if new != sh else self.view(sh)

    @numpy_dims
    def unsqueeze(self, dim):
        """Insert a dimension of size 1 at ``dim``."""
        d = norm_dim(dim, self.ndim + 1, "unsqueeze")
        sh = self.shape
        return Reshape.apply(self, sh[:d] + (1,) + sh[d:])

    def permute(self, *dims):
        """Reorder the dimensions (a view)."""
        dims = _shape_arg(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                f"the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not equal to len(dims) = {len(dims)}"
            )
        dims = tuple(norm_dim(d, self.ndim, "permute") for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"permute(): duplicate dims are not allowed (got {dims})")
        return Permute.apply(self, dims)

    def transpose(self, dim0, dim1):
        """Swap dimensions ``dim0`` and ``dim1`` (a view)."""
        n = self.ndim
        if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
            return self.view(self.shape)
        d0, d1 = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
        dims = list(range(n))
        dims[d0], dims[d1] = dims[d1], dims[d0]
        return Permute.apply(self, tuple(dims))

    def t(self):
        """Transpose a tensor of at most 2 dimensions."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return self.transpose(0, 1) if self.ndim == 2 else self

    def movedim(self, source, destination):
        """Move dimension(s) ``source`` (an int or a sequence) to ``destination`` (the same kind)."""
        n = self.ndim
        if isinstance(source, (list, tuple)) or isinstance(destination, (list, tuple)):
            src = tuple(source) if isinstance(source, (list, tuple)) else (source,)
            dst = tuple(destination) if isinstance(destination, (list, tuple)) else (destination,)
            if len(src) != len(dst):
                raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                                   f"contain the same number of dims as destination ({list(dst)} dims)")
            src = tuple(norm_dim(i, n, "movedim") for i in src)
            dst = tuple(norm_dim(i, n, "movedim") for i in dst)
            if len(set(src)) != len(src):
                raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
            if len(set(dst)) != len(dst):
                raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
            order = [None] * max(n, 1)
            for s_, d_ in zip(src, dst):
                order[d_] = s_
            rest = iter(i for i in range(n) if i not in src)
            order = tuple(o if o is not None else next(rest) for o in order)[:n]
            return Permute.apply(self, order)
        s, d = norm_dim(source, n, "movedim"), norm_dim(destination, n, "movedim")
        order = [i for i in range(n) if i != s]
        order.insert(d, s)
        return Permute.apply(self, tuple(order))

    def expand(self, *sizes):
        """A broadcast view with a larger shape (-1 keeps a size)."""
        sizes = _shape_arg(sizes)
        sh = self.shape
        if len(sizes) < len(sh):
            raise RuntimeError(
                f"expand(): the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
                f"of dimensions in the tensor ({len(sh)})"
            )
        lead = len(sizes) - len(sh)
        target = []
        for i, s in enumerate(sizes):
            if i < lead:
                if s < 0:
                    raise RuntimeError(f"expand(): -1 is not allowed in a leading, non-existing dimension {i}")
                target.append(s)
                continue
            cur = sh[i - lead]
            if s == -1:
                s = cur
            if cur != s and cur != 1:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                    f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(sh)}"
                )
            target.append(s)
        target = tuple(target)
        return Expand.apply(self, target) if target != sh else self.view(sh)

    def sum_to_size(self, *size):
        """Sum the broadcast dimensions away so the result has ``size`` (the backward of ``expand``).

        >>> tc.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
        """
        size = _shape_arg(size)
        if size == tuple(self.shape) and size:  # (PyTorch sums a 0-d tensor to () anew: int64 for ints)
            return self
        sh = tuple(self.shape)
        lead = len(sh) - len(size)
        if lead < 0 or any(s != 1 and s != sh[lead + i] for i, s in enumerate(size)):
            raise RuntimeError(f"sum_to_size(): size {list(size)} is not expandable to size {list(sh)}")
        if not self.is_floating_point() and self.dtype is not _dt.int64 and (int(np.prod(size)) != self.numel() or not size):
            return SumTo.apply(self.to(_dt.int64), size)  # a real sum of bools/small ints is int64, as PyTorch
        return SumTo.apply(self, size)

    def expand_as(self, other):
        """``self.expand(other.shape)``."""
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        """Broadcast self to ``shape`` (a view)."""
        return self.expand(shape)


    swapaxes = swapdims = transpose
    moveaxis = movedim

# ---- function forms: ``tc.<name>(input, ...)`` ----

def reshape(input, shape):
    """The same elements in a new shape (a view when possible); one size may be -1.

    >>> tc.reshape(tc.arange(6), (2, 3))
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    return input.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Flatten dims ``start_dim``..``end_dim`` into one.

    >>> tc.flatten(tc.zeros(2, 3, 4), start_dim=1).shape
    tinygrad_course.Size([2, 12])
    """
    return input.flatten(start_dim, end_dim)


@numpy_dims
def squeeze(input, dim=ALL_DIMS):
    """Remove dimensions of size 1 (all, or just ``dim``).

    >>> tc.squeeze(tc.zeros(2, 1, 3)).shape
    tinygrad_course.Size([2, 3])
    >>> tc.squeeze(tc.zeros(1, 2, 1), dim=0).shape
    tinygrad_course.Size([2, 1])
    """
    return input.squeeze(dim)


@numpy_dims
def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim``.

    >>> tc.unsqueeze(tc.zeros(2, 3), 1).shape
    tinygrad_course.Size([2, 1, 3])
    """
    return input.unsqueeze(dim)


def transpose(input, dim0, dim1):
    """Swap dimensions ``dim0`` and ``dim1`` (a view).

    >>> tc.transpose(tc.zeros(2, 3), 0, 1).shape
    tinygrad_course.Size([3, 2])
    """
    return input.transpose(dim0, dim1)


swapaxes = swapdims = transpose


def t(input):
    """Transpose a tensor of at most 2 dimensions (a view).

    >>> tc.t(tc.tensor([[1., 2.], [3., 4.]]))
    tensor([[1., 3.],
            [2., 4.]])
    """
    return input.t()


def permute(input, dims):
    """Reorder the dimensions: out.shape[i] = input.shape[dims[i]] (a view).

    >>> tc.permute(tc.zeros(2, 3, 4), (2, 0, 1)).shape
    tinygrad_course.Size([4, 2, 3])
    """
    return input.permute(dims)


def movedim(input, source, destination):
    """Move dimension(s) ``source`` to position(s) ``destination``, the others keeping their order.

    >>> tc.movedim(tc.zeros(2, 3, 4), 0, -1).shape
    tinygrad_course.Size([3, 4, 2])
    """
    return input.movedim(source, destination)


moveaxis = movedim


def broadcast_to(input, size):
    """Broadcast input to ``size`` (a view, as ``expand``).

    >>> tc.broadcast_to(tc.tensor([1., 2.]), (2, 2))
    tensor([[1., 2.],
            [1., 2.]])
    """
    return input.expand(size)


@numpy_dims
def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (inverse of flatten).

    >>> tc.unflatten(tc.zeros(2, 12), 1, (3, 4)).shape
    tinygrad_course.Size([2, 3, 4])
    """
    return input.unflatten(dim, sizes)


def expand(input, *sizes):
    """A broadcast view with a larger shape (-1 keeps a size); no copy.

    >>> tc.tensor([[1.], [2.]]).expand(2, 3)
    tensor([[1., 1., 1.],
            [2., 2., 2.]])
    """
    return input.expand(*sizes)


def view(input, *shape):
    """A view with a new shape sharing input's data; one size may be -1.

    >>> tc.arange(6).view(3, 2)
    tensor([[0, 1],
            [2, 3],
            [4, 5]])
    """
    return input.view(*shape)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

"""Vector products and distances: cross, kron, cdist."""
import builtins
import warnings

import numpy as np

from ..aliases import numpy_dims, with_out
from ..dims import norm_dim

__all__ = [  # the function forms, exported as tc.<name>
    "cdist",
    "cross",
    "kron",
]


class ProductOps:
    """Vector products and distances: cross, kron, cdist. ``Tensor`` inherits these methods."""

    __slots__ = ()

    @numpy_dims
    def cross(self, other, dim=None):
        """The cross product of 3-vectors along ``dim`` (broadcasting the rest): c_i = a_(i+1) b_(i+2)
        - a_(i+2) b_(i+1), indices mod 3. dim=None: the first dim of size 3 (deprecated in PyTorch).
        ``tc.tensor([1., 0., 0.]).cross(tc.tensor([0., 1., 0.]), dim=0)`` -> tensor([0., 0., 1.])."""
        if self.dtype != other.dtype:
            raise RuntimeError(f"cross(): expected both inputs to have the same dtype, got {self.dtype} and "
                               f"{other.dtype}")
        try:
            shape = np.broadcast_shapes(tuple(self.shape), tuple(other.shape))
        except ValueError:
            raise RuntimeError(f"cross(): the shapes {tuple(self.shape)} and {tuple(other.shape)} are not "
                               "broadcastable") from None
        if dim is None:
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated. Please either pass the dim "
                          "explicitly or simply use torch.linalg.cross.", UserWarning, stacklevel=2)
            dim = next((k for k, n in enumerate(shape) if n == 3), None)
            if dim is None:
                raise RuntimeError(f"cross(): no dimension of size 3 in input (shape {tuple(shape)})")
        d = norm_dim(dim, len(shape), "cross")
        # each input's own size at dim (1 when broadcasting adds the dim): both must be 3
        sizes = [x.shape[x.ndim - len(shape) + d] if x.ndim - len(shape) + d >= 0 else 1 for x in (self, other)]
        if sizes != [3, 3]:
            raise RuntimeError(f"linalg.cross: inputs dimension {d} must have length 3. Got {sizes[0]} and {sizes[1]}")
        a = self.expand(shape) if tuple(self.shape) != shape else self
        b = other.expand(shape) if tuple(other.shape) != shape else other
        nxt, nxt2 = Tensor(np.array([1, 2, 0])), Tensor(np.array([2, 0, 1]))
        return a.index_select(d, nxt) * b.index_select(d, nxt2) - a.index_select(d, nxt2) * b.index_select(d, nxt)

    def kron(self, other):
        """The Kronecker product: out[i*m + j] = self[i] * other[j] in every dim (the shorter shape
        padded with leading 1s). ``tc.tensor([1, 2]).kron(tc.tensor([1, 10]))`` -> tensor([1, 10, 2, 20])."""
        n = builtins.max(self.ndim, other.ndim)
        sa = (1,) * (n - self.ndim) + tuple(self.shape)
        sb = (1,) * (n - other.ndim) + tuple(other.shape)
        a = self.reshape([v for s in sa for v in (s, 1)] or [1])
        b = other.reshape([v for s in sb for v in (1, s)] or [1])
        return (a * b).reshape([x * y for x, y in zip(sa, sb)])


# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim`` (see ``Tensor.cross``).

    >>> tc.cross(tc.tensor([1., 0., 0.]), tc.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    return input.cross(other, dim)


@with_out
def kron(input, other):
    """The Kronecker product (see ``Tensor.kron``).

    >>> tc.kron(tc.tensor([1., 2.]), tc.tensor([1., 10.]))
    tensor([1., 10., 2., 20.])
    """
    return input.kron(other)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M) -> (..., P, R);
    the batch dims broadcast. p = 0 counts differing coordinates, p = inf takes the largest.
    The gradient at a zero distance is 0, as PyTorch's.
    ``tc.cdist(tc.tensor([[0., 0.]]), tc.tensor([[3., 4.]]))`` -> tensor([[5.]]).

    >>> tc.cdist(tc.tensor([[0., 0.]]), tc.tensor([[3., 4.], [0., 1.]]))
    tensor([[5., 1.]])
    """
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist(): cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
        if not x.is_floating_point():
            raise RuntimeError(f"cdist(): cdist only supports floating-point dtypes, {name} got: {x.dtype}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist(): X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} "
                           f"X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values (got p={p})")
    try:
        np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    except ValueError:
        raise RuntimeError(f"cdist(): the batch dims of X1 {tuple(x1.shape)} and X2 {tuple(x2.shape)} are not "
                           "broadcastable") from None
    d = (x1.unsqueeze(-2) - x2.unsqueeze(-3)).abs()  # (..., P, R, M)
    if p == 0:  # a count: in the graph (as PyTorch's) with gradient 0
        return (d != 0).to(d.dtype).sum(-1) + d.sum(-1) * 0
    if p == 1:
        return d.sum(-1)
    if p == float("inf"):
        if not d.shape[-1]:
            return d.sum(-1)
        top = d.amax(-1).detach()
        # PyTorch's gradient goes in full to every coordinate tied for the max (amax splits it)
        tied = d * (d == top.unsqueeze(-1))
        return tied.sum(-1) - tied.sum(-1).detach() + top
    s = d.square().sum(-1) if p == 2 else (d ** p).sum(-1)
    pos = s > 0
    # where(): no nan/inf from the root's derivative at 0 reaches the gradient
    root = s.where(pos, s.detach() * 0 + 1) ** (0.5 if p == 2 else 1.0 / p)
    return root.where(pos, s * 0)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

"""Matrix products: ``matmul`` (1-D, 2-D, batched) and ``einsum``."""
import string

import numpy as np

from ..aliases import with_out
from ..function import Function
from .operands import _arr, _t, prep
from .input_checks import tensor_other
from . import bw

__all__ = [  # the function forms, exported as tc.<name>
    "einsum",
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "outer",
    "ger",
    "trace",
    "addmm",
    "baddbmm",
    "addbmm",
    "addmv",
    "addr",
]


def _dtn(x):
    from ..dtypes import _BY_NP

    return _BY_NP.get(x.dtype, x.dtype)


def _mm_shapes(x, y):
    return f"{'x'.join(map(str, x.shape))} and {'x'.join(map(str, y.shape))}"


class MatMul(Function):
    """a @ b;  d/da = g b^T, d/db = a^T g (batch dims broadcast and are summed back)."""

    _raw = True

    @staticmethod
    def forward(ctx, a, b):
        x, y = getattr(a, "_data", None), getattr(b, "_data", None)
        if x is None or y is None:
            # ``t @ ndarray`` (the one non-tensor operand PyTorch's operator takes) gets t's dtype
            x, y = prep(a, b, "matmul")
        if x.ndim == 0 or y.ndim == 0:
            raise RuntimeError(
                f"matmul(): both arguments to matmul need to be at least 1D, but they are {x.ndim}D and {y.ndim}D"
            )
        if x.dtype != y.dtype:
            # as PyTorch: no silent promotion (a float64 operand would make the whole product float64)
            raise RuntimeError(
                f"matmul(): expected both operands to have the same dtype, but got {_dtn(x)} and {_dtn(y)} "
                f"(shapes {tuple(x.shape)} and {tuple(y.shape)}); convert one with .to(dtype)"
            )
        kx = x.shape[-1]
        ky = y.shape[-2] if y.ndim > 1 else y.shape[0]
        if kx != ky:
            raise RuntimeError(f"matmul(): mat1 and mat2 shapes cannot be multiplied ({_mm_shapes(x, y)})")
        if x.dtype.kind == "b" and ((x.size and y.size) or x.ndim == y.ndim == 1):
            # the shapes are checked first, as PyTorch's; an empty operand (but in a dot) multiplies nothing
            raise NotImplementedError(f"matmul(): not implemented for bool tensors (shapes {tuple(x.shape)} and "
                                      f"{tuple(y.shape)}); convert them with .long() or .float()")
        try:
            out = np.matmul(x, y)
        except ValueError:
            raise RuntimeError(
                f"matmul(): batch dimensions of {tuple(x.shape)} and {tuple(y.shape)} are not broadcastable"
            ) from None
        n = ctx._next
        if n:
            ctx.save_for_backward(a if n[1] else None, b if n[0] else None)
            ctx._aux = (x.shape, y.shape, x.dtype, y.dtype)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb, da, db = ctx._aux
        ga = gb = None
        a1, b1 = len(sa) == 1, len(sb) == 1
        if a1 and b1:
            if b is not None:
                ga = g * b
            if a is not None:
                gb = g * a
        elif a1:
            # (n,) @ (..., n, m) -> (..., m)
            if b is not None:
                ga = bw.sum_to((g[..., None, :] @ bw.mT(b))[..., 0, :], sa)
            if a is not None:
                gb = bw.sum_to(a[:, None] * g[..., None, :], sb)
        elif b1:
            # (..., n, m) @ (m,) -> (..., n)
            if b is not None:
                ga = bw.sum_to(g[..., :, None] * b, sa)
            if a is not None:
                gb = bw.sum_to((bw.mT(a) @ g[..., :, None])[..., 0], sb)
        else:
            if b is not None:
                ga = bw.sum_to(g @ bw.mT(b), sa)
            if a is not None:
                gb = bw.sum_to(bw.mT(a) @ g, sb)
        return (None if ga is None else bw.cast(ga, da)), (None if gb is None else bw.cast(gb, db))


def parse_einsum(eq, shapes):
    """Explicit subscripts (no ellipsis, output given) for an einsum equation."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs, out = eq, None
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise RuntimeError(f"einsum(): {len(ins)} operands in the equation '{eq}' but {len(shapes)} tensors given")
    used = set(c for c in eq if c.isalpha())
    free = [c for c in string.ascii_letters if c not in used]
    nell = 0
    for s, sh in zip(ins, shapes):
        if "..." in s:
            nell = max(nell, len(sh) - (len(s) - 3))
    ell = "".join(free[:nell])
    new_ins = []
    for s, sh in zip(ins, shapes):
        if "..." in s:
            k = len(sh) - (len(s) - 3)
            s = s.replace("...", ell[nell - k:] if k else "")
        if len(s) != len(sh):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(s)}) does not match the number "
                f"of dimensions ({len(sh)}) for operand {len(new_ins)}"
            )
        new_ins.append(s)
    if out is None:
        counts = {}
        for s in new_ins:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return new_ins, out


class Einsum(Function):
    """Einstein summation;  the gradient of operand k is the einsum of g with the others."""

    _raw = True

    @staticmethod
    def forward(ctx, eq, *tensors):
        arrs = [t._data for t in tensors]
        ins, out_s = parse_einsum(eq, [x.shape for x in arrs])
        dt = arrs[0].dtype
        for k, x in enumerate(arrs[1:]):
            if x.dtype != dt:
                raise RuntimeError(
                    f"einsum(): expected all operands to have the same dtype, but operand 0 is {_dtn(arrs[0])} and "
                    f"operand {k + 1} is {_dtn(x)}"
                )
        full = ",".join(ins) + "->" + out_s
        try:
            out = np.einsum(full, *[x.astype(dt, copy=False) for x in arrs], optimize=len(arrs) > 2)
        except ValueError as e:
            raise RuntimeError(f"einsum(): {e} (equation '{eq}', shapes {[tuple(x.shape) for x in arrs]})") from None
        if ctx._next:
            for k, s in enumerate(ins):
                if len(set(s)) != len(s) and ctx._next[k + 1]:
                    raise RuntimeError(
                        f"einsum(): operand {k} repeats a subscript ('{s}', a diagonal); its gradient is not "
                        "supported: take the diagonal with indexing instead"
                    )
            ctx.save_for_backward(*tensors)
            ctx._aux = (ins, out_s, [x.shape for x in arrs], [x.dtype for x in arrs])
        return out

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        ins, out_s, shapes, dts = ctx._aux
        res = [None]
        for k in range(len(ops)):
            if not ctx._next[k + 1]:
                res.append(None)
                continue
            others = [ops[j] for j in range(len(ops)) if j != k]
            other_s = [ins[j] for j in range(len(ops)) if j != k]
            avail = set(out_s).union(*other_s) if other_s else set(out_s)
            target = ins[k]
            keep = "".join(c for c in target if c in avail)
            gk = _einsum_any(",".join([out_s] + other_s) + "->" + keep, g, *others)
            if keep != target:
                # letters summed only inside operand k: their gradient is broadcast over them
                shp = tuple(shapes[k][i] if c in avail else 1 for i, c in enumerate(target))
                gk = bw.broadcast_to(gk.reshape(shp), shapes[k])
            if gk.shape != shapes[k]:
                gk = bw.sum_to(gk, shapes[k])
            res.append(bw.cast(gk, dts[k]))
        return tuple(res)


def _einsum_any(eq, *ops):
    """einsum on arrays (plain backward) or Tensors (recorded, for create_graph)."""
    if all(bw.is_arr(o) for o in ops):
        return np.einsum(eq, *ops, optimize=len(ops) > 2)
    return einsum(eq, *ops)


def einsum(eq, *ops):
    """Differentiable einsum over Tensors (``tc.einsum``).

    >>> tc.einsum('ij,j->i', tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
        ops = tuple(ops[0])
    if all(isinstance(t, Tensor) for t in ops):
        ins, out_s = parse_einsum(eq, [tuple(t.shape) for t in ops])
        if any(len(set(sub)) != len(sub) for sub in ins):
            # a repeated subscript on one operand ('ii', 'bii') is its diagonal: take it with the
            # differentiable diagonal() first, so the gradient writes back into the diagonal
            ops = list(ops)
            for k, sub in enumerate(ins):
                while len(set(sub)) != len(sub):
                    c = next(ch for ch in sub if sub.count(ch) > 1)
                    i = sub.index(c)
                    j = sub.index(c, i + 1)
                    if ops[k].shape[i] != ops[k].shape[j]:
                        raise RuntimeError(
                            f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                            f"{ops[k].shape[i]} != {ops[k].shape[j]}"
                        )
                    ops[k] = ops[k].diagonal(0, i, j)
                    sub = sub[:i] + sub[i + 1:j] + sub[j + 1:] + c
                ins[k] = sub
            eq = ",".join(ins) + "->" + out_s
    return Einsum.apply(eq, *ops)


class Linear(Function):
    """x W^T + b in one op (PyTorch's addmm): dx = g W, dW = g^T x, db = sum g.

    Fused so that dW comes out in W's own (out, in) layout, contiguous, as the optimizer wants it.
    """

    _raw = True

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        X, W = x._data, weight._data
        if X.dtype != W.dtype or (bias is not None and bias._data.dtype != W.dtype):
            raise RuntimeError(
                f"linear(): expected input, weight and bias of the same dtype, got {X.dtype}, {W.dtype}"
                + (f", {bias._data.dtype}" if bias is not None else "")
            )
        if W.ndim != 2 or X.ndim == 0 or X.shape[-1] != W.shape[1]:
            rows = int(np.prod(X.shape[:-1])) if X.ndim > 1 else 1
            raise RuntimeError(
                f"linear(): mat1 and mat2 shapes cannot be multiplied ({rows}x{X.shape[-1] if X.ndim else 0} and "
                f"{'x'.join(map(str, W.shape[::-1]))}) (input {tuple(X.shape)}, weight {tuple(W.shape)})"
            )
        out = np.matmul(X, W.T)
        if bias is not None:
            out += bias._data
        n = ctx._next
        if n:
            ctx.save_for_backward(x if n[1] else None, weight if n[0] else None)
            ctx._aux = (X.shape, W.shape[0])
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        xshape, nout = ctx._aux
        n = ctx._next
        g2 = g.reshape(-1, nout) if len(g.shape) != 2 else g
        gx = (g @ w) if n[0] else None
        gw = (bw.mT(g2) @ x.reshape(-1, xshape[-1])) if n[1] else None
        if len(n) == 2:
            return gx, gw
        return gx, gw, (bw.rsum(g2, 0, False) if n[2] else None)


class LinalgOps:
    """Matrix products. ``Tensor`` inherits these methods."""

    __slots__ = ()

    def __matmul__(self, other):
        # PyTorch's operator takes an ndarray operand and refuses a list or a number (TypeError)
        if not isinstance(other, (Tensor, np.ndarray)):
            return NotImplemented
        return MatMul.apply(self, other)

    def __rmatmul__(self, other):
        # the operator reaches it only for a non-Tensor left operand (list, ndarray), which PyTorch
        # refuses (TypeError); called directly with a Tensor, it is other @ self
        if not isinstance(other, Tensor):
            return NotImplemented
        return MatMul.apply(other, self)

    def matmul(self, other):
        """Matrix product with NumPy's rules (see ``tc.matmul``); also ``self @ other``."""
        return MatMul.apply(self, tensor_other(other, "matmul"))

    def mm(self, other):
        """Matrix product of two 2-D tensors."""
        if self.ndim != 2 or _arr(other).ndim != 2:
            raise RuntimeError(f"mm(): expected 2-D tensors, got {tuple(self.shape)} and {tuple(_arr(other).shape)}")
        return MatMul.apply(self, other)

    def bmm(self, other):
        """Batched matrix product: (b, n, m) @ (b, m, p)."""
        if self.ndim != 3 or _arr(other).ndim != 3:
            raise RuntimeError(f"bmm(): expected 3-D tensors, got {tuple(self.shape)} and {tuple(_arr(other).shape)}")
        return MatMul.apply(self, other)

    def mv(self, vec):
        """Matrix-vector product."""
        return MatMul.apply(self, vec)

    def dot(self, other):
        """Dot product of two 1-D tensors."""
        tensor_other(other, "dot", "tensor")
        if self.ndim != 1 or _arr(other).ndim != 1:
            raise RuntimeError(f"dot(): 1D tensors expected, but got {self.ndim}D and {_arr(other).ndim}D tensors")
        return MatMul.apply(self, other)

    def outer(self, other):
        """Outer product of two 1-D tensors."""
        return self.reshape(-1, 1) * other.reshape(1, -1)

    def trace(self):
        """The sum of the main diagonal."""
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return self.diagonal().sum()


    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * (batch1 @ batch2) for 3-D batches (self broadcasts; beta = 0
        ignores self, nan included). ``tc.zeros(1, 2, 2).baddbmm(tc.ones(1, 2, 3), tc.ones(1, 3, 2))`` -> 3s."""
        prod = batch1.bmm(batch2)
        return _add_scaled(self, prod, beta, alpha, "baddbmm")

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * sum_b batch1[b] @ batch2[b].
        ``tc.zeros(2, 2).addbmm(tc.ones(3, 2, 1), tc.ones(3, 1, 2))`` -> 3s."""
        prod = batch1.bmm(batch2).sum(0)
        return _add_scaled(self, prod, beta, alpha, "addbmm")

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """beta * self + alpha * (mat @ vec). ``tc.zeros(2).addmv(tc.ones(2, 3), tc.ones(3))`` -> tensor([3., 3.])."""
        if mat.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"addmv(): vector + matrix @ vector expected, got {mat.ndim}D matrix, "
                               f"{vec.ndim}D vector")
        return _add_scaled(self, mat.mv(vec), beta, alpha, "addmv")

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """beta * self + alpha * outer(vec1, vec2). ``tc.zeros(2, 2).addr(tc.ones(2), tc.ones(2))`` -> 1s."""
        if vec1.ndim != 1 or vec2.ndim != 1:
            raise RuntimeError(f"addr(): expected 1-D vectors, got {vec1.ndim}-D and {vec2.ndim}-D")
        return _add_scaled(self, vec1.outer(vec2), beta, alpha, "addr")


# ---- function forms: ``tc.<name>(input, ...)`` ----

@with_out
def matmul(input, other):
    """Matrix product with NumPy's rules: 1-D·1-D dot, 2-D @ 2-D, batched with broadcasting.

    >>> tc.matmul(tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([1., 1.]))
    tensor([3., 7.])
    """
    return _t(input).matmul(other)


@with_out
def mm(input, mat2):
    """Product of two matrices: (n, m) @ (m, p) -> (n, p).

    >>> tc.mm(tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([[1., 2.], [3., 4.]]))
    tensor([[7., 10.],
            [15., 22.]])
    """
    return input.mm(mat2)


@with_out
def bmm(input, mat2):
    """Batched matrix product: (b, n, m) @ (b, m, p) -> (b, n, p).

    >>> tc.bmm(tc.ones(2, 1, 3), tc.ones(2, 3, 1)).shape
    tinygrad_course.Size([2, 1, 1])
    """
    return input.bmm(mat2)


@with_out
def mv(input, vec):
    """Matrix-vector product: (n, m) @ (m,) -> (n,).

    >>> tc.mv(tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([1., 0.]))
    tensor([1., 3.])
    """
    return input.mv(vec)


@with_out
def dot(input, other):
    """Dot product of two 1-D tensors: sum_i x_i y_i.

    >>> tc.dot(tc.tensor([1., 2.]), tc.tensor([3., 4.]))
    tensor(11.)
    """
    return input.dot(other)


@with_out
def outer(input, vec2):
    """Alias of ``outer`` (PyTorch's older name).

    >>> tc.ger(tc.tensor([1., 2.]), tc.tensor([1., 10.]))
    tensor([[1., 10.],
            [2., 20.]])
    """
    return input.outer(vec2)


# an alias gets its own wrapper (the op undecorated, via __wrapped__) so out= messages name it
ger = with_out(outer.__wrapped__, name="ger")


def trace(input):
    """The sum of a matrix's main diagonal.

    >>> tc.trace(tc.tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    return input.trace()


def _add_scaled(input, prod, beta, alpha, op):
    """beta * input + alpha * prod, input broadcast to prod's shape (beta = 0: input ignored)."""
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(prod.shape))
    except ValueError:
        shape = None
    if shape != tuple(prod.shape):
        raise RuntimeError(f"{op}(): the input of shape {tuple(input.shape)} can't be broadcast to the product's "
                           f"shape {tuple(prod.shape)}")
    if prod.dtype == _dt_bool():  # booleans: beta * input + alpha * prod is a logical or of ands, as PyTorch
        out = prod if alpha else prod & False
        return out if not beta else out | input
    if not prod.is_floating_point():  # integer tensors take the scalars as integers (0.2 -> 0), as PyTorch
        alpha, beta = int(alpha), int(beta)
    scaled = prod if alpha == 1 else prod * alpha
    if beta == 0:
        return scaled
    return (input if beta == 1 else input * beta) + scaled


def _dt_bool():
    from .. import dtypes

    return dtypes.bool


@with_out
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * bmm(batch1, batch2).

    >>> tc.baddbmm(tc.zeros(1, 2, 2), tc.ones(1, 2, 3), tc.ones(1, 3, 2))
    tensor([[[3., 3.],
             [3., 3.]]])
    """
    return input.baddbmm(batch1, batch2, beta=beta, alpha=alpha)


@with_out
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum over the batch of bmm(batch1, batch2).

    >>> tc.addbmm(tc.zeros(2, 2), tc.ones(3, 2, 4), tc.ones(3, 4, 2))
    tensor([[12., 12.],
            [12., 12.]])
    """
    return input.addbmm(batch1, batch2, beta=beta, alpha=alpha)


@with_out
def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec).

    >>> tc.addmv(tc.ones(2), tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([1., 1.]))
    tensor([4., 8.])
    """
    return input.addmv(mat, vec, beta=beta, alpha=alpha)


@with_out
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2).

    >>> tc.addr(tc.zeros(2, 2), tc.tensor([1., 2.]), tc.tensor([1., 1.]))
    tensor([[1., 1.],
            [2., 2.]])
    """
    return input.addr(vec1, vec2, beta=beta, alpha=alpha)


@with_out
def addmm(input, mat1, mat2, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2).

    >>> tc.addmm(tc.ones(2, 2), tc.tensor([[1., 2.], [3., 4.]]), tc.tensor([[1., 2.], [3., 4.]]), beta=0.5)
    tensor([[ 7.5000, 10.5000],
            [15.5000, 22.5000]])
    """
    prod = mat1.mm(mat2)
    return (input if beta == 1 else input * beta) + (prod if alpha == 1 else prod * alpha)


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

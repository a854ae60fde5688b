"""The op table: one declarative row per op, shared by test_ops_table.py (NumPy and finite
differences) and test_oracle_core.py (PyTorch).

A row gives the op as ``fn(L, *tensors, **params)`` where ``L`` is the library module
(``tinygrad_course`` or ``torch``: one callable serves both), a NumPy reference
``ref(*arrays, **params)``, and ``gen``: a Hypothesis strategy drawing a ``Case`` (the input
arrays, float64, and the op's parameters). Non-smooth ops draw inputs away from their kinks
(distinct values on a grid that avoids 0 and the clamp bounds). Adding an op = adding a row.
"""
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Tuple

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_course.testing import broadcastable_shapes, shapes, tensors


@dataclass(frozen=True)
class Case:
    arrays: Tuple[np.ndarray, ...]
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Op:
    name: str
    fn: Callable  # fn(L, *tensors, **params), L = tinygrad_course or torch
    ref: Callable  # ref(*arrays, **params) with NumPy
    gen: st.SearchStrategy  # draws a Case
    smooth: bool = True  # False: inputs are drawn away from kinks and ties
    grad: bool = True  # differentiable (False: forward checks only)
    second_order: bool = True
    fwd_rtol32: float = 2e-5
    # other spellings of the same op (function form, alias names): each must agree with fn
    aliases: Tuple[Callable, ...] = ()
    oracle: bool = True  # fn also runs with L = torch (False: no PyTorch counterpart)
    # known bugs: {test function name: reason}; that test of this row is a strict xfail
    xfail: Dict[str, str] = field(default_factory=dict)
    # only other spellings of an op whose values/derivatives are checked elsewhere: the alias test only
    forms_only: bool = False

    def __repr__(self):
        return self.name


# ---------------------------------------------------------------------------------- domains
ANY = (-3.0, 3.0)
POS = (0.2, 3.0)
AWAY0 = st.one_of(st.floats(-3.0, -0.5), st.floats(0.5, 3.0))
# zeros (exclusive products) but no tiny values whose product underflows
PROD_DOMAIN = st.one_of(st.just(0.0), st.floats(0.1, 2.0), st.floats(-2.0, -0.1))
NONZERO = st.floats(-2.0, 2.0, allow_subnormal=False).filter(lambda v: v != 0)


def grid(offset=1 / 16):
    """Values k/8 + offset in about [-3, 3]: never 0, never +-0.5 or +-1, distinct inputs of
    two grids never tie (use offsets 1/16 and 1/32)."""
    return st.integers(-24, 24).map(lambda k: k / 8 + offset)


def arrays(shape, domain=ANY, unique=False):
    """float64 arrays drawn with the public ``tc.testing.tensors`` strategy."""
    return tensors(shape=shape, elements=domain, requires_grad=False, unique=unique).map(lambda t: t.numpy())


SMALL = dict(max_dims=3, max_side=3)


def small_shapes(min_dims=0, max_dims=3, max_side=3):
    return shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def elementwise(n=1, domains=ANY, broadcast=True, unique=False, params=None, min_dims=0, max_dims=3):
    """Inputs of one shape (or mutually broadcastable shapes), optional params(shape)."""
    doms = domains if isinstance(domains, list) else [domains] * n

    @st.composite
    def gen(draw):
        base = draw(small_shapes(min_dims, max_dims))
        shps = [base] + [
            draw(broadcastable_shapes(base, max_dims=max_dims, max_side=3)) if broadcast else base for _ in range(n - 1)
        ]
        xs = tuple(draw(arrays(s, d, unique)) for s, d in zip(shps, doms))
        return Case(xs, draw(params(base)) if params else {})

    return gen()


# --------------------------------------------------------------------------- dims helpers
def dim_int(ndim):
    n = max(ndim, 1)
    return st.integers(-n, n - 1)


def dim_any(ndim, allow_none=True, allow_tuple=True):
    """None, an int, or a tuple of distinct dims (possibly negative)."""
    opts = [dim_int(ndim)]
    if allow_none:
        opts.append(st.none())
    if allow_tuple and ndim >= 1:
        opts.append(
            st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).flatmap(
                lambda ds: st.tuples(*[st.sampled_from([d, d - ndim]) for d in ds])
            )
        )
    return st.one_of(*opts)


def axes(dim, ndim):
    """NumPy ``axis`` for a PyTorch ``dim`` (None: all; 0-d tensors: all)."""
    if dim is None or ndim == 0:
        return None
    if isinstance(dim, tuple):
        return tuple(d % ndim for d in dim)
    return dim % ndim


def reduce_params(allow_none=True, allow_tuple=True):
    return lambda shape: st.fixed_dictionaries(
        {"dim": dim_any(len(shape), allow_none, allow_tuple), "keepdim": st.booleans()}
    )


def npkeep(f):
    """A NumPy reduction whose keepdims also works for 0-d inputs and dim=None."""

    def ref(x, dim=None, keepdim=False, **kw):
        return np.asarray(f(x, axis=axes(dim, x.ndim), keepdims=keepdim, **kw))

    return ref


# ------------------------------------------------------------------------- NumPy references
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _logsumexp(x, dim, keepdim):
    ax = axes(dim, x.ndim)
    m = np.max(x, axis=ax, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=ax) if ax is not None else out.reshape(())


def _softmax(x, dim):
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _norm(x, p, dim, keepdim):
    ax = axes(dim, x.ndim)
    a = np.abs(x)
    if p == math.inf:
        return np.max(a, axis=ax, keepdims=keepdim)
    return np.sum(a**p, axis=ax, keepdims=keepdim) ** (1 / p)


def _minmax_dim(f, argf):
    def ref(x, dim, keepdim):
        ax = axes(dim, x.ndim)
        if ax is None:
            return x.copy(), np.asarray(0)
        return f(x, axis=ax, keepdims=keepdim), argf(x, axis=ax, keepdims=keepdim)

    return ref


def _along(index, dim):
    grids = list(np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[dim] = index
    return tuple(grids)


def _chunks(x, sizes, dim):
    out, start = [], 0
    for s in sizes:
        out.append(np.take(x, np.arange(start, start + s), axis=dim))
        start += s
    return tuple(out)


def _chunk_sizes(n, chunks):
    size = -(-n // chunks)
    return [min(size, n - i) for i in range(0, n, size)]


def _split_sizes(n, s):
    if isinstance(s, list):
        return s
    return [min(s, n - i) for i in range(0, n, s)]


def _pad_ref(x, pad, mode, value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    crop = tuple(slice(max(-lo, 0), s + min(hi, 0)) for (lo, hi), s in zip(widths, x.shape))
    x = x[crop]
    widths = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode={"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode])


def is_tc(L):
    """True when the row runs on tinygrad_course (L may be a recording proxy of it)."""
    return getattr(L, "__name__", "") == "tinygrad_course"


def nnf(L):
    """``L.nn.functional`` for either library."""
    return L.nn.functional


def _torch_or_tc_pad(L):
    return L.pad if is_tc(L) else L.nn.functional.pad


def _ix(L, idx):
    """An index tuple for library L: ('t', array) entries become L tensors, arrays stay arrays."""
    out = []
    for i in idx:
        if isinstance(i, tuple) and len(i) == 2 and i[0] == "t":
            out.append(L.tensor(i[1]))
        elif isinstance(i, np.ndarray) and not is_tc(L):
            out.append(L.tensor(i))
        else:
            out.append(i)
    return tuple(out)


def _np_ix(idx):
    return tuple(i[1] if isinstance(i, tuple) and len(i) == 2 and i[0] == "t" else i for i in idx)


# ---------------------------------------------------------------------- special generators
@st.composite
def matmul_case(draw):
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["1x1", "1x2", "2x1", "2x2", "bxb", "bx2", "2xb", "1xb", "bx1", "broadcast"]))
    batch = draw(small_shapes(1, 2))
    sa, sb = {
        "1x1": ((k,), (k,)),
        "1x2": ((k,), (k, m)),
        "2x1": ((n, k), (k,)),
        "2x2": ((n, k), (k, m)),
        "bxb": (batch + (n, k), batch + (k, m)),
        "bx2": (batch + (n, k), (k, m)),
        "2xb": ((n, k), batch + (k, m)),
        "1xb": ((k,), batch + (k, m)),
        "bx1": (batch + (n, k), (k,)),
        "broadcast": (batch + (n, k), draw(broadcastable_shapes(batch, max_dims=3, max_side=3)) + (k, m)),
    }[kind]
    return Case((draw(arrays(sa)), draw(arrays(sb))))


EINSUMS = [
    ("ij,jk->ik", ["ij", "jk"]),
    ("bij,bjk->bik", ["bij", "bjk"]),
    ("i,i->", ["i", "i"]),
    ("i,j->ij", ["i", "j"]),
    ("ij->ji", ["ij"]),
    ("ij->", ["ij"]),
    ("ij,j->i", ["ij", "j"]),
    ("bij->bj", ["bij"]),
    ("ij,jk", ["ij", "jk"]),
    ("...ij,...jk->...ik", ["bij", "bjk"]),
    ("ij,jk,kl->il", ["ij", "jk", "kl"]),
    ("bi,bi->b", ["bi", "bi"]),
    # a repeated subscript on one operand is its diagonal (the gradient writes back into it)
    ("ii->", ["ii"]),
    ("ii->i", ["ii"]),
    ("bii->bi", ["bii"]),
    ("ij,jj->i", ["ij", "jj"]),
]


@st.composite
def einsum_case(draw):
    eq, subs = draw(st.sampled_from(EINSUMS))
    sizes = {c: draw(st.integers(1, 3)) for c in "bijkl"}
    xs = tuple(draw(arrays(tuple(sizes[c] for c in s))) for s in subs)
    return Case(xs, {"eq": eq})


@st.composite
def reshape_case(draw):
    shape = draw(small_shapes())
    size = int(np.prod(shape))
    options = [(-1,), (size,), (1, size), tuple(reversed(shape)), (size, 1, 1)]
    if shape:
        options.append((-1,) + shape[-1:])
        options.append(shape[:-1] + (1, shape[-1]))
    return Case((draw(arrays(shape)),), {"shape": draw(st.sampled_from(options))})


@st.composite
def flatten_case(draw):
    shape = draw(small_shapes())
    n = max(len(shape), 1)
    s = draw(st.integers(0, n - 1))
    e = draw(st.integers(s, n - 1))
    return Case((draw(arrays(shape)),), {"start_dim": draw(st.sampled_from([s, s - n])), "end_dim": draw(st.sampled_from([e, e - n]))})


@st.composite
def squeeze_case(draw):
    shape = draw(shapes(0, 3, 1, 2))
    n = len(shape)
    dim = draw(st.one_of(st.none(), dim_int(n), dim_any(n, False, True)))
    return Case((draw(arrays(shape)),), {"dim": dim})


@st.composite
def permute_case(draw):
    shape = draw(small_shapes(1))
    return Case((draw(arrays(shape)),), {"dims": tuple(draw(st.permutations(range(len(shape)))))})


@st.composite
def transpose_case(draw):
    shape = draw(small_shapes(1))
    n = len(shape)
    return Case((draw(arrays(shape)),), {"dim0": draw(dim_int(n)), "dim1": draw(dim_int(n))})


@st.composite
def expand_case(draw):
    shape = draw(shapes(0, 3, 1, 2))
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0 if shape else 1, max_size=1)))
    target = lead + tuple(draw(st.integers(1, 3)) if s == 1 else draw(st.sampled_from([s, -1])) for s in shape)
    return Case((draw(arrays(shape)),), {"sizes": target})


@st.composite
def repeat_case(draw):
    shape = draw(small_shapes(0, 2))
    reps = tuple(draw(st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape) + 1)))
    return Case((draw(arrays(shape)),), {"sizes": reps})


@st.composite
def basic_index_case(draw):
    shape = draw(small_shapes(1))
    idx = []
    for s in shape:
        kind = draw(st.sampled_from(["int", "slice", "full"]))
        if kind == "int":
            idx.append(draw(st.integers(-s, s - 1)))
        elif kind == "slice":
            start = draw(st.one_of(st.none(), st.integers(-s, s)))
            stop = draw(st.one_of(st.none(), st.integers(-s - 1, s + 1)))
            idx.append(slice(start, stop, draw(st.one_of(st.none(), st.integers(1, 3)))))
        else:
            idx.append(slice(None))
    if draw(st.booleans()):
        idx.insert(draw(st.integers(0, len(idx))), None)
    if draw(st.booleans()) and len(idx) > 1:
        # an Ellipsis standing for some trailing dims
        cut = draw(st.integers(1, len(idx)))
        idx = [i for i in idx[:cut]] + [Ellipsis]
    return Case((draw(arrays(shape)),), {"idx": tuple(idx)})


@st.composite
def advanced_index_case(draw):
    shape = draw(small_shapes(1))
    s0 = shape[0]
    ints0 = st.lists(st.integers(-s0, s0 - 1), min_size=1, max_size=5).map(lambda v: np.array(v, np.int64))
    forms = ["list", "array", "tensor", "mask", "mask0"]
    if len(shape) >= 2:
        forms += ["array_slice", "two_arrays", "slice_tensor", "ellipsis_array"]
    form = draw(st.sampled_from(forms))
    if form == "list":
        idx = (draw(ints0).tolist(),)
    elif form == "array":
        idx = (draw(ints0),)
    elif form == "tensor":
        idx = (("t", draw(ints0)),)
    elif form == "mask":
        idx = (("t", draw(arrays(shape, st.booleans().map(float))).astype(bool)),)
    elif form == "mask0":
        idx = (np.array(draw(st.lists(st.booleans(), min_size=s0, max_size=s0)), bool),)
    elif form == "array_slice":
        idx = (draw(ints0), slice(None, None, 2))
    elif form == "two_arrays":
        s1 = shape[1]
        n = draw(st.integers(1, 4))
        a = np.array(draw(st.lists(st.integers(-s0, s0 - 1), min_size=n, max_size=n)), np.int64)
        b = np.array(draw(st.lists(st.integers(-s1, s1 - 1), min_size=n, max_size=n)), np.int64)
        idx = (a, b)
    elif form == "slice_tensor":
        s1 = shape[1]
        b = np.array(draw(st.lists(st.integers(0, s1 - 1), min_size=1, max_size=4)), np.int64)
        idx = (slice(None), ("t", b.reshape(draw(st.sampled_from([(-1,), (1, -1)])))))
    else:
        sl = shape[-1]
        idx = (Ellipsis, np.array(draw(st.lists(st.integers(0, sl - 1), min_size=1, max_size=4)), np.int64))
    return Case((draw(arrays(shape)),), {"idx": idx})


@st.composite
def repeated_index_case(draw):
    shape = draw(small_shapes(1, 2))
    s0 = shape[0]
    i = draw(st.integers(0, s0 - 1))
    rest = draw(st.lists(st.integers(0, s0 - 1), max_size=3))
    return Case((draw(arrays(shape)),), {"idx": ([i, i] + rest + [i],)})


@st.composite
def cat_case(draw):
    shape = list(draw(small_shapes(1)))
    n = len(shape)
    dim = draw(dim_int(n))
    k = draw(st.integers(1, 3))
    xs = []
    for _ in range(k):
        s = list(shape)
        s[dim % n] = draw(st.integers(1, 3))
        xs.append(draw(arrays(tuple(s))))
    return Case(tuple(xs), {"dim": dim})


@st.composite
def stack_case(draw):
    shape = draw(small_shapes(0, 2))
    k = draw(st.integers(1, 3))
    n = len(shape) + 1
    return Case(tuple(draw(arrays(shape)) for _ in range(k)), {"dim": draw(st.integers(-n, n - 1))})


@st.composite
def pad_case(draw):
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    # PyTorch's non-constant modes pad the last 1 dim of a 2-D/3-D input or the last 2 of a 3-D/4-D one
    npad = draw(st.integers(1, 2))
    ndim = draw(st.sampled_from([npad + 1, npad + 2]))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    if mode == "reflect":
        shape = shape[: ndim - npad] + tuple(s + 1 for s in shape[ndim - npad:])
    pad = []
    for i in range(npad):
        s = shape[ndim - 1 - i]
        hi = {"constant": 2, "reflect": s - 1, "replicate": 2, "circular": s}[mode]
        lo = -(s - 1) // 2 if mode == "constant" else 0
        pad += [draw(st.integers(lo, hi)), draw(st.integers(lo, hi))]
    params = {"pad": tuple(pad), "mode": mode}
    if mode == "constant":
        params["value"] = draw(st.sampled_from([0.0, 1.5]))
    return Case((draw(arrays(shape)),), params)


@st.composite
def chunk_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    return Case((draw(arrays(shape)),), {"chunks": draw(st.integers(1, 4)), "dim": dim})


@st.composite
def split_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    n = shape[dim]
    if draw(st.booleans()):
        size = draw(st.integers(1, 3))
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
        edges = [0] + cuts + [n]
        size = [b - a for a, b in zip(edges, edges[1:])]
    return Case((draw(arrays(shape)),), {"size": size, "dim": dim})


@st.composite
def gather_case(draw):
    shape = draw(small_shapes(1))
    n = len(shape)
    dim = draw(dim_int(n))
    d = dim % n
    ishape = tuple(draw(st.integers(1, 4)) if i == d else draw(st.integers(1, s)) for i, s in enumerate(shape))
    index = draw(arrays(ishape, st.integers(0, shape[d] - 1).map(float))).astype(np.int64)
    return Case((draw(arrays(shape)),), {"dim": dim, "index": index})


@st.composite
def where_case(draw, n=2):
    sc, base, sb = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3)).input_shapes
    cond = draw(arrays(sc, st.booleans().map(float))).astype(bool)
    xs = (draw(arrays(base)), draw(arrays(sb)))
    return Case(xs[:n], {"cond": cond})


def var_params(shape):
    @st.composite
    def gen(draw):
        dim = draw(dim_any(len(shape)))
        ax = axes(dim, len(shape))
        if ax is None:
            count = int(np.prod(shape))
        else:
            count = int(np.prod([shape[a] for a in (ax if isinstance(ax, tuple) else (ax,))]))
        keepdim = draw(st.booleans())
        if draw(st.booleans()):
            return {"dim": dim, "keepdim": keepdim, "unbiased": count > 1 and draw(st.booleans())}
        return {"dim": dim, "keepdim": keepdim, "correction": draw(st.integers(0, max(count - 1, 0)))}

    return gen()


def _var_ref(f):
    def ref(x, dim, keepdim, unbiased=None, correction=None):
        ddof = correction if correction is not None else int(unbiased)
        return np.asarray(f(x, axis=axes(dim, x.ndim), ddof=ddof, keepdims=keepdim))

    return ref


def _var_fn(name):
    def fn(L, x, dim, keepdim, unbiased=None, correction=None):
        if correction is not None:
            return getattr(x, name)(dim=dim, correction=correction, keepdim=keepdim)
        return getattr(x, name)(dim=dim, unbiased=unbiased, keepdim=keepdim)

    return fn


def norm_params(shape):
    return st.fixed_dictionaries(
        {"p": st.sampled_from([2, 1, 3, math.inf]), "dim": dim_any(len(shape)), "keepdim": st.booleans()}
    )


def _norm_fn(L, x, p, dim, keepdim):
    if dim is None and keepdim:
        # PyTorch's norm(dim=None, keepdim=True) keeps no dims for p=2; spell the dims out
        dim = tuple(range(x.ndim)) or None
    return x.norm(p=p, dim=dim, keepdim=keepdim)


def _norm_ref(x, p, dim, keepdim):
    if dim is None and keepdim:
        dim = tuple(range(x.ndim)) or None
    return np.asarray(_norm(x, p, dim, keepdim))


def _amax_params(shape):
    n = len(shape)
    dims = st.one_of(st.just(()), dim_int(n), dim_any(n, False, True))
    return st.fixed_dictionaries({"dim": dims, "keepdim": st.booleans()})


def _amax_ref(f):
    def ref(x, dim, keepdim):
        return np.asarray(f(x, axis=None if dim == () else axes(dim, x.ndim), keepdims=keepdim))

    return ref


G1, G2 = grid(1 / 16), grid(1 / 32)
# distinct absolute values, alternating signs, never 0 (norms: no kink, no tie in |x|)
ABS_UNIQUE = st.integers(0, 48).map(lambda k: (k / 16 + 1 / 32) * (-1) ** k)
UNIQ = dict(domains=G1, unique=True)


def clamp_params(shape):
    return st.sampled_from([{"min": -1.0, "max": 1.0}, {"min": None, "max": 0.5}, {"min": -0.5, "max": None}])


def _clamp_ref(x, min=None, max=None):
    return np.clip(x, -np.inf if min is None else min, np.inf if max is None else max)


# ---------------------------------------------------------------------------------- the table
OPS = [
    # arithmetic (NumPy broadcasting; 0-d and n-d mix)
    Op("add", lambda L, a, b: a + b, np.add, elementwise(2)),
    Op("sub", lambda L, a, b: a - b, np.subtract, elementwise(2)),
    Op("mul", lambda L, a, b: a * b, np.multiply, elementwise(2)),
    Op("div", lambda L, a, b: a / b, np.divide, elementwise(2, [ANY, AWAY0])),
    # exponents avoid exactly 0: there PyTorch's backward masks d/da (a constant, right) but that
    # makes its second derivative d2/(da db) 0 where it is a^(b-1); ours is the true value
    Op("pow_tensor", lambda L, a, b: L.pow(a, b), np.power, elementwise(2, [POS, NONZERO])),
    Op("pow_operator", lambda L, a, b: a ** b, np.power, elementwise(2, [POS, NONZERO])),
    Op("pow_scalar", lambda L, x, p: x ** p, lambda x, p: x ** p, elementwise(
        1, POS, params=lambda s: st.fixed_dictionaries({"p": st.sampled_from([2, 3, 0.5, -1.5, 2.5, 0, 1])})
    )),
    Op("pow_int_any_sign", lambda L, x, p: L.pow(x, p), lambda x, p: x ** p, elementwise(
        1, ANY, params=lambda s: st.fixed_dictionaries({"p": st.sampled_from([2, 3])})
    )),
    Op("rpow", lambda L, x: 2.0 ** x, lambda x: 2.0 ** x, elementwise(1)),
    Op("matmul", lambda L, a, b: a @ b, np.matmul, matmul_case()),
    Op("matmul_fn", lambda L, a, b: L.matmul(a, b), np.matmul, matmul_case()),
    Op("neg", lambda L, x: -x, np.negative, elementwise(1)),
    Op("scalar_arith", lambda L, x: (2.0 * x + 1) / 4 - 0.5 + (1.5 - x) * 3, lambda x: (2.0 * x + 1) / 4 - 0.5 + (1.5 - x) * 3,
       elementwise(1)),
    Op("rdiv", lambda L, x: 3.0 / x, lambda x: 3.0 / x, elementwise(1, AWAY0)),
    # elementwise math
    Op("abs", lambda L, x: x.abs(), np.abs, elementwise(1, G1), smooth=False),
    Op("abs_fn", lambda L, x: L.abs(x), np.abs, elementwise(1, G1), smooth=False),
    Op("exp", lambda L, x: x.exp(), np.exp, elementwise(1)),
    Op("log", lambda L, x: x.log(), np.log, elementwise(1, POS)),
    Op("log1p", lambda L, x: x.log1p(), np.log1p, elementwise(1, (-0.8, 3.0))),
    Op("sqrt", lambda L, x: x.sqrt(), np.sqrt, elementwise(1, POS)),
    Op("rsqrt", lambda L, x: x.rsqrt(), lambda x: 1 / np.sqrt(x), elementwise(1, POS)),
    Op("sin", lambda L, x: x.sin(), np.sin, elementwise(1)),
    Op("cos", lambda L, x: L.cos(x), np.cos, elementwise(1)),
    Op("tanh", lambda L, x: x.tanh(), np.tanh, elementwise(1)),
    Op("sigmoid", lambda L, x: L.sigmoid(x), _sigmoid, elementwise(1, (-6.0, 6.0))),
    Op("relu", lambda L, x: x.relu(), lambda x: np.maximum(x, 0), elementwise(1, G1), smooth=False),
    Op("clamp", lambda L, x, min, max: x.clamp(min=min, max=max), _clamp_ref,
       elementwise(1, G1, params=clamp_params), smooth=False),
    Op("clip_fn", lambda L, x, min, max: L.clip(x, min, max), _clamp_ref,
       elementwise(1, G1, params=clamp_params), smooth=False),
    Op("clamp_tensor_bounds", lambda L, x, lo: x.clamp(min=lo), np.maximum, elementwise(2, [G1, G2]), smooth=False),
    Op("maximum", lambda L, a, b: L.maximum(a, b), np.maximum, elementwise(2, [G1, G2]), smooth=False),
    Op("minimum", lambda L, a, b: L.minimum(a, b), np.minimum, elementwise(2, [G1, G2]), smooth=False),
    Op("where", lambda L, a, b, cond: L.where(L.tensor(cond), a, b), lambda a, b, cond: np.where(cond, a, b),
       where_case()),
    Op("where_scalar", lambda L, a, cond: L.where(L.tensor(cond), a, 0.5), lambda a, cond: np.where(cond, a, 0.5),
       where_case(1)),
    Op("sign", lambda L, x: x.sign(), np.sign, elementwise(1, G1), smooth=False),
    # reductions
    Op("sum", lambda L, x, dim, keepdim: x.sum(dim=dim, keepdim=keepdim), npkeep(np.sum),
       elementwise(1, params=reduce_params())),
    Op("sum_fn", lambda L, x, dim, keepdim: L.sum(x, dim, keepdim), npkeep(np.sum), elementwise(1, params=reduce_params(False))),
    Op("mean", lambda L, x, dim, keepdim: x.mean(dim=dim, keepdim=keepdim), npkeep(np.mean),
       elementwise(1, params=reduce_params())),
    Op("prod", lambda L, x, dim, keepdim: x.prod() if dim is None else x.prod(dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: np.asarray(np.prod(x) if dim is None else np.prod(x, axis=axes(dim, x.ndim), keepdims=keepdim)),
       elementwise(1, PROD_DOMAIN, params=reduce_params(True, False))),
    Op("var", _var_fn("var"), _var_ref(np.var), elementwise(1, params=var_params, **UNIQ)),
    Op("std", _var_fn("std"), _var_ref(np.std), elementwise(1, params=var_params, **UNIQ)),
    Op("max", lambda L, x: x.max(), lambda x: np.asarray(np.max(x)), elementwise(1, **UNIQ), smooth=False),
    Op("min", lambda L, x: L.min(x), lambda x: np.asarray(np.min(x)), elementwise(1, **UNIQ), smooth=False),
    Op("max_dim", lambda L, x, dim, keepdim: tuple(x.max(dim=dim, keepdim=keepdim)), _minmax_dim(np.max, np.argmax),
       elementwise(1, params=reduce_params(False, False), **UNIQ), smooth=False),
    Op("min_dim", lambda L, x, dim, keepdim: tuple(L.min(x, dim, keepdim)), _minmax_dim(np.min, np.argmin),
       elementwise(1, params=reduce_params(False, False), **UNIQ), smooth=False),
    Op("amax", lambda L, x, dim, keepdim: x.amax(dim=dim, keepdim=keepdim), _amax_ref(np.max),
       elementwise(1, params=_amax_params, **UNIQ), smooth=False),
    Op("amin", lambda L, x, dim, keepdim: L.amin(x, dim, keepdim), _amax_ref(np.min),
       elementwise(1, params=_amax_params, **UNIQ), smooth=False),
    Op("argmax", lambda L, x, dim, keepdim: x.argmax(dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: np.asarray(np.argmax(x, axis=axes(dim, x.ndim), keepdims=keepdim and dim is not None))
       if not (dim is None and keepdim) else np.argmax(x).reshape((1,) * x.ndim),
       elementwise(1, params=reduce_params(True, False), **UNIQ), grad=False),
    Op("argmin", lambda L, x, dim: L.argmin(x, dim), lambda x, dim: np.asarray(np.argmin(x, axis=axes(dim, x.ndim))),
       elementwise(1, params=lambda s: st.fixed_dictionaries({"dim": st.one_of(st.none(), dim_int(len(s)))}), **UNIQ),
       grad=False),
    Op("logsumexp", lambda L, x, dim, keepdim: x.logsumexp(dim=dim, keepdim=keepdim), _logsumexp,
       elementwise(1, params=reduce_params(False, True))),
    Op("norm", _norm_fn, _norm_ref, elementwise(1, ABS_UNIQUE, params=norm_params, unique=True), smooth=False),
    Op("softmax", lambda L, x, dim: x.softmax(dim), _softmax,
       elementwise(1, params=lambda s: st.fixed_dictionaries({"dim": dim_int(len(s))}))),
    Op("log_softmax", lambda L, x, dim: L.log_softmax(x, dim), lambda x, dim: np.log(_softmax(x, dim)),
       elementwise(1, params=lambda s: st.fixed_dictionaries({"dim": dim_int(len(s))}))),
    # products
    Op("einsum", lambda L, *xs, eq: L.einsum(eq, *xs), lambda *xs, eq: np.asarray(np.einsum(eq, *xs)), einsum_case()),
    # shape ops
    Op("reshape", lambda L, x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape), reshape_case()),
    Op("view", lambda L, x, shape: x.view(*shape) if shape else x.view(shape), lambda x, shape: x.reshape(shape),
       reshape_case()),
    Op("flatten", lambda L, x, start_dim, end_dim: x.flatten(start_dim, end_dim),
       lambda x, start_dim, end_dim: x.reshape(
           x.shape[: start_dim % max(x.ndim, 1)] + (-1,) + x.shape[end_dim % max(x.ndim, 1) + 1:]) if x.ndim else x.reshape(1),
       flatten_case()),
    Op("unsqueeze", lambda L, x, dim: x.unsqueeze(dim), lambda x, dim: np.expand_dims(x, dim),
       elementwise(1, params=lambda s: st.fixed_dictionaries({"dim": st.integers(-len(s) - 1, len(s))}))),
    Op("squeeze", lambda L, x, dim: x.squeeze() if dim is None else x.squeeze(dim),
       lambda x, dim: np.squeeze(x, axis=None if dim is None else tuple(
           d % x.ndim for d in (dim if isinstance(dim, tuple) else (dim,)) if x.ndim and x.shape[d % x.ndim] == 1)),
       squeeze_case()),
    Op("transpose", lambda L, x, dim0, dim1: x.transpose(dim0, dim1), lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
       transpose_case()),
    Op("permute", lambda L, x, dims: x.permute(*dims), lambda x, dims: np.transpose(x, dims), permute_case()),
    Op("T", lambda L, x: x.T, lambda x: x.T, elementwise(1, max_dims=2)),
    Op("expand", lambda L, x, sizes: x.expand(*sizes),
       lambda x, sizes: np.broadcast_to(x, tuple(s if s != -1 else x.shape[i - (len(sizes) - x.ndim)] for i, s in enumerate(sizes))),
       expand_case()),
    Op("repeat", lambda L, x, sizes: x.repeat(*sizes) if sizes else x.repeat(sizes), lambda x, sizes: np.tile(x, sizes),
       repeat_case()),
    Op("contiguous", lambda L, x: x.transpose(0, -1).contiguous() * 1.0, lambda x: np.swapaxes(x, 0, -1),
       elementwise(1, min_dims=1)),
    Op("getitem_basic", lambda L, x, idx: x[idx], lambda x, idx: x[idx], basic_index_case()),
    Op("getitem_advanced", lambda L, x, idx: x[_ix(L, idx)], lambda x, idx: x[_np_ix(idx)], advanced_index_case()),
    Op("getitem_repeated", lambda L, x, idx: x[idx], lambda x, idx: x[idx], repeated_index_case()),
    Op("cat", lambda L, *xs, dim: L.cat(list(xs), dim=dim), lambda *xs, dim: np.concatenate(xs, axis=dim), cat_case()),
    Op("stack", lambda L, *xs, dim: L.stack(list(xs), dim=dim), lambda *xs, dim: np.stack(xs, axis=dim), stack_case()),
    Op("pad", lambda L, x, **p: _torch_or_tc_pad(L)(x, **p), lambda x, **p: _pad_ref(x, **p), pad_case()),
    Op("chunk", lambda L, x, chunks, dim: x.chunk(chunks, dim),
       lambda x, chunks, dim: _chunks(x, _chunk_sizes(x.shape[dim], chunks), dim), chunk_case()),
    Op("split", lambda L, x, size, dim: L.split(x, size, dim),
       lambda x, size, dim: _chunks(x, _split_sizes(x.shape[dim], size), dim), split_case()),
    Op("gather", lambda L, x, dim, index: x.gather(dim, L.tensor(index)),
       lambda x, dim, index: x[_along(index, dim % x.ndim)], gather_case()),
]


# ---------------------------------------------------------------- more generators and refs
REDS = ["mean", "sum", "none"]


def _reduce(loss, reduction):
    return np.asarray({"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction](loss))


def _reduction_params(shape):
    return st.fixed_dictionaries({"reduction": st.sampled_from(REDS)})


def _dim_param(shape):
    return st.fixed_dictionaries({"dim": dim_int(len(shape))})


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gelu_ref(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _erf(x / math.sqrt(2)))


def _softplus_ref(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


@st.composite
def mat_case(draw, kind):
    b, n, k, m = (draw(st.integers(1, 3)) for _ in range(4))
    shapes_ = {"mm": [(n, k), (k, m)], "bmm": [(b, n, k), (b, k, m)], "mv": [(n, k), (k,)], "dot": [(k,), (k,)],
               "outer": [(n,), (m,)], "addmm": [(n, m), (n, k), (k, m)], "baddbmm": [(b, n, m), (b, n, k), (b, k, m)],
               "addbmm": [(n, m), (b, n, k), (b, k, m)], "addmv": [(n,), (n, k), (k,)], "addr": [(n, m), (n,), (m,)]}[kind]
    params = {"beta": draw(st.sampled_from([1.0, 0.5])), "alpha": draw(st.sampled_from([1.0, 2.0]))} if kind == "addmm" else {}
    return Case(tuple(draw(arrays(s)) for s in shapes_), params)


@st.composite
def linear_case(draw):
    batch = draw(small_shapes(0, 2))
    i, o = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    xs = (draw(arrays(batch + (i,))), draw(arrays((o, i))))
    if draw(st.booleans()):
        xs += (draw(arrays((o,))),)
    return Case(xs)


@st.composite
def dim_case(draw, domain=ANY, unique=False, min_dims=1):
    shape = draw(small_shapes(min_dims))
    return Case((draw(arrays(shape, domain, unique)),), {"dim": draw(dim_int(len(shape)))})


@st.composite
def sort_case(draw):
    shape = draw(small_shapes(1))
    return Case((draw(arrays(shape, G1, True)),), {"dim": draw(dim_int(len(shape))), "descending": draw(st.booleans())})


@st.composite
def topk_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    return Case((draw(arrays(shape, G1, True)),),
                {"k": draw(st.integers(1, shape[dim])), "dim": dim, "largest": draw(st.booleans())})


def _sort_ref(x, dim, descending):
    idx = np.argsort(-x if descending else x, axis=dim, kind="stable")
    return np.take_along_axis(x, idx, dim), idx


def _topk_ref(x, k, dim, largest):
    idx = np.take(np.argsort(-x if largest else x, axis=dim, kind="stable"), np.arange(k), axis=dim)
    return np.take_along_axis(x, idx, dim), idx


@st.composite
def narrow_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    n = shape[dim]
    start = draw(st.integers(0, n - 1))
    return Case((draw(arrays(shape)),), {"dim": dim, "start": start, "length": draw(st.integers(1, n - start))})


@st.composite
def roll_case(draw):
    shape = draw(small_shapes(1))
    n = len(shape)
    if draw(st.booleans()):
        return Case((draw(arrays(shape)),), {"shifts": draw(st.integers(-4, 4)), "dims": None})
    dims = tuple(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)))
    return Case((draw(arrays(shape)),), {"shifts": tuple(draw(st.integers(-4, 4)) for _ in dims), "dims": dims})


@st.composite
def tri_case(draw):
    shape = draw(small_shapes(2))
    return Case((draw(arrays(shape)),), {"diagonal": draw(st.integers(-2, 2))})


@st.composite
def diagonal_case(draw):
    shape = draw(small_shapes(2))
    n = len(shape)
    d1, d2 = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    return Case((draw(arrays(shape)),), {"offset": draw(st.integers(-2, 2)), "dim1": draw(st.sampled_from([d1, d1 - n])),
                                         "dim2": d2})


@st.composite
def diag_case(draw):
    shape = draw(small_shapes(1, 2))
    return Case((draw(arrays(shape)),), {"diagonal": draw(st.integers(-2, 2))})


@st.composite
def flip_case(draw):
    shape = draw(small_shapes(1))
    n = len(shape)
    dims = tuple(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n, unique_by=lambda d: d % n)))
    return Case((draw(arrays(shape)),), {"dims": dims})


@st.composite
def movedim_case(draw):
    shape = draw(small_shapes(1))
    n = len(shape)
    return Case((draw(arrays(shape)),), {"source": draw(dim_int(n)), "destination": draw(dim_int(n))})


@st.composite
def unflatten_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    s = shape[dim]
    sizes = draw(st.sampled_from([(s,), (1, s), (s, 1), (-1, 1), (1, -1, 1)]))
    return Case((draw(arrays(shape)),), {"dim": dim, "sizes": sizes})


def _unflatten_ref(x, dim, sizes):
    d = dim % x.ndim
    return x.reshape(x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


@st.composite
def tile_case(draw):
    shape = draw(small_shapes(0, 2))
    return Case((draw(arrays(shape)),), {"dims": tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))})


@st.composite
def broadcast_to_case(draw):
    shape = draw(shapes(0, 3, 1, 2))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=1)))
    return Case((draw(arrays(shape)),), {"shape": lead + tuple(draw(st.integers(1, 3)) if s == 1 else s for s in shape)})


@st.composite
def stack2d_case(draw, axis):
    k = draw(st.integers(1, 3))
    fixed = draw(st.integers(1, 3))
    shps = [(draw(st.integers(1, 3)), fixed) if axis == 0 else (fixed, draw(st.integers(1, 3))) for _ in range(k)]
    return Case(tuple(draw(arrays(s)) for s in shps))


@st.composite
def index_select_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    idx = np.array(draw(st.lists(st.integers(0, shape[dim] - 1), min_size=1, max_size=4)), np.int64)
    return Case((draw(arrays(shape)),), {"dim": dim, "index": idx})


@st.composite
def take_along_case(draw):
    shape = draw(small_shapes(1))
    dim = draw(dim_int(len(shape)))
    ishape = tuple(draw(st.integers(1, 3)) if i == dim % len(shape) else s for i, s in enumerate(shape))
    index = draw(arrays(ishape, st.integers(0, shape[dim] - 1).map(float))).astype(np.int64)
    return Case((draw(arrays(shape)),), {"dim": dim, "index": index})


@st.composite
def mask_case(draw, full=False):
    """An input and a bool mask that broadcasts to the input's shape (dropped leading dims, 1s)."""
    shape = draw(small_shapes())
    cut = 0 if full else draw(st.integers(0, len(shape)))
    mshape = shape if full else tuple(draw(st.sampled_from([1, s])) for s in shape[cut:])
    mask = draw(arrays(mshape, st.booleans().map(float))).astype(bool)
    return Case((draw(arrays(shape)),), {"mask": mask})


@st.composite
def setitem_case(draw):
    case = draw(basic_index_case())
    x = case.arrays[0]
    return Case((x, draw(arrays(x[case.params["idx"]].shape))), case.params)


def _setitem_fn(L, x, v, idx):
    y = x * 1
    y[idx] = v * 2
    return y


def _setitem_ref(x, v, idx):
    y = x.copy()
    y[idx] = v * 2
    return y


@st.composite
def unbind_case(draw):
    shape = draw(small_shapes(1))
    return Case((draw(arrays(shape)),), {"dim": draw(dim_int(len(shape)))})


INTS = st.integers(-2, 2).map(float)  # small integers as floats: comparisons and unique see ties
SPECIAL = st.sampled_from([-1.5, 0.0, 2.0, math.nan, math.inf, -math.inf])
NANS = st.one_of(st.floats(-3.0, 3.0), st.just(math.nan))


@st.composite
def ce_case(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), np.int64)
    return Case((draw(arrays((n, c))),), {"target": target, "reduction": draw(st.sampled_from(REDS)),
                                          "label_smoothing": draw(st.sampled_from([0.0, 0.2]))})


def _ce_ref(x, target, reduction, label_smoothing):
    """PyTorch's documented formula: (1-eps)*nll + eps/C * sum_c -log p_c."""
    logp = np.log(_softmax(x, 1))
    n, c = x.shape
    nll = -logp[np.arange(n), target]
    loss = (1 - label_smoothing) * nll + label_smoothing / c * -logp.sum(1)
    return _reduce(loss, reduction)


@st.composite
def ce_prob_case(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    return Case((draw(arrays((n, c))), draw(arrays((n, c), (0.05, 1.0)))),
                {"reduction": draw(st.sampled_from(REDS))})


def _ce_prob_ref(x, p, reduction):
    return _reduce(-(p * np.log(_softmax(x, 1))).sum(1), reduction)


@st.composite
def nll_case(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), np.int64)
    weight = draw(st.one_of(st.none(), arrays((c,), (0.5, 2.0))))
    return Case((draw(arrays((n, c))),), {"target": target, "weight": weight, "reduction": draw(st.sampled_from(REDS))})


def _nll_fn(L, x, target, weight, reduction):
    w = None if weight is None else L.tensor(weight, dtype=x.dtype)
    return nnf(L).nll_loss(x, L.tensor(target), weight=w, reduction=reduction)


def _nll_ref(x, target, weight, reduction):
    w = np.ones(x.shape[1]) if weight is None else weight
    wt = w[target]
    loss = -x[np.arange(len(target)), target] * wt
    return np.asarray(loss.sum() / wt.sum()) if reduction == "mean" else _reduce(loss, reduction)


def _kl_ref(x, t, reduction):
    loss = t * (np.log(t) - x)
    if reduction == "batchmean":
        return np.asarray(loss.sum() / (x.shape[0] if x.ndim else 1))
    return _reduce(loss, reduction)


def _huber_ref(d, delta=1.0):
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


def _smooth_l1_ref(d, beta=1.0):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def _pair(domains=None, params=_reduction_params):
    """Two inputs of one shape (losses refuse broadcasting); kinks avoided by the two grids."""
    return elementwise(2, domains or [G1, G2], broadcast=False, params=params)


@st.composite
def one_hot_case(draw):
    shape = draw(small_shapes(0, 2))
    c = draw(st.integers(1, 4))
    idx = draw(arrays(shape, st.integers(0, c - 1).map(float))).astype(np.int64)
    return Case((), {"index": idx, "num_classes": draw(st.sampled_from([c, -1])) if idx.size else c})


def _one_hot_ref(index, num_classes):
    c = int(index.max()) + 1 if num_classes == -1 else num_classes
    return (index[..., None] == np.arange(c)).astype(np.int64)


@st.composite
def sum_to_size_case(draw):
    """An input and a size it expands from (dropped leading dims, some dims 1)."""
    shape = draw(small_shapes())
    cut = draw(st.integers(0, len(shape)))
    return Case((draw(arrays(shape)),), {"size": tuple(draw(st.sampled_from([1, s])) for s in shape[cut:])})


def _sum_to_size_ref(x, size):
    lead = x.ndim - len(size)
    summed = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1)
    return x.sum(axis=summed, keepdims=True).reshape(size)


@st.composite
def lerp_case(draw):
    shps = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3)).input_shapes
    return Case(tuple(draw(arrays(s, d)) for s, d in zip(shps, [ANY, ANY, (0.0, 1.0)])))


def _nonzero_ref(x):
    if x.ndim == 0:
        return np.zeros((int(x > 0), 0), np.int64)
    return np.argwhere(x > 0)


def _inplace(a, b, name):
    """``a <op>= b`` on a fresh non-leaf of the broadcast shape (a leaf may not be changed in place)."""
    y = a + 0 * b
    return getattr(y, name)(b)


def _iop(a, b, op):
    y = a + 0 * b
    if op == "+":
        y += b
    elif op == "-":
        y -= b
    elif op == "*":
        y *= b
    else:
        y /= b
    return y


# ------------------------------------------------------------------------- the added rows
MORE_OPS = [
    # elementwise math beyond SPEC's list
    Op("tan", lambda L, x: x.tan(), np.tan, elementwise(1, (-1.2, 1.2)), aliases=(lambda L, x: L.tan(x),)),
    Op("log2", lambda L, x: x.log2(), np.log2, elementwise(1, POS), aliases=(lambda L, x: L.log2(x),)),
    Op("log10", lambda L, x: L.log10(x), np.log10, elementwise(1, POS), aliases=(lambda L, x: x.log10(),)),
    Op("square", lambda L, x: x.square(), np.square, elementwise(1),
       aliases=(lambda L, x: L.square(x), lambda L, x: (x * 1).square_(), lambda L, x: L.square_(x * 1))),
    Op("reciprocal", lambda L, x: x.reciprocal(), np.reciprocal, elementwise(1, AWAY0),
       aliases=(lambda L, x: L.reciprocal(x),)),
    Op("expm1", lambda L, x: x.expm1(), np.expm1, elementwise(1), aliases=(lambda L, x: L.expm1(x),)),
    Op("exp2", lambda L, x: L.exp2(x), np.exp2, elementwise(1), aliases=(lambda L, x: x.exp2(),)),
    # piecewise constant: zero gradient; the grid keeps inputs off integers and halves
    Op("floor", lambda L, x: x.floor(), np.floor, elementwise(1, G1), smooth=False, aliases=(lambda L, x: L.floor(x),)),
    Op("ceil", lambda L, x: L.ceil(x), np.ceil, elementwise(1, G1), smooth=False, aliases=(lambda L, x: x.ceil(),)),
    Op("round", lambda L, x: x.round(), np.round, elementwise(1, G1), smooth=False, aliases=(lambda L, x: L.round(x),)),
    Op("trunc", lambda L, x: L.trunc(x), np.trunc, elementwise(1, G1), smooth=False, aliases=(lambda L, x: x.trunc(),)),
    Op("pos", lambda L, x: +x, lambda x: +x, elementwise(1)),
    Op("lerp", lambda L, a, b, w: L.lerp(a, b, w), lambda a, b, w: a + w * (b - a), lerp_case(),
       aliases=(lambda L, a, b, w: a.lerp(b, w),)),
    Op("lerp_scalar", lambda L, a, b: a.lerp(b, 0.25), lambda a, b: a + 0.25 * (b - a), elementwise(2)),
    Op("clamp_min", lambda L, x: x.clamp_min(0.5), lambda x: np.maximum(x, 0.5), elementwise(1, G1), smooth=False,
       aliases=(lambda L, x: L.clamp_min(x, 0.5), lambda L, x: x.clamp(min=0.5))),
    Op("clamp_max", lambda L, x: L.clamp_max(x, -0.5), lambda x: np.minimum(x, -0.5), elementwise(1, G1), smooth=False,
       aliases=(lambda L, x: x.clamp_max(-0.5),)),
    Op("add_alpha", lambda L, a, b: L.add(a, b, alpha=2), lambda a, b: a + 2 * b, elementwise(2),
       aliases=(lambda L, a, b: a.add(b, alpha=2),)),
    Op("sub_alpha", lambda L, a, b: a.sub(b, alpha=0.5), lambda a, b: a - 0.5 * b, elementwise(2),
       aliases=(lambda L, a, b: L.sub(a, b, alpha=0.5),)),
    # PyTorch's remainder is differentiable, ours is not yet (tests/test_api_surface.py: xfail)
    Op("remainder", lambda L, a, b: a % b, np.mod, elementwise(2, [G1, st.sampled_from([0.75, -1.25, 2.5])]),
       grad=False),
    Op("rremainder", lambda L, x: 2.6 % x, lambda x: np.mod(2.6, x), elementwise(1, G1), grad=False),
    Op("floordiv", lambda L, a, b: a // b, np.floor_divide, elementwise(2, [G1, st.sampled_from([0.75, -1.25, 2.5])]),
       grad=False),
    Op("rfloordiv", lambda L, x: 2.6 // x, lambda x: np.floor_divide(2.6, x), elementwise(1, G1), grad=False),
    # comparisons and logic: bool results without history
    Op("eq", lambda L, a, b: a == b, np.equal, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.eq(a, b), lambda L, a, b: a.eq(b))),
    Op("ne", lambda L, a, b: a != b, np.not_equal, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.ne(a, b), lambda L, a, b: a.ne(b), lambda L, a, b: L.not_equal(a, b))),
    Op("lt", lambda L, a, b: a < b, np.less, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.lt(a, b), lambda L, a, b: a.lt(b), lambda L, a, b: L.less(a, b),
                lambda L, a, b: a.less(b))),
    Op("le", lambda L, a, b: a <= b, np.less_equal, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.le(a, b), lambda L, a, b: a.le(b), lambda L, a, b: L.less_equal(a, b))),
    Op("gt", lambda L, a, b: a > b, np.greater, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.gt(a, b), lambda L, a, b: a.gt(b), lambda L, a, b: L.greater(a, b),
                lambda L, a, b: a.greater(b))),
    Op("ge", lambda L, a, b: a >= b, np.greater_equal, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.ge(a, b), lambda L, a, b: a.ge(b), lambda L, a, b: L.greater_equal(a, b))),
    Op("isclose", lambda L, a, b: L.isclose(a, b), np.isclose, elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: a.isclose(b),)),
    Op("logical_and", lambda L, a, b: L.logical_and(a > 0, b > 0), lambda a, b: np.logical_and(a > 0, b > 0),
       elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: (a > 0).logical_and(b > 0), lambda L, a, b: (a > 0) & (b > 0))),
    Op("logical_or", lambda L, a, b: (a > 0).logical_or(b > 0), lambda a, b: np.logical_or(a > 0, b > 0),
       elementwise(2, INTS), grad=False,
       aliases=(lambda L, a, b: L.logical_or(a > 0, b > 0), lambda L, a, b: (a > 0) | (b > 0))),
    Op("logical_xor", lambda L, a, b: (a > 0) ^ (b > 0), lambda a, b: np.logical_xor(a > 0, b > 0),
       elementwise(2, INTS), grad=False),
    Op("logical_not", lambda L, x: L.logical_not(x > 0), lambda x: np.logical_not(x > 0), elementwise(1, INTS),
       grad=False, aliases=(lambda L, x: (x > 0).logical_not(), lambda L, x: ~(x > 0))),
    Op("bool_scalar_ops", lambda L, x: (True & (x > 0), False | (x > 0), True ^ (x > 0)),
       lambda x: (x > 0, x > 0, x <= 0), elementwise(1, INTS), grad=False),
    Op("isnan", lambda L, x: x.isnan(), np.isnan, elementwise(1, SPECIAL), grad=False, aliases=(lambda L, x: L.isnan(x),)),
    Op("isinf", lambda L, x: L.isinf(x), np.isinf, elementwise(1, SPECIAL), grad=False, aliases=(lambda L, x: x.isinf(),)),
    Op("isfinite", lambda L, x: x.isfinite(), np.isfinite, elementwise(1, SPECIAL), grad=False,
       aliases=(lambda L, x: L.isfinite(x),)),
    # reductions beyond SPEC's list
    Op("nansum", lambda L, x, dim, keepdim: L.nansum(x, dim, keepdim), npkeep(np.nansum),
       elementwise(1, NANS, params=reduce_params(True, True)),
       aliases=(lambda L, x, dim, keepdim: x.nansum(dim=dim, keepdim=keepdim),)),
    Op("var_mean", lambda L, x, dim, keepdim: L.var_mean(x, dim, keepdim=keepdim, correction=0),
       lambda x, dim, keepdim: (npkeep(np.var)(x, dim, keepdim), npkeep(np.mean)(x, dim, keepdim)),
       elementwise(1, params=reduce_params(True, True), **UNIQ)),
    Op("std_mean", lambda L, x, dim, keepdim: L.std_mean(x, dim, keepdim=keepdim, correction=0),
       lambda x, dim, keepdim: (npkeep(np.std)(x, dim, keepdim), npkeep(np.mean)(x, dim, keepdim)),
       elementwise(1, params=reduce_params(True, True), **UNIQ)),
    Op("all", lambda L, x: L.all(x > 0), lambda x: np.asarray(np.all(x > 0)), elementwise(1, INTS), grad=False,
       aliases=(lambda L, x: (x > 0).all(),)),
    Op("any_dim", lambda L, x, dim, keepdim: (x > 0).any(dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: npkeep(np.any)(x > 0, dim, keepdim),
       elementwise(1, INTS, params=reduce_params(False, False)), grad=False,
       aliases=(lambda L, x, dim, keepdim: L.any(x > 0, dim, keepdim),)),
    Op("count_nonzero", lambda L, x: L.count_nonzero(x), lambda x: np.asarray(np.count_nonzero(x)),
       elementwise(1, INTS), grad=False, aliases=(lambda L, x: x.count_nonzero(),)),
    Op("cumsum", lambda L, x, dim: x.cumsum(dim), lambda x, dim: np.cumsum(x, dim), dim_case(),
       aliases=(lambda L, x, dim: L.cumsum(x, dim),)),
    Op("cumprod", lambda L, x, dim: L.cumprod(x, dim), lambda x, dim: np.cumprod(x, dim), dim_case(AWAY0),
       aliases=(lambda L, x, dim: x.cumprod(dim),)),
    Op("trace", lambda L, x: x.trace(), lambda x: np.asarray(np.trace(x)), elementwise(1, min_dims=2, max_dims=2),
       aliases=(lambda L, x: L.trace(x),)),
    # products
    Op("mm", lambda L, a, b: L.mm(a, b), np.matmul, mat_case("mm"), aliases=(lambda L, a, b: a.mm(b),)),
    Op("bmm", lambda L, a, b: a.bmm(b), np.matmul, mat_case("bmm"), aliases=(lambda L, a, b: L.bmm(a, b),)),
    Op("mv", lambda L, a, b: L.mv(a, b), np.matmul, mat_case("mv"), aliases=(lambda L, a, b: a.mv(b),)),
    Op("dot", lambda L, a, b: a.dot(b), lambda a, b: np.asarray(np.dot(a, b)), mat_case("dot"),
       aliases=(lambda L, a, b: L.dot(a, b),)),
    Op("outer", lambda L, a, b: L.outer(a, b), np.outer, mat_case("outer"),
       aliases=(lambda L, a, b: a.outer(b), lambda L, a, b: L.ger(a, b))),
    Op("addmm", lambda L, c, a, b, beta, alpha: L.addmm(c, a, b, beta=beta, alpha=alpha),
       lambda c, a, b, beta, alpha: beta * c + alpha * (a @ b), mat_case("addmm")),
    Op("linear", lambda L, *xs: nnf(L).linear(*xs),
       lambda x, w, b=None: x @ w.T + (0 if b is None else b), linear_case()),
    # shape and indexing ops beyond SPEC's list
    Op("sort", lambda L, x, dim, descending: tuple(x.sort(dim, descending=descending)), _sort_ref, sort_case(),
       smooth=False, aliases=(lambda L, x, dim, descending: tuple(L.sort(x, dim, descending)),)),
    Op("argsort", lambda L, x, dim, descending: x.argsort(dim, descending=descending),
       lambda x, dim, descending: _sort_ref(x, dim, descending)[1], sort_case(), grad=False,
       aliases=(lambda L, x, dim, descending: L.argsort(x, dim, descending),)),
    Op("topk", lambda L, x, k, dim, largest: tuple(L.topk(x, k, dim, largest=largest)), _topk_ref, topk_case(),
       smooth=False, aliases=(lambda L, x, k, dim, largest: tuple(x.topk(k, dim, largest)),)),
    Op("unique", lambda L, x: L.unique(x), lambda x: np.unique(x), elementwise(1, INTS), grad=False,
       aliases=(lambda L, x: x.unique(),)),
    Op("nonzero", lambda L, x: (x > 0).nonzero(), _nonzero_ref, elementwise(1, INTS), grad=False,
       aliases=(lambda L, x: L.nonzero(x > 0),)),
    Op("narrow", lambda L, x, dim, start, length: x.narrow(dim, start, length),
       lambda x, dim, start, length: np.take(x, np.arange(start, start + length), axis=dim), narrow_case(),
       aliases=(lambda L, x, dim, start, length: L.narrow(x, dim, start, length),)),
    Op("roll", lambda L, x, shifts, dims: L.roll(x, shifts, dims), lambda x, shifts, dims: np.roll(x, shifts, dims),
       roll_case(), aliases=(lambda L, x, shifts, dims: x.roll(shifts, dims),)),
    Op("tril", lambda L, x, diagonal: x.tril(diagonal), lambda x, diagonal: np.tril(x, diagonal), tri_case(),
       aliases=(lambda L, x, diagonal: L.tril(x, diagonal),)),
    Op("triu", lambda L, x, diagonal: L.triu(x, diagonal), lambda x, diagonal: np.triu(x, diagonal), tri_case(),
       aliases=(lambda L, x, diagonal: x.triu(diagonal),)),
    Op("diagonal", lambda L, x, offset, dim1, dim2: L.diagonal(x, offset, dim1, dim2),
       lambda x, offset, dim1, dim2: np.diagonal(x, offset, dim1, dim2).copy(), diagonal_case(),
       aliases=(lambda L, x, offset, dim1, dim2: x.diagonal(offset, dim1, dim2),)),
    Op("diag", lambda L, x, diagonal: x.diag(diagonal), lambda x, diagonal: np.diag(x, diagonal), diag_case(),
       aliases=(lambda L, x, diagonal: L.diag(x, diagonal),)),
    Op("flip", lambda L, x, dims: L.flip(x, dims), lambda x, dims: np.flip(x, dims).copy(), flip_case(),
       aliases=(lambda L, x, dims: x.flip(dims),)),
    Op("movedim", lambda L, x, source, destination: x.movedim(source, destination), np.moveaxis, movedim_case(),
       aliases=(lambda L, x, source, destination: L.movedim(x, source, destination),
                lambda L, x, source, destination: x.moveaxis(source, destination),
                lambda L, x, source, destination: L.moveaxis(x, source, destination))),
    Op("unflatten", lambda L, x, dim, sizes: x.unflatten(dim, sizes), _unflatten_ref, unflatten_case(),
       aliases=(lambda L, x, dim, sizes: L.unflatten(x, dim, sizes),)),
    Op("tile", lambda L, x, dims: L.tile(x, dims), lambda x, dims: np.tile(x, dims), tile_case(), aliases=(lambda L, x, dims: x.tile(dims),)),
    Op("broadcast_to", lambda L, x, shape: L.broadcast_to(x, shape), lambda x, shape: np.broadcast_to(x, shape).copy(),
       broadcast_to_case(),
       aliases=(lambda L, x, shape: x.broadcast_to(shape), lambda L, x, shape: x.expand_as(L.zeros(shape, dtype=x.dtype)))),
    Op("sum_to_size", lambda L, x, size: x.sum_to_size(size), _sum_to_size_ref, sum_to_size_case(),
       aliases=(lambda L, x, size: x.sum_to_size(*size) if size else x.sum_to_size(size),)),
    Op("mT", lambda L, x: x.mT, lambda x: np.swapaxes(x, -1, -2), elementwise(1, min_dims=2)),
    Op("unbind", lambda L, x, dim: x.unbind(dim),
       lambda x, dim: tuple(np.take(x, i, axis=dim) for i in range(x.shape[dim])), unbind_case(),
       aliases=(lambda L, x, dim: L.unbind(x, dim),)),
    Op("hstack", lambda L, *xs: L.hstack(list(xs)), lambda *xs: np.hstack(xs), stack2d_case(1)),
    Op("vstack", lambda L, *xs: L.vstack(list(xs)), lambda *xs: np.vstack(xs), stack2d_case(0)),
    Op("index_select", lambda L, x, dim, index: x.index_select(dim, L.tensor(index)),
       lambda x, dim, index: np.take(x, index, axis=dim), index_select_case(),
       aliases=(lambda L, x, dim, index: L.index_select(x, dim, L.tensor(index)),)),
    Op("take_along_dim", lambda L, x, dim, index: L.take_along_dim(x, L.tensor(index), dim),
       lambda x, dim, index: np.take_along_axis(x, index, dim), take_along_case(),
       aliases=(lambda L, x, dim, index: x.take_along_dim(L.tensor(index), dim),
                lambda L, x, dim, index: L.gather(x, dim, L.tensor(index)))),
    Op("masked_fill", lambda L, x, mask: x.masked_fill(L.tensor(mask), 0.5),
       lambda x, mask: np.where(mask, 0.5, x), mask_case(),
       aliases=(lambda L, x, mask: L.masked_fill(x, L.tensor(mask), 0.5),
                lambda L, x, mask: (x * 1).masked_fill_(L.tensor(mask), 0.5))),
    # a mask of the input's shape: a broadcast mask gives wrong values (test_api_surface.py: xfail)
    Op("masked_select", lambda L, x, mask: x.masked_select(L.tensor(mask)),
       lambda x, mask: x[np.broadcast_to(mask, x.shape)], mask_case(full=True),
       aliases=(lambda L, x, mask: L.masked_select(x, L.tensor(mask)),)),
    Op("setitem", _setitem_fn, _setitem_ref, setitem_case()),
    Op("clone", lambda L, x: x.clone(), lambda x: x.copy(), elementwise(1), aliases=(lambda L, x: L.clone(x),)),
    Op("detach", lambda L, x: x.detach(), lambda x: x.copy(), elementwise(1), grad=False,
       aliases=(lambda L, x: L.detach(x), lambda L, x: (x * 1).detach_(), lambda L, x: L.detach_(x * 1))),
    # in place on a non-leaf: the same values and gradients as the out-of-place op
    # PyTorch keeps zero_/fill_ on a non-leaf in the graph (zero gradient); ours cuts it
    # (test_api_surface.py: xfail), so these two are checked forward only
    Op("zero_", lambda L, x: (x * 1).zero_(), np.zeros_like, elementwise(1), grad=False,
       aliases=(lambda L, x: L.zero_(x * 1),)),
    Op("fill_", lambda L, x: (x * 1).fill_(1.5), lambda x: np.full_like(x, 1.5), elementwise(1), grad=False,
       aliases=(lambda L, x: L.fill_(x * 1, 1.5),)),
    Op("copy_", lambda L, x: L.zeros((2,) + tuple(x.shape), dtype=x.dtype).copy_(x),
       lambda x: np.broadcast_to(x, (2,) + x.shape).copy(), elementwise(1)),
    # nn.functional: activations
    Op("elu", lambda L, x: nnf(L).elu(x, alpha=0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
       elementwise(1, G1), smooth=False),
    Op("leaky_relu", lambda L, x: nnf(L).leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x),
       elementwise(1, G1), smooth=False),
    # gelu and erf: 1-D and up, the backward of a 0-d input fails (test_api_surface.py: xfail)
    Op("gelu", lambda L, x, approximate: nnf(L).gelu(x, approximate=approximate), _gelu_ref,
       elementwise(1, min_dims=1, params=lambda s: st.fixed_dictionaries({"approximate": st.sampled_from(["none", "tanh"])}))),
    Op("softplus", lambda L, x, beta, threshold: nnf(L).softplus(x, beta=beta, threshold=threshold), _softplus_ref,
       elementwise(1, G1, params=lambda s: st.sampled_from([{"beta": 1.0, "threshold": 20.0},
                                                            {"beta": 2.0, "threshold": 3.0}])), smooth=False),
    Op("silu", lambda L, x: nnf(L).silu(x), lambda x: x * _sigmoid(x), elementwise(1)),
    Op("logsigmoid", lambda L, x: nnf(L).logsigmoid(x), lambda x: -np.logaddexp(0, -x), elementwise(1)),
    Op("relu6", lambda L, x: nnf(L).relu6(x * 3), lambda x: np.clip(x * 3, 0, 6), elementwise(1, G1), smooth=False),
    Op("hardtanh", lambda L, x: nnf(L).hardtanh(x, -0.5, 2.0), lambda x: np.clip(x, -0.5, 2.0), elementwise(1, G1),
       smooth=False),
    Op("erf", lambda L, x: nnf(L).erf(x) if is_tc(L) else L.erf(x), _erf, elementwise(1, min_dims=1),
       aliases=(lambda L, x: x.erf(), lambda L, x: L.erf(x), lambda L, x: (x * 1).erf_(), lambda L, x: L.erf_(x * 1))),
    Op("softmin", lambda L, x, dim: nnf(L).softmin(x, dim), lambda x, dim: _softmax(-x, dim),
       elementwise(1, params=_dim_param)),
    Op("one_hot", lambda L, index, num_classes: nnf(L).one_hot(L.tensor(index), num_classes), _one_hot_ref,
       one_hot_case(), grad=False),
    Op("F_flatten", lambda L, x: nnf(L).flatten(x), lambda x: x.reshape(-1), elementwise(1), oracle=False),
    # nn.functional: losses
    Op("mse_loss", lambda L, a, b, reduction: nnf(L).mse_loss(a, b, reduction=reduction),
       lambda a, b, reduction: _reduce((a - b) ** 2, reduction), _pair()),
    Op("l1_loss", lambda L, a, b, reduction: nnf(L).l1_loss(a, b, reduction=reduction),
       lambda a, b, reduction: _reduce(np.abs(a - b), reduction), _pair(), smooth=False),
    Op("huber_loss", lambda L, a, b, reduction: nnf(L).huber_loss(a, b, reduction=reduction, delta=1.0),
       lambda a, b, reduction: _reduce(_huber_ref(a - b), reduction), _pair(), smooth=False),
    Op("smooth_l1_loss", lambda L, a, b, reduction: nnf(L).smooth_l1_loss(a, b, reduction=reduction, beta=1.0),
       lambda a, b, reduction: _reduce(_smooth_l1_ref(a - b), reduction), _pair(), smooth=False),
    Op("binary_cross_entropy", lambda L, p, t, reduction: nnf(L).binary_cross_entropy(p, t, reduction=reduction),
       lambda p, t, reduction: _reduce(-(t * np.log(p) + (1 - t) * np.log(1 - p)), reduction),
       _pair([(0.05, 0.95), (0.0, 1.0)])),
    Op("binary_cross_entropy_with_logits",
       lambda L, x, t, reduction: nnf(L).binary_cross_entropy_with_logits(x, t, reduction=reduction),
       lambda x, t, reduction: _reduce(-(t * -np.logaddexp(0, -x) + (1 - t) * -np.logaddexp(0, x)), reduction),
       _pair([ANY, (0.0, 1.0)])),
    Op("cross_entropy", lambda L, x, target, reduction, label_smoothing: nnf(L).cross_entropy(
        x, L.tensor(target), reduction=reduction, label_smoothing=label_smoothing), _ce_ref, ce_case()),
    Op("cross_entropy_probs", lambda L, x, p, reduction: nnf(L).cross_entropy(x, p, reduction=reduction),
       _ce_prob_ref, ce_prob_case()),
    Op("nll_loss", _nll_fn, _nll_ref, nll_case()),
    Op("kl_div", lambda L, x, t, reduction: nnf(L).kl_div(x, t, reduction=reduction), _kl_ref,
       elementwise(2, [ANY, (0.05, 1.0)], broadcast=False, min_dims=1, params=lambda s: st.fixed_dictionaries(
           {"reduction": st.sampled_from(["mean", "sum", "none", "batchmean"])}))),
]


def _norm_fn_form(L, x, p, dim, keepdim):
    if dim is None and keepdim:
        dim = tuple(range(x.ndim)) or None
    return L.norm(x, p, dim, keepdim)


# Other spellings of the rows above (function forms, method forms, alias names, in-place forms on
# a non-leaf): each must give the row's values and gradients (test_ops_table.py::test_aliases_agree).
ALIASES = {
    "add": (lambda L, a, b: L.add(a, b), lambda L, a, b: a.add(b), lambda L, a, b: _inplace(a, b, "add_"),
            lambda L, a, b: _iop(a, b, "+"), lambda L, a, b: b.__radd__(a)),
    "sub": (lambda L, a, b: L.sub(a, b), lambda L, a, b: a.sub(b), lambda L, a, b: L.subtract(a, b),
            lambda L, a, b: a.subtract(b), lambda L, a, b: _inplace(a, b, "sub_"), lambda L, a, b: _iop(a, b, "-"),
            lambda L, a, b: b.__rsub__(a)),
    "mul": (lambda L, a, b: L.mul(a, b), lambda L, a, b: a.mul(b), lambda L, a, b: L.multiply(a, b),
            lambda L, a, b: a.multiply(b), lambda L, a, b: _inplace(a, b, "mul_"), lambda L, a, b: _iop(a, b, "*"),
            lambda L, a, b: b.__rmul__(a)),
    "div": (lambda L, a, b: L.div(a, b), lambda L, a, b: a.div(b), lambda L, a, b: L.divide(a, b),
            lambda L, a, b: a.divide(b), lambda L, a, b: L.true_divide(a, b), lambda L, a, b: a.true_divide(b),
            lambda L, a, b: _inplace(a, b, "div_"), lambda L, a, b: _iop(a, b, "/"), lambda L, a, b: b.__rtruediv__(a)),
    "pow_tensor": (lambda L, a, b: a.pow(b), lambda L, a, b: b.__rpow__(a)),
    "pow_scalar": (lambda L, x, p: x.pow(p), lambda L, x, p: L.pow(x, p), lambda L, x, p: (x * 1).pow_(p)),
    "matmul": (lambda L, a, b: a.matmul(b), lambda L, a, b: b.__rmatmul__(a)),
    "neg": (lambda L, x: L.neg(x), lambda L, x: x.neg(), lambda L, x: L.negative(x), lambda L, x: x.negative(),
            lambda L, x: (x * 1).neg_(), lambda L, x: L.neg_(x * 1)),
    "abs": (lambda L, x: abs(x), lambda L, x: x.absolute(), lambda L, x: L.absolute(x), lambda L, x: (x * 1).abs_(),
            lambda L, x: L.abs_(x * 1)),
    "exp": (lambda L, x: L.exp(x), lambda L, x: (x * 1).exp_(), lambda L, x: L.exp_(x * 1)),
    "log": (lambda L, x: L.log(x),),
    "log1p": (lambda L, x: L.log1p(x),),
    "sqrt": (lambda L, x: L.sqrt(x), lambda L, x: (x * 1).sqrt_(), lambda L, x: L.sqrt_(x * 1)),
    "rsqrt": (lambda L, x: L.rsqrt(x),),
    "sin": (lambda L, x: L.sin(x),),
    "cos": (lambda L, x: x.cos(),),
    "tanh": (lambda L, x: L.tanh(x), lambda L, x: nnf(L).tanh(x), lambda L, x: (x * 1).tanh_(),
             lambda L, x: L.tanh_(x * 1)),
    "sigmoid": (lambda L, x: x.sigmoid(), lambda L, x: nnf(L).sigmoid(x), lambda L, x: (x * 1).sigmoid_(),
                lambda L, x: L.sigmoid_(x * 1)),
    "relu": (lambda L, x: L.relu(x), lambda L, x: nnf(L).relu(x), lambda L, x: (x * 1).relu_(),
             lambda L, x: L.relu_(x * 1)),
    "clamp": (lambda L, x, min, max: L.clamp(x, min, max), lambda L, x, min, max: x.clip(min, max),
              lambda L, x, min, max: (x * 1).clamp_(min, max), lambda L, x, min, max: L.clamp_(x * 1, min, max),
              lambda L, x, min, max: (x * 1).clip_(min, max), lambda L, x, min, max: L.clip_(x * 1, min, max)),
    "maximum": (lambda L, a, b: a.maximum(b),),
    "minimum": (lambda L, a, b: a.minimum(b),),
    "where": (lambda L, a, b, cond: a.where(L.tensor(cond), b),),
    "sign": (lambda L, x: L.sign(x), lambda L, x: x.sgn(), lambda L, x: L.sgn(x)),
    "mean": (lambda L, x, dim, keepdim: L.mean(x, dim, keepdim),),
    "prod": (lambda L, x, dim, keepdim: L.prod(x) if dim is None else L.prod(x, dim, keepdim),),
    "var": (lambda L, x, dim, keepdim, unbiased=None, correction=None: L.var(x, dim, unbiased, keepdim, correction),),
    "std": (lambda L, x, dim, keepdim, unbiased=None, correction=None: L.std(x, dim, unbiased, keepdim, correction),),
    "max": (lambda L, x: L.max(x),),
    "min": (lambda L, x: x.min(),),
    "max_dim": (lambda L, x, dim, keepdim: tuple(L.max(x, dim, keepdim)),),
    "min_dim": (lambda L, x, dim, keepdim: tuple(x.min(dim=dim, keepdim=keepdim)),),
    "amax": (lambda L, x, dim, keepdim: L.amax(x, dim, keepdim),),
    "amin": (lambda L, x, dim, keepdim: x.amin(dim=dim, keepdim=keepdim),),
    "argmax": (lambda L, x, dim, keepdim: L.argmax(x, dim, keepdim),),
    "argmin": (lambda L, x, dim: x.argmin(dim),),
    "logsumexp": (lambda L, x, dim, keepdim: L.logsumexp(x, dim, keepdim),),
    "norm": (_norm_fn_form,),
    "softmax": (lambda L, x, dim: L.softmax(x, dim), lambda L, x, dim: nnf(L).softmax(x, dim)),
    "log_softmax": (lambda L, x, dim: x.log_softmax(dim), lambda L, x, dim: nnf(L).log_softmax(x, dim)),
    "reshape": (lambda L, x, shape: L.reshape(x, shape), lambda L, x, shape: x.reshape_as(x.reshape(shape).detach()),
                lambda L, x, shape: x.view_as(x.reshape(shape).detach())),
    "view": (lambda L, x, shape: L.view(x, *shape) if shape else L.view(x, shape),),
    "flatten": (lambda L, x, start_dim, end_dim: L.flatten(x, start_dim, end_dim),),
    "unsqueeze": (lambda L, x, dim: L.unsqueeze(x, dim),),
    "squeeze": (lambda L, x, dim: L.squeeze(x) if dim is None else L.squeeze(x, dim),),
    "transpose": (lambda L, x, dim0, dim1: L.transpose(x, dim0, dim1), lambda L, x, dim0, dim1: x.swapaxes(dim0, dim1),
                  lambda L, x, dim0, dim1: L.swapaxes(x, dim0, dim1), lambda L, x, dim0, dim1: x.swapdims(dim0, dim1),
                  lambda L, x, dim0, dim1: L.swapdims(x, dim0, dim1)),
    "permute": (lambda L, x, dims: L.permute(x, dims),),
    "T": (lambda L, x: x.t(), lambda L, x: L.t(x)),
    "expand": (lambda L, x, sizes: L.expand(x, *sizes),),
    "repeat": (lambda L, x, sizes: L.repeat(x, *sizes) if sizes else L.repeat(x, sizes),),
    "cat": (lambda L, *xs, dim: L.concat(list(xs), dim=dim), lambda L, *xs, dim: L.concatenate(list(xs), dim=dim)),
    "chunk": (lambda L, x, chunks, dim: L.chunk(x, chunks, dim),),
    "split": (lambda L, x, size, dim: x.split(size, dim),),
    "gather": (lambda L, x, dim, index: L.gather(x, dim, L.tensor(index)),),
    "pad": (lambda L, x, **p: nnf(L).pad(x, **p),),
}



# ------------------------------------------------- other spellings of rows kept elsewhere
# The values and derivatives of these ops are rows of test_ops_math_more.py (same format); here
# only their other spellings (method, arc* names, in-place forms), each checked to agree with the
# function form in values and gradients (test_ops_table.py::test_aliases_agree).
def _forms(*forms):
    """Aliases of a one-input op by name: 'm' -> x.m(), 'L.f' -> L.f(x), 'm_' -> (x*1).m_(),
    'L.f_' -> L.f_(x*1)."""
    out = []
    for f in forms:
        if f.startswith("L."):
            name = f[2:]
            out.append((lambda L, x, _n=name: getattr(L, _n)(x * 1)) if name.endswith("_")
                       else (lambda L, x, _n=name: getattr(L, _n)(x)))
        else:
            out.append((lambda L, x, _n=f: getattr(x * 1, _n)()) if f.endswith("_")
                       else (lambda L, x, _n=f: getattr(x, _n)()))
    return tuple(out)


DIVISORS = st.sampled_from([0.75, -1.25, 2.5])  # a/b never an integer for a on the grid G1


@st.composite
def scatter_add_case(draw):
    n, m, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    index = draw(arrays((k, m), st.integers(0, n - 1).map(float))).astype(np.int64)
    return Case((draw(arrays((n, m))), draw(arrays((k, m)))), {"index": index})


@st.composite
def index_add_case(draw):
    n, m, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)), np.int64)
    return Case((draw(arrays((n, m))), draw(arrays((k, m)))), {"index": index})


def _forms_row(name, fn, gen, aliases, **kw):
    return Op(name, fn, None, gen, aliases=aliases, forms_only=True, oracle=False, **kw)


FORMS = [
    _forms_row("acos_forms", lambda L, x: L.acos(x), elementwise(1, (-0.9, 0.9)),
               _forms("arccos", "L.arccos", "acos_", "L.acos_", "arccos_", "L.arccos_")),
    _forms_row("asin_forms", lambda L, x: L.asin(x), elementwise(1, (-0.9, 0.9)),
               _forms("arcsin", "L.arcsin", "asin_", "L.asin_", "arcsin_", "L.arcsin_")),
    _forms_row("atan_forms", lambda L, x: L.atan(x), elementwise(1),
               _forms("arctan", "L.arctan", "atan_", "L.atan_", "arctan_", "L.arctan_")),
    _forms_row("asinh_forms", lambda L, x: L.asinh(x), elementwise(1), _forms("arcsinh", "L.arcsinh")),
    _forms_row("acosh_forms", lambda L, x: L.acosh(x), elementwise(1, (1.2, 3.0)), _forms("arccosh", "L.arccosh")),
    _forms_row("atanh_forms", lambda L, x: L.atanh(x), elementwise(1, (-0.9, 0.9)), _forms("arctanh", "L.arctanh")),
    _forms_row("sinh_forms", lambda L, x: L.sinh(x), elementwise(1), _forms("sinh_", "L.sinh_")),
    _forms_row("cosh_forms", lambda L, x: L.cosh(x), elementwise(1), _forms("cosh_", "L.cosh_")),
    _forms_row("erfc_forms", lambda L, x: L.erfc(x), elementwise(1, min_dims=1), _forms("erfc_", "L.erfc_")),
    _forms_row("erfinv_forms", lambda L, x: L.erfinv(x), elementwise(1, (-0.9, 0.9), min_dims=1),
               _forms("erfinv_", "L.erfinv_")),
    _forms_row("lgamma_forms", lambda L, x: L.lgamma(x), elementwise(1, POS), _forms("lgamma_", "L.lgamma_")),
    _forms_row("digamma_forms", lambda L, x: L.digamma(x), elementwise(1, POS), _forms("digamma_", "L.digamma_")),
    _forms_row("polygamma_forms", lambda L, x: L.polygamma(1, x), elementwise(1, POS),
               (lambda L, x: x.polygamma(1), lambda L, x: (x * 1).polygamma_(1))),
    _forms_row("mvlgamma_forms", lambda L, x: L.mvlgamma(x, 2), elementwise(1, (1.2, 3.0)),
               (lambda L, x: x.mvlgamma(2),)),
    _forms_row("logit_forms", lambda L, x: L.logit(x), elementwise(1, (0.05, 0.95)), _forms("logit", "logit_")),
    _forms_row("frac_forms", lambda L, x: L.frac(x), elementwise(1, G1), _forms("frac", "frac_", "L.frac_")),
    _forms_row("nan_to_num_forms", lambda L, x: L.nan_to_num(x, nan=0.5, posinf=5.0, neginf=-5.0),
               elementwise(1, SPECIAL),
               (lambda L, x: x.nan_to_num(nan=0.5, posinf=5.0, neginf=-5.0),
                lambda L, x: (x * 1).nan_to_num_(nan=0.5, posinf=5.0, neginf=-5.0),
                lambda L, x: L.nan_to_num_(x * 1, nan=0.5, posinf=5.0, neginf=-5.0))),
    _forms_row("atan2_forms", lambda L, a, b: L.atan2(a, b), elementwise(2, [G1, G2]),
               (lambda L, a, b: a.atan2(b), lambda L, a, b: L.arctan2(a, b), lambda L, a, b: a.arctan2(b),
                lambda L, a, b: _inplace(a, b, "atan2_"), lambda L, a, b: _inplace(a, b, "arctan2_"))),
    _forms_row("hypot_forms", lambda L, a, b: L.hypot(a, b), elementwise(2, [G1, G2]),
               (lambda L, a, b: a.hypot(b), lambda L, a, b: _inplace(a, b, "hypot_"))),
    _forms_row("logaddexp_forms", lambda L, a, b: L.logaddexp(a, b), elementwise(2),
               (lambda L, a, b: a.logaddexp(b),)),
    _forms_row("logaddexp2_forms", lambda L, a, b: L.logaddexp2(a, b), elementwise(2),
               (lambda L, a, b: a.logaddexp2(b),)),
    _forms_row("fmod_forms", lambda L, a, b: L.fmod(a, b), elementwise(2, [G1, DIVISORS]),
               (lambda L, a, b: a.fmod(b), lambda L, a, b: _inplace(a, b, "fmod_"))),
    _forms_row("remainder_forms", lambda L, a, b: L.remainder(a, b), elementwise(2, [G1, DIVISORS]),
               (lambda L, a, b: a.remainder(b), lambda L, a, b: _inplace(a, b, "remainder_"))),
    _forms_row("baddbmm_forms", lambda L, c, a, b: L.baddbmm(c, a, b, beta=0.5, alpha=2.0), mat_case("baddbmm"),
               (lambda L, c, a, b: c.baddbmm(a, b, beta=0.5, alpha=2.0),)),
    _forms_row("addbmm_forms", lambda L, c, a, b: L.addbmm(c, a, b, beta=0.5, alpha=2.0), mat_case("addbmm"),
               (lambda L, c, a, b: c.addbmm(a, b, beta=0.5, alpha=2.0),)),
    _forms_row("addmv_forms", lambda L, c, a, b: L.addmv(c, a, b, beta=0.5, alpha=2.0), mat_case("addmv"),
               (lambda L, c, a, b: c.addmv(a, b, beta=0.5, alpha=2.0),)),
    _forms_row("addr_forms", lambda L, c, a, b: L.addr(c, a, b, beta=0.5, alpha=2.0), mat_case("addr"),
               (lambda L, c, a, b: c.addr(a, b, beta=0.5, alpha=2.0),)),
    _forms_row("kron_forms", lambda L, a, b: L.kron(a, b), elementwise(2, max_dims=2), (lambda L, a, b: a.kron(b),)),
    _forms_row("diff_forms", lambda L, x: L.diff(x, dim=-1), elementwise(1, min_dims=1),
               (lambda L, x: x.diff(dim=-1),)),
    _forms_row("repeat_interleave_forms", lambda L, x: L.repeat_interleave(x, 2, dim=0), elementwise(1, min_dims=1),
               (lambda L, x: x.repeat_interleave(2, dim=0),)),
    _forms_row("scatter_add_forms", lambda L, x, src, index: L.scatter_add(x, 0, L.tensor(index), src),
               scatter_add_case(), (lambda L, x, src, index: x.scatter_add(0, L.tensor(index), src),)),
    _forms_row("index_add_forms", lambda L, x, src, index: L.index_add(x, 0, L.tensor(index), src),
               index_add_case(), (lambda L, x, src, index: x.index_add(0, L.tensor(index), src),)),
]

OPS = OPS + MORE_OPS + FORMS
assert set(ALIASES) <= {op.name for op in OPS}, set(ALIASES) - {op.name for op in OPS}
OPS = [replace(op, aliases=op.aliases + ALIASES.get(op.name, ())) for op in OPS]

BY_NAME = {op.name: op for op in OPS}
assert len(BY_NAME) == len(OPS), "duplicate op names in the table"


def params(ops, test):
    """``ops`` for ``pytest.mark.parametrize`` in test function ``test``: known bugs as strict xfails."""
    return [pytest.param(op, marks=pytest.mark.xfail(strict=True, reason=op.xfail[test])) if test in op.xfail else op
            for op in ops]


def outputs(res):
    """An op's result as a list (tuples such as max(dim)'s (values, indices) flattened)."""
    return list(res) if isinstance(res, (tuple, list)) else [res]

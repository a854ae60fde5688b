"""The op table: one declarative row per op, shared by test_ops_table.py (NumPy and finite
differences) and test_oracle_core.py (PyTorch).

A row gives the op as ``fn(L, *tensors, **params)`` where ``L`` is the library module
(``tinygrad_course`` or ``torch``: one callable serves both), a NumPy reference
``ref(*arrays, **params)``, and ``gen``: a Hypothesis strategy drawing a ``Case`` (the input
arrays, float64, and the op's parameters). Non-smooth ops draw inputs away from their kinks
(distinct values on a grid that avoids 0 and the clamp bounds). Adding an op = adding a row.
"""
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_course as tc
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


def _torch_or_tc_pad(L):
    return L.pad if L is tc else L.nn.functional.pad


def _ix(L, idx):
    """An index tuple for library L: ('t', array) entries become L tensors, arrays stay arrays."""
    out = []
    for i in idx:
        if isinstance(i, tuple) and len(i) == 2 and i[0] == "t":
            out.append(L.tensor(i[1]))
        elif isinstance(i, np.ndarray) and L is not tc:
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

BY_NAME = {op.name: op for op in OPS}
assert len(BY_NAME) == len(OPS), "duplicate op names in the table"


def outputs(res):
    """An op's result as a list (tuples such as max(dim)'s (values, indices) flattened)."""
    return list(res) if isinstance(res, (tuple, list)) else [res]

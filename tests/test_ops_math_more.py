"""Issue 8, "math the textbooks use": hyperbolic / inverse trigonometric functions, atan2, hypot,
logaddexp, logit, frac, fmod, remainder, nan_to_num, erf/erfc/erfinv, lgamma/digamma/polygamma/
mvlgamma, scatter/scatter_add/index_add, repeat_interleave, cross, cdist, kron, baddbmm & co,
diff, take_along_dim, masked_fill; bincount, histc, bucketize, searchsorted, argwhere.

Rows in the op table's format (tests/op_table.py helpers): forward vs NumPy / the standard
library in float64 and float32, gradient and double backward vs finite differences (float64,
Hypothesis-drawn shapes and values), and the same rows against PyTorch (values, result dtypes,
first and second derivatives). Then integer/bool result dtypes, special values, error kinds and
the non-differentiable counting ops against PyTorch."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_table import (
    ANY,
    AWAY0,
    Case,
    Op,
    arrays,
    elementwise,
    grid,
    outputs,
    small_shapes,
)

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck

# ------------------------------------------------------------------------------ references
_lgamma = np.vectorize(math.lgamma, otypes=[float])
_erf = np.vectorize(math.erf, otypes=[float])
_erfc = np.vectorize(math.erfc, otypes=[float])


def _mp(fn):
    """A reference from mpmath (shipped with sympy, a PyTorch dependency); skipped without it."""
    def ref(x, **kw):
        mpmath = pytest.importorskip("mpmath")
        return np.vectorize(lambda v: float(fn(mpmath, v, **kw)), otypes=[float])(x)

    return ref


def _mvlgamma(x, p):
    return sum(_lgamma(x - i / 2) for i in range(p)) + p * (p - 1) / 4 * math.log(math.pi)


def _cdist(a, b, p):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    return (d**p).sum(-1) ** (1 / p)


def _baddbmm(x, b1, b2, beta, alpha):
    return (beta * x if beta else 0) + alpha * (b1 @ b2)


# ------------------------------------------------------------------------------ generators
GRID = grid()  # k/8 + 1/16: never an integer, never 0
DIVISORS = st.sampled_from([0.7, -1.3, 1.9, -2.3])  # grid / divisor is never an integer


def _p(**choices):
    return lambda shape: st.fixed_dictionaries({k: st.sampled_from(v) for k, v in choices.items()})


@st.composite
def scatter_case(draw, unique=True):
    """self (m, n), src at least index-shaped, dim, and an index (distinct targets along dim
    when ``unique``: the replace-scatter's derivative is only defined then)."""
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dim = draw(st.sampled_from([0, 1, -1]))
    d = dim % 2
    size = (m, n)
    k = draw(st.integers(1, size[d]))
    q = draw(st.integers(1, size[1 - d]))
    ishape = (k, q) if d == 0 else (q, k)
    if unique:
        keys = np.asarray(draw(arrays(size, unique=True)))
        idx = np.argsort(keys, axis=d)[: ishape[0], : ishape[1]]
    else:
        idx = np.asarray(draw(st.lists(st.integers(0, size[d] - 1), min_size=k * q, max_size=k * q))).reshape(ishape)
    sshape = tuple(s + draw(st.integers(0, 1)) for s in ishape)
    return Case((draw(arrays(size)), draw(arrays(sshape))), {"dim": dim, "index": idx.astype(np.int64)})


def _at(index, dim):
    # np.put_along_axis would broadcast a short index over the other dims; scatter does not
    grids = list(np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[dim % 2] = index
    return tuple(grids)


def _scatter_ref(x, src, dim, index):
    out = x.copy()
    out[_at(index, dim)] = src[: index.shape[0], : index.shape[1]]
    return out


def _scatter_add_ref(x, src, dim, index):
    out = x.copy()
    np.add.at(out, _at(index, dim), src[: index.shape[0], : index.shape[1]])
    return out


@st.composite
def index_add_case(draw):
    shape = draw(small_shapes(1, 3))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    d = dim % len(shape)
    k = draw(st.integers(0, 3))
    idx = np.asarray(draw(st.lists(st.integers(0, shape[d] - 1), min_size=k, max_size=k)), np.int64)
    sshape = shape[:d] + (k,) + shape[d + 1:]
    return Case((draw(arrays(shape)), draw(arrays(sshape))),
                {"dim": dim, "index": idx, "alpha": draw(st.sampled_from([1, 2.5]))})


def _index_add_ref(x, src, dim, index, alpha):
    out = x.copy()
    np.add.at(out, (slice(None),) * (dim % x.ndim) + (index,), alpha * src)
    return out


@st.composite
def repeat_interleave_case(draw):
    shape = draw(small_shapes(0, 3))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1))) if shape else None
    n = int(np.prod(shape)) if dim is None else shape[dim]
    reps = draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    return Case((draw(arrays(shape)),), {"repeats": reps, "dim": dim})


def _ri_fn(L, x, repeats, dim):
    r = L.tensor(repeats) if isinstance(repeats, list) else repeats
    return L.repeat_interleave(x, r, dim=dim)


@st.composite
def cross_case(draw):
    base = list(draw(small_shapes(1, 3)))
    d = draw(st.integers(0, len(base) - 1))
    base[d] = 3
    other = [1 if draw(st.booleans()) and i != d else s for i, s in enumerate(base)]
    return Case((draw(arrays(tuple(base))), draw(arrays(tuple(other)))),
                {"dim": draw(st.sampled_from([d, d - len(base)]))})


@st.composite
def cdist_case(draw):
    batch = draw(st.sampled_from([(), (2,)]))
    p, r, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    # two grids never tie: no zero coordinate difference, so no kink of |.| and no zero distance
    a = draw(arrays(batch + (p, m), grid(1 / 16)))
    b = draw(arrays(batch + (r, m), grid(1 / 32)))
    return Case((a, b), {"p": draw(st.sampled_from([1.0, 2.0, 3.0]))})


@st.composite
def two_small(draw):
    return Case((draw(arrays(draw(small_shapes(0, 3, 2)))), draw(arrays(draw(small_shapes(0, 3, 2))))))


@st.composite
def baddbmm_case(draw, kind="baddbmm"):
    b, n, m, p = (draw(st.integers(1, 3)) for _ in range(4))
    params = {"beta": draw(st.sampled_from([1, 0.5, 0])), "alpha": draw(st.sampled_from([1, 2.0]))}
    if kind == "baddbmm":
        shapes = [(b, n, p)[draw(st.integers(0, 3)):], (b, n, m), (b, m, p)]
    elif kind == "addbmm":
        shapes = [(n, p)[draw(st.integers(0, 2)):], (b, n, m), (b, m, p)]
    elif kind == "addmv":
        shapes = [(n,)[draw(st.integers(0, 1)):], (n, m), (m,)]
    else:  # addr
        shapes = [(n, p)[draw(st.integers(0, 2)):], (n,), (p,)]
    return Case(tuple(draw(arrays(s)) for s in shapes), params)


@st.composite
def diff_case(draw):
    shape = draw(small_shapes(1, 3))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    d = dim % len(shape)
    arrs = [draw(arrays(shape))]
    params = {"n": draw(st.integers(0, 3)), "dim": dim}
    for name in ("prepend", "append"):
        if draw(st.booleans()):
            s = list(shape)
            s[d] = draw(st.integers(1, 2))
            arrs.append(draw(arrays(tuple(s))))
            params[name] = len(arrs) - 1
    return Case(tuple(arrs), params)


def _diff_fn(L, x, *extra, n, dim, prepend=None, append=None):
    pre = extra[prepend - 1] if prepend else None
    app = extra[append - 1] if append else None
    return L.diff(x, n=n, dim=dim, prepend=pre, append=app)


def _diff_ref(x, *extra, n, dim, prepend=None, append=None):
    kw = {}
    if prepend:
        kw["prepend"] = extra[prepend - 1]
    if append:
        kw["append"] = extra[append - 1]
    return np.diff(x, n=n, axis=dim, **kw)


@st.composite
def take_along_case(draw):
    shape = draw(small_shapes(1, 3))
    dim = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    if dim is None:
        n = int(np.prod(shape))
        ishape = (draw(st.integers(1, 4)),)
    else:
        n = shape[dim]
        ishape = tuple(draw(st.sampled_from([1, s])) for s in shape)
        ishape = ishape[:dim % len(shape)] + (draw(st.integers(1, 3)),) + ishape[dim % len(shape) + 1:]
        shape = tuple(draw(st.sampled_from([1, s])) if i != dim % len(shape) and ishape[i] != 1 else s
                      for i, s in enumerate(shape))
    k = int(np.prod(ishape))
    idx = np.asarray(draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)), np.int64).reshape(ishape)
    return Case((draw(arrays(shape)),), {"index": idx, "dim": dim})


def _take_ref(x, index, dim):
    if dim is None:
        return np.take_along_axis(x.reshape(-1), index.reshape(-1), 0)
    return np.take_along_axis(x, index, dim)


@st.composite
def masked_fill_case(draw):
    shape = draw(small_shapes(0, 3))
    mask = np.asarray(draw(st.lists(st.booleans(), min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))),
                      bool).reshape(shape)
    return Case((draw(arrays(shape)), draw(arrays(()))), {"mask": mask})


def _unary(name, domain=ANY, ref=None, **kw):
    fn = getattr(np, {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
                      "acosh": "arccosh", "atanh": "arctanh"}.get(name, name), None)
    return Op(name, lambda L, x: getattr(L, name)(x), ref or fn, elementwise(1, domain),
              aliases=(lambda L, x: getattr(x, name)(),), **kw)


ROWS = [
    _unary("sinh"), _unary("cosh"), _unary("atan"), _unary("asinh"),
    _unary("asin", (-0.9, 0.9)), _unary("acos", (-0.9, 0.9)), _unary("atanh", (-0.9, 0.9)),
    _unary("acosh", (1.1, 3.0)),
    _unary("erf", ref=_erf), _unary("erfc", ref=_erfc),
    _unary("erfinv", (-0.95, 0.95), ref=_mp(lambda mp, v: mp.erfinv(v)), fwd_rtol32=1e-4),
    _unary("lgamma", GRID, ref=_lgamma),
    _unary("digamma", GRID, ref=_mp(lambda mp, v: mp.digamma(v))),
    Op("polygamma", lambda L, x, n: L.polygamma(n, x), _mp(lambda mp, v, n: mp.polygamma(n, v)),
       elementwise(1, GRID, params=_p(n=[0, 1, 2, 3])), fwd_rtol32=1e-4),
    Op("mvlgamma", lambda L, x, p: L.mvlgamma(x, p), _mvlgamma, elementwise(1, (1.2, 4.0), params=_p(p=[1, 2, 3]))),
    Op("atan2", lambda L, a, b: L.atan2(a, b), np.arctan2, elementwise(2, [AWAY0, ANY])),
    Op("hypot", lambda L, a, b: L.hypot(a, b), np.hypot, elementwise(2, [AWAY0, AWAY0])),
    Op("logaddexp", lambda L, a, b: L.logaddexp(a, b), np.logaddexp, elementwise(2)),
    Op("logaddexp2", lambda L, a, b: L.logaddexp2(a, b), np.logaddexp2, elementwise(2)),
    Op("logit", lambda L, x, eps: L.logit(x, eps), lambda x, eps: np.log(x / (1 - x)),
       elementwise(1, (0.05, 0.95), params=_p(eps=[None, 0.01]))),
    Op("frac", lambda L, x: L.frac(x), lambda x: x - np.trunc(x), elementwise(1, GRID), smooth=False),
    Op("fmod", lambda L, a, b: L.fmod(a, b), np.fmod, elementwise(2, [GRID, DIVISORS]), smooth=False),
    Op("fmod_scalar", lambda L, a, b: L.fmod(a, b), lambda a, b: np.fmod(a, b),
       elementwise(1, GRID, params=_p(b=[0.7, -1.3])),
       smooth=False),
    Op("remainder", lambda L, a, b: L.remainder(a, b), np.mod, elementwise(2, [GRID, DIVISORS]), smooth=False),
    Op("remainder_scalar_left", lambda L, b: L.remainder(2.5, b), lambda b: np.mod(2.5, b),
       elementwise(1, DIVISORS), smooth=False),
    Op("nan_to_num", lambda L, x: L.nan_to_num(x), np.nan_to_num, elementwise(1)),
    Op("scatter", lambda L, x, src, dim, index: L.scatter(x, dim, L.tensor(index), src), _scatter_ref,
       scatter_case(), aliases=(lambda L, x, src, dim, index: (x * 1).scatter_(dim, L.tensor(index), src),)),
    Op("scatter_value", lambda L, x, src, dim, index: x.scatter(dim, L.tensor(index), 1.5),
       lambda x, src, dim, index: _scatter_ref(x, np.full(src.shape, 1.5), dim, index), scatter_case()),
    Op("scatter_add", lambda L, x, src, dim, index: L.scatter_add(x, dim, L.tensor(index), src), _scatter_add_ref,
       scatter_case(unique=False),
       aliases=(lambda L, x, src, dim, index: (x * 1).scatter_add_(dim, L.tensor(index), src),)),
    Op("index_add", lambda L, x, src, dim, index, alpha: L.index_add(x, dim, L.tensor(index), src, alpha=alpha),
       _index_add_ref, index_add_case(),
       aliases=(lambda L, x, src, dim, index, alpha: (x * 1).index_add_(dim, L.tensor(index), src, alpha=alpha),)),
    Op("repeat_interleave", _ri_fn, lambda x, repeats, dim: np.repeat(x, repeats, axis=dim), repeat_interleave_case()),
    Op("cross", lambda L, a, b, dim: L.cross(a, b, dim=dim), lambda a, b, dim: np.cross(a, b, axis=dim), cross_case(),
       aliases=(lambda L, a, b, dim: a.cross(b, dim=dim),)),
    Op("cdist", lambda L, a, b, p: L.cdist(a, b, p=p), _cdist, cdist_case(), smooth=False),
    Op("kron", lambda L, a, b: L.kron(a, b), np.kron, two_small()),
    Op("baddbmm", lambda L, x, a, b, beta, alpha: L.baddbmm(x, a, b, beta=beta, alpha=alpha), _baddbmm,
       baddbmm_case()),
    Op("addbmm", lambda L, x, a, b, beta, alpha: L.addbmm(x, a, b, beta=beta, alpha=alpha),
       lambda x, a, b, beta, alpha: (beta * x if beta else 0) + alpha * (a @ b).sum(0), baddbmm_case("addbmm")),
    Op("addmv", lambda L, x, a, b, beta, alpha: L.addmv(x, a, b, beta=beta, alpha=alpha), _baddbmm,
       baddbmm_case("addmv")),
    Op("addr", lambda L, x, a, b, beta, alpha: L.addr(x, a, b, beta=beta, alpha=alpha),
       lambda x, a, b, beta, alpha: (beta * x if beta else 0) + alpha * np.outer(a, b), baddbmm_case("addr")),
    Op("diff", _diff_fn, _diff_ref, diff_case()),
    Op("take_along_dim", lambda L, x, index, dim: L.take_along_dim(x, L.tensor(index), dim), _take_ref,
       take_along_case()),
    Op("masked_fill", lambda L, x, v, mask: x.masked_fill(L.tensor(mask), v),
       lambda x, v, mask: np.where(mask, v, x), masked_fill_case()),
]
SECOND = [r for r in ROWS if r.second_order]


def _leaves(L, case, dtype=None):
    return [L.tensor(a, dtype=dtype or L.float64, requires_grad=True) for a in case.arrays]


# ---------------------------------------------------------------------- vs NumPy and finite differences
@pytest.mark.parametrize("op", ROWS, ids=str)
@given(data=st.data())
def test_forward_matches_reference(op, data):
    case = data.draw(op.gen, label="case")
    for dt, rtol, atol in ((tc.float64, 1e-10, 1e-12), (tc.float32, op.fwd_rtol32, 1e-5)):
        xs = [tc.tensor(a, dtype=dt) for a in case.arrays]
        got = outputs(op.fn(tc, *xs, **case.params))
        want = outputs(op.ref(*[x.numpy().astype(np.float64) for x in xs], **case.params))
        for g, w in zip(got, want):
            w = np.asarray(w)
            assert g.dtype == dt and not g.requires_grad
            assert tuple(g.shape) == w.shape, (g.shape, w.shape)
            np.testing.assert_allclose(g.numpy(), w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("op", ROWS, ids=str)
@given(data=st.data())
def test_gradient_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradcheck(lambda *xs: op.fn(tc, *xs, **case.params), _leaves(tc, case))


@pytest.mark.parametrize("op", SECOND, ids=str)
@given(data=st.data())
def test_double_backward_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradgradcheck(lambda *xs: op.fn(tc, *xs, **case.params), _leaves(tc, case))


@pytest.mark.parametrize("op", [r for r in ROWS if r.aliases], ids=str)
@given(data=st.data())
def test_method_and_inplace_forms_agree(op, data):
    case = data.draw(op.gen, label="case")
    results = []
    for fn in (op.fn,) + op.aliases:
        xs = _leaves(tc, case)
        out = outputs(fn(tc, *xs, **case.params))[0]
        w = np.random.default_rng(0).standard_normal(out.shape)
        grads = tc.autograd.grad((out * tc.tensor(w)).sum(), xs, allow_unused=True)
        results.append((out.detach().numpy(), [None if g is None else g.numpy() for g in grads]))
    for value, grads in results[1:]:
        np.testing.assert_allclose(value, results[0][0], rtol=1e-12, atol=1e-12)
        for g, g0 in zip(grads, results[0][1]):
            np.testing.assert_allclose(g, g0, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------- vs PyTorch
def _np(t):
    return None if t is None else t.detach().numpy(force=True) if hasattr(t, "grad_fn") else np.asarray(t)


def _src_beyond_index(case):
    return case.arrays[1].shape != case.params["index"].shape


# How far PyTorch 2.13 itself differentiates a row (0: values only, 1: first derivatives); ours
# goes further: remainder(number, tensor) has no derivative there ("not implemented"), scatter's
# gradient for a src larger than index has the index's shape there (its backward then fails), and
# cdist's backward is not differentiable there.
TORCH_ORDER = {
    "remainder_scalar_left": lambda case: 0,
    "scatter": lambda case: 0 if _src_beyond_index(case) else 2,
    "scatter_add": lambda case: 0 if _src_beyond_index(case) else 2,
    "cdist": lambda case: 1,
}


def _derivatives(L, op, case, order=2):
    """Values, weighted first derivatives and the derivative of <first derivatives, v>."""
    xs = _leaves(L, case)
    res = outputs(op.fn(L, *xs, **case.params))
    if order == 0:
        return ([_np(o) for o in res],)
    rng = np.random.default_rng(0)
    loss = sum((o * L.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in res)
    gs = L.autograd.grad(loss, xs, create_graph=True, allow_unused=True)
    first = [np.zeros(tuple(x.shape)) if g is None else _np(g) for g, x in zip(gs, xs)]
    if order == 1:
        return [_np(o) for o in res], first
    terms = [(g * L.tensor(rng.standard_normal(tuple(x.shape)))).sum() for g, x in zip(gs, xs)
             if g is not None and g.requires_grad]
    second = [np.zeros(tuple(x.shape)) for x in xs]
    if terms and op.second_order:
        hs = L.autograd.grad(sum(terms), xs, allow_unused=True)
        second = [np.zeros(tuple(x.shape)) if h is None else _np(h) for h, x in zip(hs, xs)]
    return [_np(o) for o in res], first, second


@pytest.mark.oracle
@pytest.mark.parametrize("op", ROWS, ids=str)
@given(data=st.data())
def test_values_gradients_and_second_derivatives_match_torch(op, data):
    torch = pytest.importorskip("torch")
    case = data.draw(op.gen, label="case")
    order = TORCH_ORDER.get(op.name, lambda c: 2)(case)
    for ours, theirs, what in zip(_derivatives(tc, op, case, order), _derivatives(torch, op, case, order),
                                  ("value", "gradient", "second derivative")):
        for a, b in zip(ours, theirs):
            assert a.shape == b.shape, (what, a.shape, b.shape)
            # PyTorch's own trigamma is accurate to ~5e-10 only (ours: ~1e-13, checked vs mpmath above)
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-9, err_msg=what)
    xs32 = [tc.tensor(a, dtype=tc.float32) for a in case.arrays]
    ts32 = [torch.tensor(a, dtype=torch.float32) for a in case.arrays]
    for o, t in zip(outputs(op.fn(tc, *xs32, **case.params)), outputs(op.fn(torch, *ts32, **case.params))):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]

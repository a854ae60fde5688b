"""PyTorch's keyword aliases and spellings: ``axis``/``keepdims``, ``out=``, factory keywords, indexing.

Behaviour is compared with PyTorch (``oracle``); the gradients of what is new here
(``meshgrid``, indexing with ranges/nested lists) are checked by finite differences.
"""
import warnings

import numpy as np
import pytest

import tinygrad_course as tc

X = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7.0 - 1.0

# op -> extra keyword arguments; each takes ``dim`` (and ``keepdim`` where REDUCTIONS says so)
DIM_OPS = {
    "sum": {}, "mean": {}, "prod": {}, "var": {}, "std": {}, "amax": {}, "amin": {}, "max": {}, "min": {},
    "argmax": {}, "argmin": {}, "logsumexp": {}, "nansum": {}, "all": {}, "any": {},
    "cumsum": {}, "cumprod": {}, "softmax": {}, "log_softmax": {}, "count_nonzero": {},
    "squeeze": {}, "unsqueeze": {}, "chunk": {"chunks": 2}, "unbind": {}, "sort": {}, "argsort": {},
    "topk": {"k": 1}, "index_select": {"index": [0]},
}
REDUCTIONS = {"sum", "mean", "prod", "var", "std", "amax", "amin", "max", "min", "argmax", "argmin", "logsumexp",
              "nansum", "all", "any"}


def _np(r):
    if isinstance(r, (tuple, list)):
        return [_np(v) for v in r]
    return np.asarray(r.detach().numpy() if hasattr(r, "detach") else r)


def _same(a, b):
    a, b = _np(a), _np(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a.shape == b.shape and np.allclose(a, b, equal_nan=True)


def _args(lib, kw):
    return {k: lib.tensor(v) if k == "index" else v for k, v in kw.items()}


@pytest.mark.parametrize("op", sorted(DIM_OPS))
def test_axis_is_dim_and_keepdims_is_keepdim(op):
    x = tc.tensor(X)
    if op in ("all", "any"):
        x = x > 0
    kw = _args(tc, DIM_OPS[op])
    extra = {"keepdim": True} if op in REDUCTIONS else {}
    alias = {"keepdims": True} if op in REDUCTIONS else {}
    for fn in (getattr(x, op), lambda **k: getattr(tc, op)(x, **k)):
        assert _same(fn(axis=1, **alias, **kw), fn(dim=1, **extra, **kw))


@pytest.mark.oracle
@pytest.mark.parametrize("op", sorted(DIM_OPS))
def test_aliases_match_torch(op):
    torch = pytest.importorskip("torch")
    x, tx = tc.tensor(X), torch.tensor(X)
    if op in ("all", "any"):
        x, tx = x > 0, tx > 0
    alias = {"keepdims": True} if op in REDUCTIONS else {}
    ours = getattr(x, op)(axis=1, **alias, **_args(tc, DIM_OPS[op]))
    theirs = getattr(tx, op)(axis=1, **alias, **_args(torch, DIM_OPS[op]))
    assert _same(ours, theirs)
    ours = getattr(tc, op)(x, axis=-1, **_args(tc, DIM_OPS[op]))
    theirs = getattr(torch, op)(tx, axis=-1, **_args(torch, DIM_OPS[op]))
    assert _same(ours, theirs)


@pytest.mark.oracle
def test_cat_and_stack_take_axis_like_torch():
    torch = pytest.importorskip("torch")
    a, ta = tc.tensor(X), torch.tensor(X)
    for name in ("cat", "stack", "concat"):
        assert _same(getattr(tc, name)([a, a], axis=2), getattr(torch, name)([ta, ta], axis=2))


def test_aliases_differentiate():
    x = tc.tensor(X, requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: t.logsumexp(axis=0, keepdims=True), (x,))
    assert tc.autograd.gradgradcheck(lambda t: tc.softmax(t, axis=-1), (x,))


@pytest.mark.oracle
def test_where_torch_has_no_alias_neither_do_we():
    torch = pytest.importorskip("torch")
    x, tx = tc.tensor(X), torch.tensor(X)
    # Python-level in PyTorch (no argument parser): axis is refused there, so here too
    for ours, theirs in ((lambda: x.norm(axis=0), lambda: tx.norm(axis=0)),
                         (lambda: x.split(1, axis=0), lambda: tx.split(1, axis=0)),
                         (lambda: tc.nn.functional.softmax(x, axis=0), lambda: torch.nn.functional.softmax(tx, axis=0))):
        with pytest.raises(TypeError):
            theirs()
        with pytest.raises(TypeError):
            ours()


def test_dim_and_axis_together_is_a_type_error():
    with pytest.raises(TypeError, match="sum.*axis"):
        tc.sum(tc.ones(2), dim=0, axis=0)


def test_signature_shows_the_aliases():
    import inspect

    assert {"axis", "keepdims"} <= set(inspect.signature(tc.Tensor.sum).parameters)
    assert {"axis", "keepdims", "out"} <= set(inspect.signature(tc.sum).parameters)
    assert "out" in inspect.signature(tc.matmul).parameters


# ------------------------------------------------------------------------------------------ out=
@pytest.mark.oracle
@pytest.mark.parametrize("name,args", [
    ("add", (X, 2.0)), ("mul", (X, X)), ("matmul", (X, np.ones((4, 2)))), ("exp", (X,)), ("sum", (X, 1)),
    ("cat", ([X, X],)), ("stack", ([X, X], 1)), ("maximum", (X, X * 0)), ("clamp", (X, 0.0)),
])
def test_out_writes_in_place_and_returns_out(name, args):
    torch = pytest.importorskip("torch")

    def conv(lib, a):
        if isinstance(a, list):
            return [conv(lib, v) for v in a]
        return lib.tensor(a) if isinstance(a, np.ndarray) else a

    expected = getattr(torch, name)(*[conv(torch, a) for a in args])
    out = tc.empty(*expected.shape, dtype=tc.float64)
    view = out.view(-1)  # shares memory: an in-place write shows through it
    r = getattr(tc, name)(*[conv(tc, a) for a in args], out=out)
    assert r is out and _same(out, expected)
    assert np.shares_memory(view.numpy(), out.numpy()) and _same(view, expected.reshape(-1))


@pytest.mark.oracle
def test_out_is_resized_as_torch_resizes_it():
    torch = pytest.importorskip("torch")
    a = np.ones((2, 2))
    for lib in (tc, torch):
        empty = lib.empty(0, dtype=lib.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a zero-element out is resized silently
            lib.add(lib.tensor(a), 1, out=empty)
        assert tuple(empty.shape) == (2, 2)
        wrong = lib.empty(5, dtype=lib.float64)
        with pytest.warns(UserWarning, match="resized"):
            r = lib.mm(lib.tensor(a), lib.tensor(a), out=wrong)
        assert r is wrong and tuple(wrong.shape) == (2, 2) and wrong.numpy()[0, 0] == 2.0


@pytest.mark.oracle
def test_out_dtype_rules_match_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        x = lib.ones(2)
        with pytest.raises(RuntimeError, match="can't be cast"):
            lib.mul(x, x, out=lib.empty(2, dtype=lib.int64))  # float -> integer refused
        with pytest.raises(RuntimeError, match="can't be cast"):
            lib.add(x, x, out=lib.empty(2, dtype=lib.bool))
        o = lib.empty(2, dtype=lib.float64)
        lib.add(x, x, out=o)  # float32 -> float64 allowed
        assert o.dtype == lib.float64 and o.tolist() == [2.0, 2.0]
        o = lib.empty(2, dtype=lib.int64)
        lib.eq(x, x, out=o)  # bool -> integer allowed
        assert o.tolist() == [1, 1]


@pytest.mark.oracle
def test_out_refuses_autograd_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.add(x, 1, out=lib.empty(2))
        with lib.no_grad():
            o = lib.empty(2)
            lib.add(x, 1, out=o)
        assert o.tolist() == [2.0, 2.0] and not o.requires_grad


@pytest.mark.oracle
def test_tuple_out_for_values_and_indices():
    torch = pytest.importorskip("torch")
    x, tx = tc.tensor(X), torch.tensor(X)
    v, i = tc.empty(0, dtype=tc.float64), tc.empty(0, dtype=tc.int64)
    r = tc.max(x, 1, out=(v, i))
    tv, ti = torch.max(tx, 1)
    assert r.values is v and r.indices is i and _same(v, tv) and _same(i, ti)
    v, i = tc.empty(0, dtype=tc.float64), tc.empty(0, dtype=tc.int64)
    tc.sort(x, dim=0, descending=True, out=(v, i))
    assert _same((v, i), torch.sort(tx, dim=0, descending=True))


def test_out_on_factories():
    o = tc.empty(0)
    assert tc.zeros(2, 3, out=o) is o and o.shape == (2, 3) and o.sum().item() == 0
    tc.manual_seed(0)
    o = tc.empty(0)
    r = tc.normal(0.0, 1.0, size=(4,), out=o)
    assert r is o and o.shape == (4,)


# ---------------------------------------------------------------------------------- factories
@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "zeros(size=(2, 3))", "ones(size=[2])", "empty(size=(2,))", "rand(size=(2, 1))", "randn(size=(1, 2))",
    "randint(0, 10, size=(2,))", "full(size=(2,), fill_value=1.5)", "zeros(2, 3, dtype={m}.float64)",
    "arange(5.0, requires_grad=True)", "linspace(0, 1, 5, dtype={m}.float64, device='cpu')",
    "normal(0., 1., size=(2, 3), requires_grad=True)", "normal(0., 1., (2,), dtype={m}.float64)",
    "normal({m}.zeros(3), 1.)", "normal(mean={m}.zeros(3), std={m}.ones(3))",
    "zeros_like({m}.ones(2, dtype={m}.float64), device='cpu')", "ones_like({m}.ones(2), requires_grad=True)",
    "full_like({m}.ones(2), 2, device='cpu')", "rand_like({m}.ones(2, 3), device='cpu')",
    "randn_like({m}.ones(2), requires_grad=True)", "empty_like({m}.ones(3, dtype={m}.int64), device='cpu')",
    "randint_like({m}.ones(2, 3), 10)", "randint_like({m}.ones(2, 3), 3, 10)", "randint_like({m}.ones(2), high=10)",
    "randperm(4, device='cpu')", "logspace(0, 1, 3, device='cpu')", "eye(2, requires_grad=True)",
    "ones(2).new_zeros(2, device='cpu', requires_grad=True)", "ones(2).new_zeros(size=(2,))",
    "ones(2).new_ones((2, 3))", "ones(2).new_full((2,), 3.0, device='cpu')", "ones(2).new_empty(size=(2,))",
    "ones(2).new_tensor([1, 2], device='cpu')", "tensor([1, 2], dtype={m}.float64, device='cpu', requires_grad=True)",
])
def test_factory_keywords_match_torch(call):
    torch = pytest.importorskip("torch")
    ours = eval("tc." + call.format(m="tc"))
    theirs = eval("torch." + call.format(m="torch"))
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert ours.requires_grad == theirs.requires_grad


@pytest.mark.oracle
@pytest.mark.parametrize("call", [
    "zeros(2, size=(2,))", "randint_like({m}.ones(2, dtype={m}.int64), 10, requires_grad=True)",
    "arange(5, requires_grad=True)", "normal({m}.zeros(2), {m}.ones(2), requires_grad=True)",
])
def test_factory_misuse_raises_like_torch(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        eval("torch." + call.format(m="torch"))
    with pytest.raises(theirs.type):
        eval("tc." + call.format(m="tc"))


def test_randint_like_values_respect_the_bounds():
    tc.manual_seed(1)
    r = tc.randint_like(tc.ones(1000), 3)
    assert r.dtype == tc.float32 and set(np.unique(r.numpy())) == {0.0, 1.0, 2.0}
    r = tc.randint_like(tc.ones(1000, dtype=tc.int64), 5, 7)
    assert set(np.unique(r.numpy())) == {5, 6}


# ----------------------------------------------------------------------------------- indexing
INDEXES = [
    "range(2)", "[0, 1]", "[[0, 1], [1, 0]]", "(range(2), [0, 2])", "(0, range(1, 3))", "((0, 1),)",
    "[range(2)]", "[[0, 1]]", "[slice(None), [0, 2]]", "[0, None]", "[[0, 1], [0, 1], [2, 3]]",
    "(range(0, 2), slice(1, 3))", "(Ellipsis, [0, 3])", "([[0], [1]], [0, 2])", "[True, False]",
    "(1, [0, 1], [1, 2])", "[]",
]


@pytest.mark.oracle
@pytest.mark.parametrize("index", INDEXES)
def test_indexing_with_python_sequences_matches_torch(index):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's deprecation warning for list-as-tuple
        expected = torch.tensor(X)[eval(index)]
    assert _same(tc.tensor(X)[eval(index)], expected)
    # and assignment takes the same index
    ours, theirs = tc.tensor(X), torch.tensor(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs[eval(index)] = -5.0
    ours[eval(index)] = -5.0
    assert _same(ours, theirs)


@pytest.mark.oracle
def test_ragged_index_is_a_type_error_like_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.tensor(X)[[[0, [1]]]]
    with pytest.raises(TypeError, match="ragged"):
        tc.tensor(X)[[[0, [1]]]]


@pytest.mark.parametrize("index", ["range(2)", "[[0, 1], [1, 0]]", "(range(2), [0, 2])", "[[0, 0, 1]]"])
def test_indexing_with_sequences_differentiates(index):
    x = tc.tensor(X, requires_grad=True)
    assert tc.autograd.gradcheck(lambda t: t[eval(index)] * 2.0, (x,))
    assert tc.autograd.gradgradcheck(lambda t: t[eval(index)] ** 2, (x,))


# ----------------------------------------------------------------------------- meshgrid, etc.
@pytest.mark.oracle
@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_meshgrid_matches_torch(indexing, n):
    torch = pytest.importorskip("torch")
    arrays = [np.arange(k + 2, dtype=np.float64) * (k + 1) for k in range(n)]
    ours = tc.meshgrid(*[tc.tensor(a) for a in arrays], indexing=indexing)
    theirs = torch.meshgrid(*[torch.tensor(a) for a in arrays], indexing=indexing)
    assert _same(list(ours), list(theirs))
    assert _same(list(tc.meshgrid([tc.tensor(a) for a in arrays], indexing=indexing)), list(theirs))


@pytest.mark.oracle
def test_meshgrid_errors_and_warning_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        x = lib.ones(3)
        with pytest.warns(UserWarning, match="indexing argument"):
            lib.meshgrid(x, x)
        with pytest.raises(RuntimeError):
            lib.meshgrid(lib.ones(2, 2), x, indexing="ij")
        with pytest.raises(RuntimeError):
            lib.meshgrid(x, x, indexing="foo")
        with pytest.raises(RuntimeError):
            lib.meshgrid(x, x.double(), indexing="ij")


def test_meshgrid_differentiates():
    a = tc.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    b = tc.tensor(np.array([1.5, 0.25]), requires_grad=True)

    def f(x, y):
        gx, gy = tc.meshgrid(x, y, indexing="xy")
        return gx * gy.sin()

    assert tc.autograd.gradcheck(f, (a, b)) and tc.autograd.gradgradcheck(f, (a, b))


@pytest.mark.oracle
def test_resize_and_random_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (tc, torch):
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            assert tuple(lib.ones(2, 3).resize(3, 2).shape) == (3, 2)
        with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="6 elements"):
            lib.ones(2, 3).resize(4)
        with pytest.raises(RuntimeError, match="expects 'from' to be less than 'to'"):
            lib.ones(3).random_(5, 2)
        r = lib.zeros(2000).random_(3)
        assert set(np.unique(r.numpy()).tolist()) == {0.0, 1.0, 2.0}
        r = lib.zeros(2000, dtype=lib.int64).random_(2, 4)
        assert set(np.unique(r.numpy()).tolist()) == {2, 3}
        assert 2 ** 20 < lib.zeros(1000).random_().max().item() <= 2 ** 24

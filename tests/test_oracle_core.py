"""PyTorch as the oracle for the core: values, gradients and second derivatives of every op of the
table (tests/op_table.py: each row's callable runs on both libraries), broadcasting, indexing
with repeated indices, in-place ops and views, error kinds and type promotion."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_course as tc

from op_table import OPS, outputs, params

torch = pytest.importorskip("torch")

# torch deprecates x.T below 2-D (a warning): our T still reverses the dims there
pytestmark = [pytest.mark.oracle, pytest.mark.filterwarnings("ignore:The use of `x.T`:UserWarning"),
              pytest.mark.filterwarnings("ignore:Tensor.T is deprecated:UserWarning")]

ORACLE_OPS = [op for op in OPS if op.oracle and not op.forms_only]  # rows whose callable also runs on torch


def _leaves(L, case):
    return [L.tensor(a, dtype=L.float64, requires_grad=True) for a in case.arrays]


def _floats(res):
    return [o for o in outputs(res) if o.is_floating_point()]


def _np(t):
    # force: torch returns "ZeroTensor"s for some second derivatives (e.g. of abs)
    return None if t is None else t.detach().numpy(force=True)


def _weights(outs, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(tuple(o.shape)) for o in outs]


def _grads(L, op, case, order):
    """Values, first derivatives (weighted by fixed random output weights) and, for order 2, the
    derivative of <first derivatives, fixed random directions>."""
    xs = _leaves(L, case)
    res = op.fn(L, *xs, **case.params)
    values = [_np(o) for o in outputs(res)]
    if order == 0:
        return values
    outs = _floats(res)
    ws = _weights(outs)
    loss = sum((o * L.tensor(w)).sum() for o, w in zip(outs, ws))
    gs = L.autograd.grad(loss, xs, create_graph=order == 2, allow_unused=True)
    first = [np.zeros(x.shape) if g is None else _np(g) for g, x in zip(gs, xs)]
    if order == 1:
        return values, first
    vs = _weights(xs, seed=1)
    terms = [(g * L.tensor(v)).sum() for g, v in zip(gs, vs) if g is not None and g.requires_grad]
    if not terms:
        return values, first, [np.zeros(x.shape) for x in xs]
    hs = L.autograd.grad(sum(terms), xs, allow_unused=True)
    return values, first, [np.zeros(x.shape) if h is None else _np(h) for h, x in zip(hs, xs)]


def _assert_close(a, b, what):
    assert len(a) == len(b), what
    for i, (x, y) in enumerate(zip(a, b)):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape, f"{what} {i}: shape {x.shape} vs torch {y.shape}"
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-10, err_msg=f"{what} {i}")


@pytest.mark.parametrize("op", params(ORACLE_OPS, "test_matches_torch"), ids=str)
@given(data=st.data())
def test_matches_torch(op, data):
    """Values (float64), result dtypes (float32), gradients and second derivatives of one drawn case:
    one draw and one create_graph pass serve all three (the suite's time budget)."""
    case = data.draw(op.gen, label="case")
    order = 2 if op.grad and op.second_order else 1 if op.grad else 0
    ours, theirs = _grads(tc, op, case, order), _grads(torch, op, case, order)
    if order == 0:
        ours, theirs = (ours,), (theirs,)
    _assert_close(ours[0], theirs[0], "output")
    xs32 = [tc.tensor(a, dtype=tc.float32) for a in case.arrays]
    ts32 = [torch.tensor(a, dtype=torch.float32) for a in case.arrays]
    for o, t in zip(outputs(op.fn(tc, *xs32, **case.params)), outputs(op.fn(torch, *ts32, **case.params))):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    if order >= 1:
        _assert_close(ours[1], theirs[1], "gradient of input")
    if order == 2:
        _assert_close(ours[2], theirs[2], "second derivative for input")


# ----------------------------------------------------------------- specific behaviours vs torch
def _both(f):
    """f(L) for both libraries, as NumPy arrays (or exception kinds)."""
    out = []
    for L in (tc, torch):
        try:
            r = f(L)
            out.append([np.asarray(_np(t) if hasattr(t, "detach") else t) for t in (r if isinstance(r, (list, tuple)) else [r])])
        except Exception as e:  # noqa: BLE001 - the kind is what we compare
            out.append(type(e))
    return out


def _x(L):
    return L.tensor(np.arange(12.0).reshape(3, 4) / 5 - 1, dtype=L.float64, requires_grad=True)


BEHAVIOURS = {
    "repeated_index_accumulates": lambda L: (lambda x: (x[[0, 0, 2, 0]] * 2).sum().backward() or x.grad)(_x(L)),
    "repeated_index_2d": lambda L: (lambda x: (x[L.tensor([1, 1]), L.tensor([3, 3])] ** 2).sum().backward() or x.grad)(_x(L)),
    "index_add_mask_and_ints": lambda L: (lambda x: (x[x > 0] ** 2).sum().backward() or x.grad)(_x(L)),
    "broadcast_row_col": lambda L: (lambda a, b: ((a + b) * (a - b)).sum().backward() or [a.grad, b.grad])(
        L.tensor([[1.0], [2.0], [3.0]], dtype=L.float64, requires_grad=True),
        L.tensor([0.5, -1.0], dtype=L.float64, requires_grad=True)),
    "broadcast_0d": lambda L: (lambda a, b: (a * b).sum().backward() or [a.grad, b.grad])(
        L.tensor(2.0, dtype=L.float64, requires_grad=True), L.tensor([[1.0, 2.0]], dtype=L.float64, requires_grad=True)),
    "batched_matmul_broadcast": lambda L: (lambda a, b: (a @ b).pow(2).sum().backward() or [a.grad, b.grad])(
        L.tensor(np.linspace(-1, 1, 12).reshape(2, 1, 2, 3), dtype=L.float64, requires_grad=True),
        L.tensor(np.linspace(0, 2, 18).reshape(3, 3, 2), dtype=L.float64, requires_grad=True)),
    "inplace_nonleaf": lambda L: (lambda x: (lambda y: (y.mul_(x), y.add_(1), y.sum().backward(), x.grad)[-1])(x.exp()))(_x(L)),
    "inplace_view": lambda L: (lambda x: (lambda y: (y[1].mul_(3), y[:, 2:].add_(x[:, :2]), (y * y).sum().backward(), x.grad)[-1])(x * x))(_x(L)),
    "inplace_base_old_view": lambda L: (lambda x: (lambda y: (lambda v: (y.mul_(2), (v * v).sum().backward(), x.grad)[-1])(y.t()[1:]))(x.sin()))(_x(L)),
    "setitem": lambda L: (lambda x: (lambda y: (y.__setitem__((slice(None), 1), x[:, 0] * 4), y.pow(2).sum().backward(), x.grad)[-1])(x * 1))(_x(L)),
    "retain_grad_hook": lambda L: (lambda x: (lambda y: (y.retain_grad(), y.register_hook(lambda g: g * 2), (y ** 2).sum().backward(), [x.grad, y.grad])[-1])(x * 3))(_x(L)),
    "max_ties": lambda L: (lambda x: (x.max().backward(), x.grad)[-1])(L.tensor([1.0, 3.0, 3.0], requires_grad=True)),
    "max_dim_ties": lambda L: (lambda x: (x.max(1).values.sum().backward(), x.grad)[-1])(L.tensor([[3.0, 1.0, 3.0]], requires_grad=True)),
    "amin_ties": lambda L: (lambda x: (x.amin(0).sum().backward(), x.grad)[-1])(L.tensor([[1.0, 2.0], [1.0, 0.0]], requires_grad=True)),
    "maximum_ties": lambda L: (lambda a, b: (L.maximum(a, b).sum().backward(), [a.grad, b.grad])[-1])(
        L.tensor([1.0, 2.0], requires_grad=True), L.tensor([1.0, 0.0], requires_grad=True)),
    "relu_at_zero": lambda L: (lambda x: (x.relu().sum().backward(), x.grad)[-1])(L.tensor([0.0, 1.0], requires_grad=True)),
    "abs_at_zero": lambda L: (lambda x: (x.abs().sum().backward(), x.grad)[-1])(L.tensor([0.0, -1.0], requires_grad=True)),
    "clamp_at_bound": lambda L: (lambda x: (x.clamp(0.0, 1.0).sum().backward(), x.grad)[-1])(L.tensor([0.0, 1.0, 2.0], requires_grad=True)),
    "std_of_constant": lambda L: (lambda x: (x.std().backward(), x.grad)[-1])(L.tensor([2.0, 2.0], requires_grad=True)),
    "norm_at_zero": lambda L: (lambda x: (x.norm().backward(), x.grad)[-1])(L.tensor([0.0, 0.0], requires_grad=True)),
    "pow_zero_base": lambda L: (lambda a, b: ((a ** b).sum().backward(), [a.grad, b.grad])[-1])(
        L.tensor([0.0, 2.0], requires_grad=True), L.tensor([2.0, 3.0], requires_grad=True)),
    "softmax_1e4": lambda L: (lambda x: (x.log_softmax(0)[0].backward(), [x.softmax(0), x.logsumexp(0), x.grad])[-1])(
        L.tensor([1e4, 0.0, -1e4], requires_grad=True)),
    "sigmoid_extremes": lambda L: L.tensor([-1e4, 0.0, 1e4]).sigmoid(),
    "prod_with_zero": lambda L: (lambda x: (x.prod().backward(), x.grad)[-1])(L.tensor([2.0, 0.0, 3.0], requires_grad=True)),
    "prod_two_zeros": lambda L: (lambda x: (x.prod(1).sum().backward(), x.grad)[-1])(L.tensor([[0.0, 0.0, 3.0]], requires_grad=True)),
    "cumsum": lambda L: (lambda x: ((x.cumsum(1) ** 2).sum().backward(), x.grad)[-1])(_x(L)),
    "flip": lambda L: (lambda x: ((x.flip(0) * L.arange(4.0, dtype=L.float64)).sum().backward(), x.grad)[-1])(_x(L)),
    "unbind": lambda L: (lambda x: (sum((t * i).sum() for i, t in enumerate(x.unbind(1))).backward(), x.grad)[-1])(_x(L)),
    "index_select": lambda L: (lambda x: (x.index_select(1, L.tensor([3, 0, 3])).sum().backward(), x.grad)[-1])(_x(L)),
    "masked_fill": lambda L: (lambda x: (x.masked_fill(x > 0, 0.5).pow(2).sum().backward(), x.grad)[-1])(_x(L)),
    "second_order_chain": lambda L: (lambda x: L.autograd.grad(L.autograd.grad((x.tanh() * x.exp()).sum(), x, create_graph=True)[0].sum(), x)[0])(_x(L)),
    "third_order": lambda L: (lambda x: (lambda g1: (lambda g2: L.autograd.grad(g2.sum(), x)[0])(L.autograd.grad(g1.sum(), x, create_graph=True)[0]))(L.autograd.grad((x.sin() ** 3).sum(), x, create_graph=True)[0]))(_x(L)),
}


@pytest.mark.parametrize("name", list(BEHAVIOURS))
def test_behaviour_matches_torch(name):
    ours, theirs = _both(BEHAVIOURS[name])
    if isinstance(theirs, type):
        assert ours is theirs, f"torch raised {theirs.__name__}, we gave {ours}"
        return
    assert not isinstance(ours, type), f"we raised {ours.__name__}, torch did not"
    _assert_close(ours, theirs, name)


def _functional_case(L):
    F = L.autograd.functional
    x = L.tensor([0.5, -1.0, 2.0], dtype=L.float64)
    v = L.tensor([1.0, 0.5, -2.0], dtype=L.float64)

    def f(t):
        return (t.sin() * t.sum()).exp()

    def s(t):
        return (t ** 3).sum() + t[0] * t[1] * t[2]

    return [F.vjp(f, x, v)[1], F.jvp(f, x, v)[1], F.jacobian(f, x), F.hessian(s, x), F.hvp(s, x, v)[1]]


def test_functional_matches_torch():
    ours, theirs = _both(_functional_case)
    _assert_close(ours, theirs, "functional")


ERRORS = {
    "matmul": lambda L: L.ones(2, 3) @ L.ones(2, 3),
    "matmul_dtype": lambda L: L.ones(2, 3) @ L.ones(3, 2, dtype=L.float64),
    "cat": lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)]),
    "cat_empty": lambda L: L.cat([]),
    "stack": lambda L: L.stack([L.ones(2), L.ones(3)]),
    "reshape": lambda L: L.ones(2, 3).reshape(4, 2),
    "broadcast": lambda L: L.ones(2, 3) + L.ones(4),
    "expand": lambda L: L.ones(2, 3).expand(4, 3),
    "int_requires_grad": lambda L: L.tensor([1, 2], requires_grad=True),
    "index": lambda L: L.ones(3)[5],
    "index_list": lambda L: L.ones(3)[[0, 5]],
    "index_float": lambda L: L.ones(3)[L.tensor([0.5])],
    "too_many_indices": lambda L: L.ones(3)[0, 0],
    "dim": lambda L: L.ones(2, 3).sum(2),
    "softmax_dim": lambda L: L.ones(2, 3).softmax(-3),
    "permute_dup": lambda L: L.ones(2, 3).permute(0, 0),
    "non_scalar_backward": lambda L: (L.ones(2, requires_grad=True) * 2).backward(),
    "backward_twice": lambda L: (lambda y: (y.backward(), y.backward()))((L.ones(2, requires_grad=True).exp()).sum()),
    "leaf_inplace": lambda L: L.ones(2, requires_grad=True).add_(1),
    "view_of_leaf_inplace": lambda L: L.ones(2, requires_grad=True)[0].mul_(2),
    "nograd_view_inplace": lambda L: (lambda w: (lambda v: v.add_(L.ones(1, requires_grad=True)))(
        L.no_grad()(lambda: w[1:])()))(L.ones(3, requires_grad=True)),
    "version": lambda L: (lambda y: (y.add_(1), y.sum().backward()))(L.ones(2, requires_grad=True).exp()),
    "item": lambda L: L.ones(2).item(),
    "neg_bool": lambda L: -L.tensor([True]),
    "mean_int": lambda L: L.tensor([1, 2]).mean(),
    "int_pow_neg": lambda L: L.tensor([2]) ** -1,
    "where_cond": lambda L: L.where(L.ones(2), L.ones(2), L.ones(2)),
    "gather_dims": lambda L: L.ones(2, 3).gather(1, L.tensor([0])),
    "split": lambda L: L.ones(4).split([1, 2]),
    "chunk": lambda L: L.ones(4).chunk(0),
    "flatten": lambda L: L.ones(2, 3).flatten(1, 0),
    "zeros_negative": lambda L: L.zeros(-1),
    "inplace_cast": lambda L: L.zeros(3, dtype=L.int64).add_(1.5),
    "inplace_shape": lambda L: L.zeros(2, 3).add_(L.ones(4, 2, 3)),
    "expanded_inplace": lambda L: (L.ones(1, 3) * L.ones(1)).expand(2, 3).mul_(2),
    "grad_unused": lambda L: (lambda a, b: L.autograd.grad((a * 2).sum(), [a, b]))(L.ones(1, requires_grad=True), L.ones(1, requires_grad=True)),
    "len_0d": lambda L: len(L.tensor(1.0)),
    "clamp_none": lambda L: L.ones(2).clamp(),
    "str_data": lambda L: L.tensor("a"),
    "ragged": lambda L: L.tensor([[1, 2], [3]]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_kinds_match_torch(name):
    ours, theirs = _both(ERRORS[name])
    assert isinstance(theirs, type), "torch did not raise"
    assert ours is theirs, f"torch raises {theirs.__name__}, we raise {getattr(ours, '__name__', 'nothing')}"


PROMOTIONS = {
    "int_times_float": lambda L: L.tensor([1, 2]) * 1.5,
    "int_times_float_tensor": lambda L: L.tensor([1, 2]) * L.tensor([1.5]),
    "f32_plus_f64": lambda L: L.tensor([1.0]) + L.tensor([1.0], dtype=L.float64),
    "f32_plus_f64_0d": lambda L: L.tensor([1.0]) + L.tensor(1.0, dtype=L.float64),
    "int_plus_f64_0d": lambda L: L.tensor([1]) + L.tensor(1.0, dtype=L.float64),
    "int32_plus_int64_0d": lambda L: L.tensor([1], dtype=L.int32) + L.tensor(5),
    "int32_plus_int64": lambda L: L.tensor([1], dtype=L.int32) + L.tensor([5]),
    "uint8_plus_int8": lambda L: L.tensor([1], dtype=L.uint8) + L.tensor([1], dtype=L.int8),
    "bool_plus_bool": lambda L: L.tensor([True]) + L.tensor([True]),
    "bool_times_int": lambda L: L.tensor([True]) * 2,
    "bool_times_float": lambda L: L.tensor([True]) * 2.5,
    "int_div_int": lambda L: L.tensor([1]) / L.tensor([2]),
    "int_div_scalar": lambda L: L.tensor([3]) / 2,
    "scalar_div_int": lambda L: 3 / L.tensor([2]),
    "int_pow_int": lambda L: L.tensor([3]) ** 2,
    "int_pow_float": lambda L: L.tensor([4]) ** 0.5,
    "scalar_pow_int": lambda L: 2 ** L.tensor([3]),
    "float_scalar_pow_int": lambda L: 2.0 ** L.tensor([3]),
    "int_sum": lambda L: L.tensor([1, 2]).sum(),
    "int32_sum": lambda L: L.tensor([1, 2], dtype=L.int32).sum(),
    "bool_sum": lambda L: L.tensor([True, True]).sum(),
    "int_prod": lambda L: L.tensor([1, 2]).prod(),
    "int_exp": lambda L: L.tensor([1, 2]).exp(),
    "int_sqrt": lambda L: L.tensor([1, 2]).sqrt(),
    "int_abs": lambda L: L.tensor([-1, 2]).abs(),
    "int_max": lambda L: L.tensor([1, 2]).max(),
    "int_relu": lambda L: L.tensor([-1, 2]).relu(),
    "int_clamp_float": lambda L: L.tensor([-1, 2]).clamp(0.5),
    "int_matmul": lambda L: L.tensor([[1, 2]]) @ L.tensor([[1], [2]]),
    "cat_int_float": lambda L: L.cat([L.tensor([1]), L.tensor([1.5])]),
    "cat_f32_f64": lambda L: L.cat([L.tensor([1.0]), L.tensor([1.5], dtype=L.float64)]),
    "where_int_float": lambda L: L.where(L.tensor([True]), L.tensor([1]), L.tensor([1.5])),
    "where_int_scalar": lambda L: L.where(L.tensor([True]), L.tensor([1]), 0.5),
    "maximum_int_float": lambda L: L.maximum(L.tensor([1]), L.tensor([1.5])),
    "float16_plus_f64_0d": lambda L: L.tensor([1.0], dtype=L.float16) + L.tensor(1.0, dtype=L.float64),
    "compare": lambda L: L.tensor([1.0]) < L.tensor([2]),
    "float_literal": lambda L: L.tensor(1.5),
    "int_literal": lambda L: L.tensor([1, 2]),
    "numpy_int32": lambda L: L.tensor(np.array([1], np.int32)),
    "arange_float": lambda L: L.arange(0, 1, 0.5),
    "full_int": lambda L: L.full((2,), 3),
    "floor_divide": lambda L: L.tensor([7]) // 2,
    "remainder_float": lambda L: L.tensor([7.5]) % 2,
}


@pytest.mark.parametrize("name", list(PROMOTIONS))
def test_type_promotion_matches_torch(name):
    ours, theirs = PROMOTIONS[name](tc), PROMOTIONS[name](torch)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64))


def test_default_dtype_float64_matches_torch():
    prev = torch.get_default_dtype()
    try:
        tc.set_default_dtype(tc.float64)
        torch.set_default_dtype(torch.float64)
        for f in (lambda L: L.tensor([1.5]), lambda L: L.tensor([1]) / 2, lambda L: L.zeros(2),
                  lambda L: L.tensor([1]) * 0.5, lambda L: L.arange(0.0, 1.0, 0.5)):
            assert str(f(tc).dtype).split(".")[-1] == str(f(torch).dtype).split(".")[-1]
    finally:
        tc.set_default_dtype(tc.float32)
        torch.set_default_dtype(prev)
    assert math.isclose(tc.tensor([0.1]).item(), torch.tensor([0.1]).item())

"""Issue 8 ops beyond the op rows (tests/test_ops_math_more.py): integer/bool result dtypes,
special values (poles, +-1, infinities, signed zeros), accuracy of the NumPy-only special
functions against the standard library, error kinds, the counting ops (bincount, histc,
bucketize, searchsorted, argwhere, repeat_interleave(counts)) and the random methods, each
against PyTorch where it is marked ``oracle``."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc

nan, inf = float("nan"), float("inf")


def _both(f):
    """f(L) for tinygrad_course and torch: (dtype names, arrays) or the exception class name."""
    torch = pytest.importorskip("torch")
    out = []
    for L in (tc, torch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = f(L)
        except Exception as e:  # noqa: BLE001 - the kind is what is compared
            out.append(type(e).__name__)
            continue
        rs = r if isinstance(r, (tuple, list)) else [r]
        out.append([(str(x.dtype).split(".")[-1], x.detach().numpy()) for x in rs])
    return out


def _assert_same(f, rtol=1e-12, atol=1e-12):
    ours, theirs = _both(f)
    if isinstance(ours, str) or isinstance(theirs, str):
        assert ours == theirs, (ours, theirs)
        return
    assert [d for d, _ in ours] == [d for d, _ in theirs]
    for (_, a), (_, b) in zip(ours, theirs):
        assert a.shape == b.shape, (a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)


# ------------------------------------------------------------------ dtypes of integer/bool inputs
I = [[1, 2, 3], [-4, 0, 6]]
B = [True, False, True]
UNARY = ["sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
         "erf", "erfc", "erfinv", "lgamma", "digamma", "logit", "frac", "nan_to_num"]


@pytest.mark.oracle
@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("data", [I, B], ids=["int64", "bool"])
def test_integer_and_bool_inputs_as_torch(name, data):
    _assert_same(lambda L: getattr(L, name)(L.tensor(data)), rtol=1e-6, atol=1e-6)


BINARY = {
    "atan2_ints": lambda L: L.atan2(L.tensor(I), L.tensor(2)),
    "atan2_int_float64": lambda L: L.atan2(L.tensor(I), L.tensor([1.0, 2.0, 3.0], dtype=L.float64)),
    "atan2_number": lambda L: L.atan2(L.tensor([1.0]), 2.0),
    "hypot_ints": lambda L: L.hypot(L.tensor(I), L.tensor(I)),
    "hypot_mixed": lambda L: L.hypot(L.tensor([3.0]), L.tensor([4.0], dtype=L.float64)),
    "logaddexp_ints": lambda L: L.logaddexp(L.tensor(I), L.tensor(I)),
    "logaddexp2_mixed": lambda L: L.logaddexp2(L.tensor([1.0]), L.tensor([2.0], dtype=L.float64)),
    "fmod_ints": lambda L: L.fmod(L.tensor(I), 4),
    "fmod_int_float": lambda L: L.fmod(L.tensor(I), 2.5),
    "fmod_int_0d_float": lambda L: L.fmod(L.tensor(I), L.tensor(2.5)),
    "fmod_number_first": lambda L: L.fmod(5, L.tensor(I)),
    "fmod_by_zero_int": lambda L: L.fmod(L.tensor(I), 0),
    "fmod_by_zero_float": lambda L: L.fmod(L.tensor([1.0, -1.0]), 0.0),
    "remainder_ints": lambda L: L.remainder(L.tensor(I), -4),
    "remainder_bool": lambda L: L.remainder(L.tensor(B), 2),
    "remainder_number_first": lambda L: L.remainder(5, L.tensor([1, 2, -3])),
    "remainder_float_number_first": lambda L: L.remainder(-5.5, L.tensor([1.5, -2.0])),
    "remainder_by_zero_int": lambda L: L.remainder(L.tensor(I), L.tensor([1, 0, 1])),
    "remainder_method_inplace": lambda L: L.tensor([5.0, -5.0]).remainder_(3),
    "fmod_inplace_int": lambda L: L.tensor(I).fmod_(3),
    "square_inplace_int": lambda L: L.square_(L.tensor(I)),
    "sinh_inplace_int": lambda L: L.tensor(I).sinh_(),
    "polygamma_int": lambda L: L.polygamma(1, L.tensor([1, 2, 3])),
    "mvlgamma_int": lambda L: L.mvlgamma(L.tensor([2, 3]), 2),
    "masked_fill_int_float_value": lambda L: L.tensor(I).masked_fill(L.tensor(I) > 1, 2.5),
    "masked_fill_bool": lambda L: L.tensor(B).masked_fill(L.tensor([True, True, False]), 0),
    "masked_fill_0d_value_tensor": lambda L: L.tensor(I).masked_fill(L.tensor(I) > 1, L.tensor(7.0)),
    "cross_ints": lambda L: L.cross(L.tensor([[1, 0, 0]]), L.tensor([[0, 1, 0]]), dim=1),
    "kron_ints": lambda L: L.kron(L.tensor([[1, 2], [3, 4]]), L.tensor([[0, 1], [1, 0]])),
    "kron_int_float": lambda L: L.kron(L.tensor([1.0, 2.0]), L.tensor([1, 2])),
    "diff_ints": lambda L: L.diff(L.tensor(I), dim=0),
    "diff_bool": lambda L: L.diff(L.tensor(B)),
    "diff_int_float_append": lambda L: L.diff(L.tensor([1, 2]), append=L.tensor([3.0])),
    "diff_n_past_length": lambda L: L.diff(L.tensor([1, 2]), n=5),
    "scatter_int_float_value": lambda L: L.zeros(2, 3, dtype=L.int64).scatter(1, L.tensor([[2], [0]]), 2.5),
    "index_add_int": lambda L: L.zeros(3, dtype=L.int64).index_add(0, L.tensor([0, 0, 2]), L.tensor([1, 2, 3])),
    "repeat_interleave_int": lambda L: L.repeat_interleave(L.tensor(I), L.tensor([1, 2]), dim=0),
    "repeat_interleave_0d": lambda L: L.repeat_interleave(L.tensor(5), 3),
    "take_along_dim_none": lambda L: L.take_along_dim(L.tensor(I), L.tensor([0, 5])),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(BINARY))
def test_mixed_dtypes_numbers_and_in_place_as_torch(name):
    _assert_same(BINARY[name], rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------------------ special values
SPECIAL = {
    "erfinv_edges": lambda L: L.erfinv(L.tensor([-1.0, 1.0, 1.5, -1.5, nan, 0.0, -0.0], dtype=L.float64)),
    "erfinv_near_one": lambda L: L.erfinv(L.tensor([1 - 1e-12, -1 + 1e-15, 1 - 2**-53, 0.999999], dtype=L.float64)),
    "erf_tails": lambda L: L.erf(L.tensor([-30.0, -6.0, 6.0, 30.0, inf, -inf, nan], dtype=L.float64)),
    "erfc_tails": lambda L: L.erfc(L.tensor([-30.0, 5.0, 10.0, 20.0, 26.0, 27.0, inf], dtype=L.float64)),
    "lgamma_poles": lambda L: L.lgamma(L.tensor([0.0, -1.0, -2.0, -0.0, inf, -inf, nan], dtype=L.float64)),
    "lgamma_values": lambda L: L.lgamma(L.tensor([1.0, 2.0, 0.5, -0.5, -2.5, 1e-8, 171.5, 1e5], dtype=L.float64)),
    "digamma_zeros_and_poles": lambda L: L.digamma(L.tensor([0.0, -0.0, -1.0, -3.0, inf, nan], dtype=L.float64)),
    "digamma_values": lambda L: L.digamma(L.tensor([1.0, 0.5, -0.5, -2.5, 1e-8, 1e6], dtype=L.float64)),
    "polygamma_values": lambda L: L.polygamma(3, L.tensor([1.0, 0.5, -2.5, 7.25, 40.0], dtype=L.float64)),
    "trigamma_large": lambda L: L.polygamma(1, L.tensor([1e3, 1e6], dtype=L.float64)),
    "atan2_signed_zeros": lambda L: L.atan2(L.tensor([0.0, -0.0, 0.0, -0.0]), L.tensor([0.0, 0.0, -0.0, -0.0])),
    "atan2_infinities": lambda L: L.atan2(L.tensor([inf, -inf, 1.0, inf]), L.tensor([1.0, inf, -inf, -inf])),
    "hypot_large": lambda L: L.hypot(L.tensor([1e200], dtype=L.float64), L.tensor([1e200], dtype=L.float64)),
    "logaddexp_infinities": lambda L: L.logaddexp(L.tensor([-inf, inf, 1000.0]), L.tensor([-inf, 1.0, 1000.0])),
    "nan_to_num_defaults": lambda L: L.nan_to_num(L.tensor([nan, inf, -inf, 1.0])),
    "nan_to_num_float64_values": lambda L: L.tensor([nan, inf, -inf], dtype=L.float64).nan_to_num(2.0, neginf=-7.0),
    "nan_to_num_inplace": lambda L: L.tensor([nan, 1.0]).nan_to_num_(posinf=3.0),
    "logit_eps": lambda L: L.logit(L.tensor([0.0, 0.05, 0.5, 1.0]), eps=0.1),
    "frac_negative": lambda L: L.frac(L.tensor([-1.25, 2.75, -0.0, inf])),
    "remainder_signs": lambda L: L.remainder(L.tensor([5.0, -5.0, 5.0, -5.0]), L.tensor([3.0, 3.0, -3.0, -3.0])),
    "fmod_signs": lambda L: L.fmod(L.tensor([5.0, -5.0, 5.0, -5.0]), L.tensor([3.0, 3.0, -3.0, -3.0])),
    "asin_outside": lambda L: L.asin(L.tensor([2.0, -1.0, 1.0])),
    "acosh_below_one": lambda L: L.acosh(L.tensor([0.5, 1.0])),
    "atanh_at_one": lambda L: L.atanh(L.tensor([1.0, -1.0])),
    "mvlgamma_outside_domain": lambda L: L.mvlgamma(L.tensor([0.5, 3.0]), 3),
    "expm1_near_zero": lambda L: L.expm1(L.tensor([1e-10, -1e-12, 1e-5, 2.0, -50.0], dtype=L.float64)),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_values_as_torch(name):
    # PyTorch's own float64 lgamma/digamma are good to ~1e-15 relative; ours to ~1e-13
    _assert_same(SPECIAL[name], rtol=1e-11, atol=1e-13)


def _grad_of(L, fn, values, dtype="float64"):
    x = L.tensor(values, dtype=getattr(L, dtype), requires_grad=True)
    (g,) = L.autograd.grad(fn(L, x).sum(), [x])
    return g


GRADS = {
    "nan_to_num_grad_zero_where_not_finite": (lambda L, x: L.nan_to_num(x), [nan, inf, -inf, 1.5]),
    "logit_eps_grad_zero_outside": (lambda L, x: L.logit(x, eps=0.1), [0.05, 0.5, 0.95]),
    "frac_grad_one": (lambda L, x: L.frac(x), [-1.25, 2.75]),
    "erfinv_grad_at_edges": (lambda L, x: L.erfinv(x), [0.0, 0.999999]),
    "lgamma_grad_negative": (lambda L, x: L.lgamma(x), [-2.5, -0.5, 0.25]),
    "cdist_zero_distance": (lambda L, x: L.cdist(x, x.detach() * 1), [[1.0, 2.0], [3.0, 4.0]]),
    "cdist_inf_ties": (lambda L, x: L.cdist(x, L.tensor([[2.0, 2.0, 2.0]], dtype=L.float64), p=inf), [[1.0, 2.0, 3.0]]),
    "cdist_p0": (lambda L, x: L.cdist(x, L.tensor([[2.0, 2.0]], dtype=L.float64), p=0), [[1.0, 2.0]]),
    "masked_fill_value_grad": (lambda L, x: L.zeros(3, dtype=L.float64).masked_fill(
        L.tensor([True, False, True]), x[0]), [2.0]),
    "atan2_grad": (lambda L, x: L.atan2(x, x.flip(0)), [1.0, -2.0, 0.5]),
    "expm1_grad": (lambda L, x: L.expm1(x), [1e-10, -3.0, 2.0]),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_at_special_points_as_torch(name):
    fn, values = GRADS[name]
    _assert_same(lambda L: _grad_of(L, fn, values), rtol=1e-10, atol=1e-12)


# -------------------------------------------------------------- accuracy of the NumPy-only kernels
def test_erf_erfc_lgamma_match_the_standard_library():
    xs = np.linspace(-7, 7, 20001)
    t = tc.tensor(xs, dtype=tc.float64)
    np.testing.assert_allclose(tc.erf(t).numpy(), [math.erf(v) for v in xs], rtol=0, atol=5e-16)
    # erfc keeps its relative accuracy deep in the tail, where 1 - erf would be 0
    np.testing.assert_allclose(tc.erfc(t).numpy(), [math.erfc(v) for v in xs], rtol=1e-13)
    pos = xs[np.abs(xs - np.round(xs)) > 1e-3]
    want = np.array([math.lgamma(v) for v in pos])
    got = tc.lgamma(tc.tensor(pos, dtype=tc.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * 1)  # |lgamma| < 40 here


@given(st.floats(-0.999999, 0.999999))
def test_erfinv_inverts_erf(y):
    x = tc.erfinv(tc.tensor([y], dtype=tc.float64)).item()
    assert math.erf(x) == pytest.approx(y, rel=1e-14, abs=1e-16)


@given(st.floats(0.05, 30.0), st.integers(0, 3))
def test_polygamma_is_the_derivative_of_the_one_below(x, n):
    # psi^(n)(x) = d/dx psi^(n-1)(x): the backward of polygamma(n - 1) is polygamma(n)
    t = tc.tensor([x], dtype=tc.float64, requires_grad=True)
    below = tc.lgamma(t) if n == 0 else tc.polygamma(n - 1, t)
    (g,) = tc.autograd.grad(below.sum(), [t])
    np.testing.assert_allclose(g.numpy(), tc.polygamma(n, t).detach().numpy(), rtol=1e-15)
    h = 1e-5 * max(1.0, x)

    def f(v):
        v = tc.tensor([v], dtype=tc.float64)
        return tc.lgamma(v) if n == 0 else tc.polygamma(n - 1, v)

    lo, hi = f(x - h), f(x + h)
    np.testing.assert_allclose(((hi - lo) / (2 * h)).numpy(), g.numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------- constants stay constants
CONSTANT_OUTPUTS = [
    lambda x: tc.sinh(x), lambda x: tc.atan2(x, x), lambda x: tc.erf(x), lambda x: tc.erfinv(x * 0.1),
    lambda x: tc.lgamma(x), lambda x: tc.digamma(x), lambda x: tc.polygamma(2, x), lambda x: tc.fmod(x, 0.7),
    lambda x: tc.remainder(2.5, x), lambda x: x.scatter(0, tc.tensor([0]), x[:1]),
    lambda x: x.scatter_add(0, tc.tensor([0]), x[:1]), lambda x: x.index_add(0, tc.tensor([0]), x[:1]),
    lambda x: tc.cdist(x.reshape(-1, 1), x.reshape(-1, 1)), lambda x: tc.kron(x, x), lambda x: tc.diff(x),
]


@pytest.mark.parametrize("i", range(len(CONSTANT_OUTPUTS)))
def test_outputs_need_no_grad_when_no_input_does(i):
    fn = CONSTANT_OUTPUTS[i]
    x = tc.tensor([1.5, 2.5, 3.5], dtype=tc.float64)
    assert not fn(x).requires_grad and fn(x).grad_fn is None
    with tc.no_grad():
        assert not fn(x.requires_grad_()).requires_grad
    assert fn(x).requires_grad  # and with a leaf that requires grad, it is recorded


def test_in_place_forms_refuse_a_leaf_and_differentiate_on_a_non_leaf():
    leaf = tc.tensor([0.5, 0.25], dtype=tc.float64, requires_grad=True)
    for name in ("sinh_", "cosh_", "asin_", "acos_", "atan_", "erf_", "erfinv_", "lgamma_", "digamma_", "frac_"):
        with pytest.raises(RuntimeError):
            getattr(leaf, name)()
        y = leaf * 1
        getattr(y, name)()
        (g,) = tc.autograd.grad(y.sum(), [leaf])
        (g0,) = tc.autograd.grad(getattr(leaf * 1, name[:-1])().sum(), [leaf])
        np.testing.assert_allclose(g.numpy(), g0.numpy(), rtol=1e-15)


# ------------------------------------------------------------------------------------ error kinds
ERRORS = {
    "scatter_float_index": lambda L: L.zeros(2, 3).scatter(1, L.tensor([[0.0]]), L.ones(1, 1)),
    "scatter_index_out_of_range": lambda L: L.zeros(2, 3).scatter(1, L.tensor([[3]]), L.ones(1, 1)),
    "scatter_negative_index": lambda L: L.zeros(2, 3).scatter(1, L.tensor([[-1]]), L.ones(1, 1)),
    "scatter_index_ndim": lambda L: L.zeros(2, 3).scatter(1, L.tensor([0]), L.ones(1)),
    "scatter_index_larger_than_src": lambda L: L.zeros(2, 3).scatter(1, L.tensor([[0, 1]]), L.ones(1, 1)),
    "scatter_dtype_mismatch": lambda L: L.zeros(2, 3).scatter(1, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64)),
    "scatter_add_oob": lambda L: L.zeros(3).scatter_add(0, L.tensor([5]), L.ones(1)),
    "index_add_count": lambda L: L.zeros(3).index_add(0, L.tensor([0, 1]), L.ones(3)),
    "index_add_dtype": lambda L: L.zeros(3).index_add(0, L.tensor([0]), L.ones(1, dtype=L.float64)),
    "index_add_2d_index": lambda L: L.zeros(3).index_add(0, L.tensor([[0]]), L.ones(1)),
    "index_add_oob": lambda L: L.zeros(3).index_add(0, L.tensor([3]), L.ones(1)),
    "index_add_float_index": lambda L: L.zeros(3).index_add(0, L.tensor([0.0]), L.ones(1)),
    "bincount_negative": lambda L: L.bincount(L.tensor([-1, 2])),
    "bincount_float": lambda L: L.bincount(L.tensor([1.0])),
    "bincount_2d": lambda L: L.bincount(L.tensor([[1]])),
    "bincount_minlength": lambda L: L.bincount(L.tensor([1]), minlength=-1),
    "histc_int": lambda L: L.histc(L.tensor([1, 2])),
    "histc_min_above_max": lambda L: L.histc(L.tensor([1.0]), bins=3, min=2, max=1),
    "histc_nan_range": lambda L: L.histc(L.tensor([1.0, nan])),
    "bucketize_2d_boundaries": lambda L: L.bucketize(L.tensor([1.0]), L.tensor([[1.0, 2.0]])),
    "searchsorted_side_conflict": lambda L: L.searchsorted(L.tensor([1, 2]), L.tensor([1]), side="left", right=True),
    "searchsorted_leading_dims": lambda L: L.searchsorted(L.tensor([[1, 3, 5]]), L.tensor([[3], [4]])),
    "repeat_interleave_mismatch": lambda L: L.repeat_interleave(L.tensor([1, 2]), L.tensor([1, 2, 3])),
    "repeat_interleave_negative": lambda L: L.repeat_interleave(L.tensor([1, 2]), -1),
    "cross_size": lambda L: L.cross(L.ones(2, 2), L.ones(2, 2), dim=1),
    "cross_dtypes": lambda L: L.cross(L.ones(3), L.ones(3, dtype=L.float64), dim=0),
    "cdist_int": lambda L: L.cdist(L.ones(2, 2, dtype=L.int64), L.ones(2, 2, dtype=L.int64)),
    "cdist_1d": lambda L: L.cdist(L.ones(2), L.ones(2)),
    "cdist_columns": lambda L: L.cdist(L.ones(2, 3), L.ones(2, 2)),
    "cdist_negative_p": lambda L: L.cdist(L.ones(2, 2), L.ones(2, 2), p=-1),
    "diff_0d": lambda L: L.diff(L.tensor(1.0)),
    "diff_negative_n": lambda L: L.diff(L.tensor([1.0, 2.0]), n=-1),
    "diff_prepend_ndim": lambda L: L.diff(L.tensor([1.0, 2.0]), prepend=L.tensor(0.0)),
    "polygamma_negative_n": lambda L: L.polygamma(-1, L.tensor([1.0])),
    "frac_int": lambda L: L.frac(L.tensor([1])),
    "masked_fill_int_mask": lambda L: L.zeros(2).masked_fill(L.tensor([1, 0]), 1.0),
    "masked_fill_1d_value": lambda L: L.zeros(2).masked_fill(L.tensor([True, False]), L.ones(2)),
    "take_along_dim_float_index": lambda L: L.take_along_dim(L.ones(2), L.tensor([0.0]), 0),
    "index_select_float_index": lambda L: L.index_select(L.ones(2), 0, L.tensor([0.0])),
    "baddbmm_2d_batch": lambda L: L.baddbmm(L.ones(2, 3, 4), L.ones(3, 5), L.ones(2, 5, 4)),
    "addmv_shapes": lambda L: L.addmv(L.ones(3), L.ones(3, 2), L.ones(3)),
    "round_int_decimals": lambda L: L.round(L.tensor([1, 2]), decimals=1),
}


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_kinds_as_torch(name):
    ours, theirs = _both(ERRORS[name])
    assert isinstance(theirs, str), "PyTorch accepts this: the case is wrong"
    assert ours == theirs


def test_error_messages_name_the_op_and_the_offending_values():
    with pytest.raises(RuntimeError, match=r"scatter\(\).*index 3 is out of bounds for dimension 1 with size 3"):
        tc.zeros(2, 3).scatter(1, tc.tensor([[3]]), tc.ones(1, 1))
    with pytest.raises(RuntimeError, match=r"index_add_\(\).*Number of indices \(2\).*\(3\)"):
        tc.zeros(3).index_add(0, tc.tensor([0, 1]), tc.ones(3))
    with pytest.raises(RuntimeError, match=r"cdist.*X1: 3 X2: 2"):
        tc.cdist(tc.ones(2, 3), tc.ones(2, 2))
    with pytest.raises(RuntimeError, match=r"polygamma.*n=-1"):
        tc.polygamma(-1, tc.ones(1))


# -------------------------------------------------------------------------- counting ops vs torch
@pytest.mark.oracle
@given(st.lists(st.integers(0, 6), max_size=8), st.sampled_from([None, "float32", "float64", "int64"]),
       st.integers(0, 9))
def test_bincount_as_torch(values, weights, minlength):
    def f(L):
        x = L.tensor(values, dtype=L.int64)
        w = None if weights is None else (L.arange(len(values)) * 0.5 + 1).to(getattr(L, weights))
        return L.bincount(x, weights=w, minlength=minlength)

    _assert_same(f)


@pytest.mark.oracle
@given(st.lists(st.floats(-5, 5, width=32), max_size=10), st.integers(1, 6),
       st.sampled_from([(0, 0), (-1, 1), (0, 3), (-5, 5)]), st.sampled_from(["float32", "float64"]))
def test_histc_as_torch(values, bins, bounds, dtype):
    _assert_same(lambda L: L.histc(L.tensor(values, dtype=getattr(L, dtype)), bins=bins, min=bounds[0], max=bounds[1]))


@pytest.mark.oracle
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6), st.lists(st.integers(-6, 6), max_size=6),
       st.booleans(), st.booleans())
def test_bucketize_and_searchsorted_as_torch(boundaries, values, right, out_int32):
    b = sorted(boundaries)
    _assert_same(lambda L: L.bucketize(L.tensor(values, dtype=L.int64), L.tensor(b), right=right, out_int32=out_int32))
    side = "right" if right else "left"
    _assert_same(lambda L: L.searchsorted(L.tensor(b), L.tensor(values, dtype=L.int64), side=side))
    _assert_same(lambda L: L.searchsorted(L.tensor(b, dtype=L.float64), 0.5, right=right))
    rows = [b, [v + 1 for v in b]]  # an N-d sequence: searched row by row
    _assert_same(lambda L: L.searchsorted(L.tensor(rows), L.tensor([values, values], dtype=L.int64), right=right))
    order = np.argsort(np.asarray(boundaries), kind="stable")
    _assert_same(lambda L: L.searchsorted(L.tensor(boundaries), L.tensor(values, dtype=L.int64),
                                          sorter=L.tensor(order)))


@pytest.mark.oracle
@given(st.lists(st.integers(-1, 1), min_size=0, max_size=6), st.sampled_from([(6,), (2, 3), (3, 2, 1)]))
def test_argwhere_nonzero_and_repeat_counts_as_torch(values, shape):
    data = (values + [0] * 6)[:6]
    _assert_same(lambda L: L.argwhere(L.tensor(data).reshape(shape)))
    _assert_same(lambda L: L.tensor(data).reshape(shape).nonzero())
    _assert_same(lambda L: L.repeat_interleave(L.tensor([abs(v) + 1 for v in data])))
    for v in (0.0, 2.0):
        _assert_same(lambda L, v=v: L.argwhere(L.tensor(v)))
        _assert_same(lambda L, v=v: L.tensor(v).nonzero())
        _assert_same(lambda L, v=v: L.tensor(v).nonzero(as_tuple=True))


# ----------------------------------------------------------------------------- random methods
def test_bernoulli_and_multinomial_methods():
    p = tc.tensor([0.0, 1.0, 0.0, 1.0])
    assert p.bernoulli().tolist() == [0.0, 1.0, 0.0, 1.0] and p.bernoulli().dtype == tc.float32
    assert p.bernoulli(1.0).tolist() == [1.0] * 4 and p.bernoulli(0.0).tolist() == [0.0] * 4
    tc.manual_seed(3)
    a = tc.tensor([0.2, 0.5, 0.3]).multinomial(5, replacement=True)
    tc.manual_seed(3)
    b = tc.multinomial(tc.tensor([0.2, 0.5, 0.3]), 5, replacement=True)
    assert a.dtype == tc.int64 and a.tolist() == b.tolist()
    assert tc.tensor([[0.0, 1.0], [1.0, 0.0]]).multinomial(1).tolist() == [[1], [0]]

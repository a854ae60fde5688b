"""Order statistics (kthvalue, median, nanmedian, quantile, nanquantile, msort): values and
indices against PyTorch on Hypothesis-drawn tensors with ties and NaNs, gradients against finite
differences (first and second order, float64), and PyTorch's exception kinds."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

# few distinct values (ties), sometimes NaN
VALUES = st.one_of(st.sampled_from([0.0, 1.0, -1.0, 2.5, float("nan")]), st.floats(-4, 4))
ARRAYS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), elements=VALUES)


def _same(ours, theirs, indices=True):
    if isinstance(theirs, tuple):
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        assert ours.values.shape == tuple(theirs.values.shape)
        if indices:
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    else:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12, equal_nan=True)


@settings(max_examples=80, deadline=None)
@given(ARRAYS, st.data())
def test_median_nanmedian_kthvalue_match_torch(a, data):
    d = data.draw(st.integers(-a.ndim, a.ndim - 1))
    keep = data.draw(st.booleans())
    x, t = tc.tensor(a), torch.tensor(a)
    # PyTorch's pick among equal values is its own; compare indices only where values are distinct
    distinct = len(np.unique(a[~np.isnan(a)])) == np.count_nonzero(~np.isnan(a)) and np.isnan(a).sum() <= 1
    _same(x.median(), t.median())
    _same(x.nanmedian(), t.nanmedian())
    _same(x.median(d, keep), t.median(d, keep), distinct)
    _same(x.nanmedian(d, keep), t.nanmedian(d, keep), distinct)
    k = data.draw(st.integers(1, a.shape[d]))
    _same(x.kthvalue(k, d, keep), t.kthvalue(k, d, keep), distinct)
    _same(tc.msort(x), torch.msort(t))


@settings(max_examples=80, deadline=None)
@given(ARRAYS, st.data())
def test_quantile_and_nanquantile_match_torch(a, data):
    interp = data.draw(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]))
    keep = data.draw(st.booleans())
    dim = data.draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    q = data.draw(st.one_of(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), st.floats(0, 1),
                            st.lists(st.floats(0, 1), min_size=1, max_size=3).map(np.array)))
    x, t = tc.tensor(a), torch.tensor(a)
    qo = tc.tensor(q) if isinstance(q, np.ndarray) else q
    qt = torch.tensor(q) if isinstance(q, np.ndarray) else q
    for name in ("quantile", "nanquantile"):
        ours = getattr(x, name)(qo, dim, keep, interpolation=interp)
        theirs = getattr(t, name)(qt, dim, keep, interpolation=interp)
        _same(ours, theirs)


@pytest.mark.parametrize("f", [
    lambda x: x.median(),
    lambda x: x.median(1).values,
    lambda x: x.nanmedian(0, keepdim=True).values,
    lambda x: x.kthvalue(2, 1).values,
    lambda x: x.quantile(0.3, 1),
    lambda x: x.quantile(tc.tensor([0.2, 0.9], dtype=tc.float64), interpolation="midpoint"),
    lambda x: x.nanquantile(0.6, 0, keepdim=True),
    lambda x: tc.msort(x),
    lambda x: x.mode(1).values,
    lambda x: x.cummax(1).values,
    lambda x: x.cummin(0).values,
])
def test_gradients_flow_to_the_picked_elements(f):
    # distinct values: every rank is a differentiable pick
    x = tc.tensor(np.random.default_rng(0).permutation(12).reshape(3, 4) * 0.7 + 0.1, dtype=tc.float64,
                  requires_grad=True)
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


def test_gradient_matches_torch_with_nans_and_ties():
    a = np.array([[2.0, 1.0, 2.0, np.nan], [3.0, 3.0, 1.0, 0.5]])
    grads = []
    for lib in (tc, torch):
        x = lib.tensor(a, requires_grad=True)
        (x.nanmedian(1).values.sum() + x.quantile(0.4, 1).nansum() + x.nanquantile(0.7).sum()).backward()
        grads.append(np.nan_to_num(x.grad.numpy()))
    np.testing.assert_allclose(grads[0], grads[1])


BAD = [
    lambda L: L.tensor([1.0, 2.0]).kthvalue(3),
    lambda L: L.tensor([1.0, 2.0]).kthvalue(0),
    lambda L: L.tensor([1, 2]).quantile(0.5),
    lambda L: L.tensor([1.0, 2.0]).quantile(1.5),
    lambda L: L.tensor([1.0, 2.0]).quantile(-0.1),
    lambda L: L.tensor([1.0, 2.0]).quantile(L.tensor([[0.5]])),
    lambda L: L.tensor([1.0, 2.0]).quantile(0.5, interpolation="cubic"),
    lambda L: L.tensor([1.0, 2.0]).median(2),
    lambda L: L.zeros(3, 0).median(1),
]


@pytest.mark.parametrize("k", range(len(BAD)))
def test_bad_arguments_raise_pytorchs_kind(k):
    with pytest.raises(Exception) as theirs:
        BAD[k](torch)
    with pytest.raises(type(theirs.value)):
        BAD[k](tc)


@settings(max_examples=80, deadline=None)
@given(ARRAYS, st.data())
def test_mode_cummax_cummin_match_torch(a, data):
    d = data.draw(st.integers(-a.ndim, a.ndim - 1))
    keep = data.draw(st.booleans())
    x, t = tc.tensor(a), torch.tensor(a)
    # mode's index is the last occurrence of its value; running extrema take the latest of ties.
    # (With NaN, PyTorch's mode depends on how its sort orders NaN against numbers: unspecified,
    # so mode is compared on NaN-free data; ours ranks NaN last, each NaN its own value.)
    clean = np.nan_to_num(a, nan=7.0)
    _same(tc.tensor(clean).mode(d, keep), torch.tensor(clean).mode(d, keep))
    _same(x.cummax(d), t.cummax(d))
    _same(x.cummin(d), t.cummin(d))
    ints = np.nan_to_num(a, nan=7.0).astype(np.int64)
    _same(tc.tensor(ints).cummax(d), torch.tensor(ints).cummax(d))
    _same(tc.tensor(ints).mode(d), torch.tensor(ints).mode(d))


def test_running_extrema_gradient_matches_torch_with_ties():
    a = np.array([[1.0, 3.0, 3.0, 2.0, 5.0], [4.0, 4.0, 1.0, 1.0, 0.0]])
    grads = []
    for lib in (tc, torch):
        x = lib.tensor(a, requires_grad=True)
        (x.cummax(1).values.sum() * 2 + x.cummin(1).values.sum() + x.mode(1).values.sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])

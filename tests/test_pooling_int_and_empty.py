"""Pooling and batch_norm corners PyTorch's op_db samples exposed: integer average pooling (int64,
sum then division truncated toward zero), inputs with an empty non-batch dim (refused), a tuple
``output_size`` longer than the input's rank for adaptive 2-D pooling (ValueError), and batch_norm
of an empty input (a copy, times weight[0] plus bias[0]).
"""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
import tinygrad_course.nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _same_outcome(call):
    """call(F, t) on both engines: the same int64 values, or the same exception kind."""
    torch = _torch()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = call(torch.nn.functional, torch)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            call(F, tc)
        return
    ours = call(F, tc)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.oracle
@given(L=st.integers(1, 8), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 1), ceil=st.booleans(),
       incl=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_int_avg_pool1d_truncates_like_torch(L, k, s, p, ceil, incl, seed):
    a = np.random.default_rng(seed).integers(-30, 30, (2, 3, L))
    p = min(p, k // 2)
    _same_outcome(lambda Fm, t: Fm.avg_pool1d(t.tensor(a), k, s, p, ceil, incl))


@pytest.mark.oracle
@given(H=st.integers(1, 6), W=st.integers(1, 6), k=st.integers(1, 3), s=st.integers(1, 3), ceil=st.booleans(),
       incl=st.booleans(), div=st.sampled_from([None, 3, -2, 7]), seed=st.integers(0, 2 ** 16))
def test_int_avg_pool2d_truncates_like_torch(H, W, k, s, ceil, incl, div, seed):
    a = np.random.default_rng(seed).integers(-50, 50, (2, H, W))
    _same_outcome(lambda Fm, t: Fm.avg_pool2d(t.tensor(a), k, s, k // 2, ceil, incl, div))


def test_int_avg_pool_values():
    x = tc.tensor([[[-7, 3, 5, -2, 9, 1, -4]]])
    y = F.avg_pool1d(x, 2)
    assert y.dtype == tc.int64
    assert y.tolist() == [[[-2, 1, 5]]]  # -4 / 2, 1.5 -> 1, 10 / 2: toward zero
    assert F.avg_pool1d(x, 3, 2, 1).tolist() == [[[-1, 2, 2, -1]]]
    assert F.avg_pool2d(x.reshape(1, 1, 1, 7), (1, 3), 2, (0, 1), divisor_override=-4).tolist() == [[[[1, -1, -2, 0]]]]


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
def test_avg_pool_other_integer_dtypes_are_not_implemented(dtype):
    with pytest.raises(NotImplementedError, match="not implemented for"):
        F.avg_pool1d(tc.zeros(1, 2, 4, dtype=getattr(tc, dtype)), 2)


EMPTY = [("max_pool1d", (0, 10)), ("max_pool1d", (2, 0, 10)), ("max_pool1d", (0, 0, 10)), ("max_pool1d", (0, 3, 10)),
         ("avg_pool1d", (0, 10)), ("avg_pool1d", (2, 0, 10)), ("avg_pool1d", (0, 3, 10)),
         ("max_pool2d", (0, 4, 4)), ("max_pool2d", (2, 0, 4, 4)), ("max_pool2d", (0, 2, 4, 4)),
         ("avg_pool2d", (0, 4, 4)), ("avg_pool2d", (2, 0, 4, 4)), ("avg_pool2d", (0, 2, 4, 4))]


@pytest.mark.oracle
@pytest.mark.parametrize("op,shape", EMPTY)
def test_empty_pooling_inputs_like_torch(op, shape):
    # only the batch dim of a batched input may be empty
    torch = _torch()
    try:
        want = tuple(getattr(torch.nn.functional, op)(torch.zeros(shape), 1).shape)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="only the batch dimension may be empty"):
            getattr(F, op)(tc.zeros(shape), 1)
        return
    assert tuple(getattr(F, op)(tc.zeros(shape), 1).shape) == want


@pytest.mark.parametrize("op", ["adaptive_avg_pool2d", "adaptive_max_pool2d"])
def test_adaptive_pool2d_tuple_size_needs_rank(op):
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        getattr(F, op)(tc.zeros(2, 2), (2, 2))
    with pytest.raises(RuntimeError):  # an int size reaches the rank check of the kernel
        getattr(F, op)(tc.zeros(2, 2), 2)
    assert tuple(getattr(F, op)(tc.zeros(1, 4, 4), (2, None)).shape) == (1, 2, 4)


BN_CASES = [((0,), None, None, None, None, True), ((0,), [], [], None, None, False),
            ((0,), None, None, [2.0, 3.0], [1.0, 5.0], False), ((0, 5), [0.0] * 3, [1.0] * 3, None, None, False),
            ((0, 5, 2), None, None, [1.0] * 5, None, True), ((0, 5, 2), None, None, [], None, True),
            ((2, 0), [], [], None, None, True), ((1, 0), None, None, None, None, True),
            ((), None, None, None, None, False), ((), None, None, None, None, True),
            ((3,), None, None, None, None, True), ((1,), None, None, None, None, True),
            ((3,), [0.0] * 3, [1.0] * 3, None, None, False), ((1, 3), None, None, None, None, True)]


@pytest.mark.oracle
@pytest.mark.parametrize("shape,rm,rv,w,b,training", BN_CASES)
def test_batch_norm_empty_and_rankless_inputs_like_torch(shape, rm, rv, w, b, training):
    torch = _torch()
    x = np.random.default_rng(0).standard_normal(shape)

    def run(Fm, t):
        mk = lambda v: None if v is None else t.tensor(np.asarray(v, np.float64))  # noqa: E731
        return Fm.batch_norm(mk(x), mk(rm), mk(rv), mk(w), mk(b), training=training)

    try:
        want = run(torch.nn.functional, torch)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)):
            run(F, tc)
        return
    got = run(F, tc)
    assert tuple(got.shape) == tuple(want.shape)


def test_batch_norm_empty_input_stays_on_the_tape():
    x = tc.zeros(0, dtype=tc.float64, requires_grad=True)
    w = tc.tensor([2.0, 3.0], dtype=tc.float64, requires_grad=True)
    rm, rv = tc.zeros(0), tc.ones(0)
    y = F.batch_norm(x, rm, rv, w, training=True)
    assert tuple(y.shape) == (0,) and y.requires_grad
    y.sum().backward()
    assert tuple(x.grad.shape) == (0,) and w.grad.tolist() == [0.0, 0.0]

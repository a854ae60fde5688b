"""Tensor-and-number arithmetic: the number reaches NumPy as a cached 0-d array of the tensor's
dtype (``ops.operands.number``). The values must be exactly NumPy's own tensor-with-Python-number
results (NEP 50), whatever the number: signed zeros, nan, inf, huge, tiny, ints, either side."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_course as tc
from tinygrad_course.autograd.ops import operands as arith

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0.0, -0.0, 1.0001, 0.001, 2, -3, 1e-45, 1e38, 65519.0]),
)


@settings(max_examples=300, deadline=None)
@given(NUMBERS, st.sampled_from([np.float16, np.float32, np.float64]),
       st.sampled_from(["add", "sub", "mul", "radd", "rsub", "rmul"]))
def test_number_operand_gives_numpys_values(v, dtype, op):
    a = np.array([1.5, -0.0, 0.0, 3.0, -7.25, 1e-3], dtype)
    t = tc.tensor(a)
    f = {"add": lambda x: x + v, "sub": lambda x: x - v, "mul": lambda x: x * v,
         "radd": lambda x: v + x, "rsub": lambda x: v - x, "rmul": lambda x: v * x}[op]
    with np.errstate(all="ignore"):
        try:
            want = f(a)
        except OverflowError:
            with pytest.raises(OverflowError):
                f(t)
            return
        got = f(t).numpy()
    assert got.dtype == want.dtype
    # bit for bit, signed zeros and nan included
    assert np.array_equal(got.view(np.uint8), want.view(np.uint8)) or (
        np.array_equal(np.isnan(got), np.isnan(want)) and np.array_equal(got[~np.isnan(got)], want[~np.isnan(want)])
        and np.array_equal(np.signbit(got[~np.isnan(got)]), np.signbit(want[~np.isnan(want)])))


def test_signed_zero_is_not_confused_with_zero():
    t = tc.tensor([1.0, -2.0])
    assert np.signbit((t * 0.0).numpy()).tolist() == [False, True]
    assert np.signbit((t * -0.0).numpy()).tolist() == [True, False]
    assert np.signbit((t * 0.0).numpy()).tolist() == [False, True]


def test_cached_arrays_are_read_only_and_the_cache_is_bounded():
    d = np.dtype(np.float32)
    z = arith.number(0.75, d)
    assert z.shape == () and z.dtype == d and not z.flags.writeable
    assert arith.number(0.75, d) is z  # cached
    t = tc.ones(3)
    for k in range(3000):  # a schedule of ever new numbers must not grow the cache without end
        t * (1.0 + k * 1e-6)
    assert len(arith._NUMBERS[d]) <= 1024


def test_gradients_with_numbers_on_either_side():
    x = tc.tensor([0.5, -1.5], requires_grad=True)
    y = (2.0 * x + 1.0) * 3.0 - (1.0 - x) * 0.5
    y.sum().backward()
    assert x.grad.tolist() == [6.5, 6.5]
    # and second order, through the saved 0-d arrays
    x = tc.tensor([0.5, -1.5], dtype=tc.float64, requires_grad=True)
    (g,) = tc.autograd.grad(((x * 3.0) * x).sum(), x, create_graph=True)
    (h,) = tc.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 6.0] and g.tolist() == [3.0, -9.0]


def test_number_operand_keeps_the_tensor_dtype_like_torch():
    for dt in (tc.float16, tc.float32, tc.float64):
        t = tc.ones(2, dtype=dt)
        assert (t * 2.5).dtype == dt and (2 - t).dtype == dt and (t + 1).dtype == dt
    assert math.isinf(float((tc.ones(1, dtype=tc.float16) * 1e6)[0]))


def test_threads_filling_and_clearing_the_cache_get_right_values():
    import threading

    errors = []

    def work(offset):
        t = tc.ones(4, dtype=tc.float64)
        try:
            for k in range(4000):  # past the bound: the cache is cleared while the other thread reads it
                v = offset + k * 1e-3
                if float((t * v)[0]) != v or float((v + t)[0]) != v + 1.0:
                    errors.append((offset, k))
        except Exception as e:  # noqa: BLE001 - any exception is the failure this test looks for
            errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(o,)) for o in (1.0, 7.0)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []

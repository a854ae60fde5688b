"""Every op of the table (tests/op_table.py): forward vs NumPy in float32 and float64, gradient
vs finite differences, double backward, and a shared subgraph (``b = f(a); c = b + b``), over
Hypothesis-drawn (broadcastable) shapes and values."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck

from op_table import OPS, outputs

GRAD_OPS = [op for op in OPS if op.grad]
SECOND_ORDER_OPS = [op for op in GRAD_OPS if op.second_order]


def leaves(case, dtype=tc.float64):
    return [tc.tensor(a, dtype=dtype, requires_grad=True) for a in case.arrays]


def float_outputs(res):
    return [o for o in outputs(res) if o.is_floating_point()]


@pytest.mark.parametrize("op", OPS, ids=str)
@given(data=st.data())
def test_forward_matches_numpy(op, data):
    case = data.draw(op.gen, label="case")
    for dt, rtol, atol in ((tc.float64, 1e-10, 1e-12), (tc.float32, op.fwd_rtol32, 1e-5)):
        xs = [tc.tensor(a, dtype=dt) for a in case.arrays]
        got = outputs(op.fn(tc, *xs, **case.params))
        want = outputs(op.ref(*[x.numpy().astype(np.float64) for x in xs], **case.params))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            w = np.asarray(w)
            assert isinstance(g, tc.Tensor), type(g)
            assert g.shape == w.shape, (g.shape, w.shape)
            # float ops keep the input dtype; index outputs are int64
            assert g.dtype == (dt if w.dtype.kind == "f" else tc.int64), (g.dtype, dt)
            np.testing.assert_allclose(g.numpy(), w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("op", GRAD_OPS, ids=str)
@given(data=st.data())
def test_float32_gradients_keep_dtype_and_shape(op, data):
    case = data.draw(op.gen, label="case")
    xs = leaves(case, tc.float32)
    outs = float_outputs(op.fn(tc, *xs, **case.params))
    loss = sum((o * tc.ones_like(o)).sum() for o in outs)
    loss.backward()
    for x in xs:
        assert x.grad is not None and x.grad.shape == x.shape and x.grad.dtype == tc.float32


@pytest.mark.parametrize("op", GRAD_OPS, ids=str)
@given(data=st.data())
def test_gradient_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradcheck(lambda *xs: op.fn(tc, *xs, **case.params), leaves(case))


@pytest.mark.parametrize("op", SECOND_ORDER_OPS, ids=str)
@given(data=st.data())
def test_double_backward_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradgradcheck(lambda *xs: op.fn(tc, *xs, **case.params), leaves(case))


@pytest.mark.parametrize("op", GRAD_OPS, ids=str)
@given(data=st.data())
def test_shared_subgraph(op, data):
    case = data.draw(op.gen, label="case")

    def twice(*xs):
        # every output is used twice: its gradient must be accumulated from both uses
        return tuple(b + b for b in float_outputs(op.fn(tc, *xs, **case.params)))

    xs = leaves(case)
    assert gradcheck(twice, xs)
    # and it is exactly twice the gradient of the op itself
    w = [tc.tensor(np.random.default_rng(0).standard_normal(o.shape)) for o in twice(*xs)]
    g2 = tc.autograd.grad(twice(*xs), xs, w, allow_unused=True)
    g1 = tc.autograd.grad(float_outputs(op.fn(tc, *xs, **case.params)), xs, w, allow_unused=True)
    for a, b in zip(g1, g2):
        if a is not None:
            np.testing.assert_allclose(b.numpy(), 2 * a.numpy(), rtol=1e-12, atol=1e-12)

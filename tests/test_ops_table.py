"""Every op of the table (tests/op_table.py): forward vs NumPy in float32 and float64, gradient
vs finite differences (and float32 gradients of the leaves' shape and dtype), double backward, a shared subgraph (``b = f(a); c = b + b``), and every
alias of a row (function form, method, other name, in-place form) agreeing with the row, over
Hypothesis-drawn (broadcastable) shapes and values. No torch needed (test_oracle_core.py runs
the same rows against PyTorch)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_course as tc
from tinygrad_course.autograd import gradcheck, gradgradcheck

from op_table import OPS as ALL_OPS, outputs, params

OPS = [op for op in ALL_OPS if not op.forms_only]  # forms-only rows: test_aliases_agree alone

GRAD_OPS = [op for op in OPS if op.grad]
SECOND_ORDER_OPS = [op for op in GRAD_OPS if op.second_order]


def leaves(case, dtype=tc.float64):
    return [tc.tensor(a, dtype=dtype, requires_grad=True) for a in case.arrays]


def float_outputs(res):
    return [o for o in outputs(res) if o.is_floating_point()]


@pytest.mark.parametrize("op", params(OPS, "test_forward_matches_numpy"), ids=str)
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
            assert not g.requires_grad, "no input requires grad: the output must not either"
            assert g.shape == w.shape, (g.shape, w.shape)
            # float ops keep the input dtype; comparisons give bool; index outputs are int64
            assert g.dtype == {"f": dt, "b": tc.bool}.get(w.dtype.kind, tc.int64), (g.dtype, dt)
            np.testing.assert_allclose(g.numpy(), w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("op", params(GRAD_OPS, "test_gradient_matches_finite_differences"), ids=str)
@given(data=st.data())
def test_gradient_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradcheck(lambda *xs: op.fn(tc, *xs, **case.params), leaves(case))
    # and in float32 every leaf gets a gradient of its own shape and dtype
    xs = leaves(case, tc.float32)
    outs = float_outputs(op.fn(tc, *xs, **case.params))
    loss = sum((o * tc.ones_like(o)).sum() for o in outs)
    loss.backward()
    for x in xs:
        assert x.grad is not None and x.grad.shape == x.shape and x.grad.dtype == tc.float32


@pytest.mark.parametrize("op", params(SECOND_ORDER_OPS, "test_double_backward_matches_finite_differences"), ids=str)
@given(data=st.data())
def test_double_backward_matches_finite_differences(op, data):
    case = data.draw(op.gen, label="case")
    assert gradgradcheck(lambda *xs: op.fn(tc, *xs, **case.params), leaves(case))


@pytest.mark.parametrize("op", params(GRAD_OPS, "test_shared_subgraph"), ids=str)
@given(data=st.data())
def test_shared_subgraph(op, data):
    case = data.draw(op.gen, label="case")

    def twice(*xs):
        # every output is used twice: its gradient must be accumulated from both uses
        return tuple(b + b for b in float_outputs(op.fn(tc, *xs, **case.params)))

    xs = leaves(case)
    # exactly twice the gradient of the op itself (checked against finite differences in
    # test_gradient_matches_finite_differences) for a random cotangent w: with probability 1 this
    # is the full Jacobian identity J_twice = 2 J, without a second finite-difference pass
    w = [tc.tensor(np.random.default_rng(0).standard_normal(o.shape)) for o in twice(*xs)]
    g2 = tc.autograd.grad(twice(*xs), xs, w, allow_unused=True)
    g1 = tc.autograd.grad(float_outputs(op.fn(tc, *xs, **case.params)), xs, w, allow_unused=True)
    for a, b in zip(g1, g2):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(b.numpy(), 2 * a.numpy(), rtol=1e-12, atol=1e-12)


ALIASED_OPS = [op for op in ALL_OPS if op.aliases]


def _values_and_grads(op, fn, case):
    xs = [tc.tensor(a, dtype=tc.float64, requires_grad=op.grad) for a in case.arrays]
    outs = outputs(fn(tc, *xs, **case.params))
    values = [o.detach().numpy() for o in outs]
    diff = [o for o in float_outputs(outs) if o.requires_grad]
    if not (op.grad and diff and xs):
        return outs, values, []
    rng = np.random.default_rng(0)
    loss = sum((o * tc.tensor(rng.standard_normal(o.shape))).sum() for o in diff)
    grads = tc.autograd.grad(loss, xs, allow_unused=True)
    return outs, values, [np.zeros(x.shape) if g is None else g.numpy() for g, x in zip(grads, xs)]


@pytest.mark.parametrize("op", params(ALIASED_OPS, "test_aliases_agree"), ids=str)
@given(data=st.data())
def test_aliases_agree(op, data):
    case = data.draw(op.gen, label="case")
    outs, values, grads = _values_and_grads(op, op.fn, case)
    for i, alias in enumerate(op.aliases):
        a_outs, a_values, a_grads = _values_and_grads(op, alias, case)
        assert [o.dtype for o in a_outs] == [o.dtype for o in outs], f"alias {i}"
        assert len(a_values) == len(values), f"alias {i}"
        for g, w in zip(a_values, values):
            assert g.shape == w.shape, f"alias {i}: shape {g.shape} vs {w.shape}"
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=f"alias {i} value")
        assert len(a_grads) == len(grads), f"alias {i}"
        for g, w in zip(a_grads, grads):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=f"alias {i} gradient")

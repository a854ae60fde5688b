"""Semantics of the tape: accumulation, retain_grad, hooks, retain_graph, grad(), long chains,
freed buffers, in-place ops and views, grad modes, custom Functions, anomaly detection, dtype
rules, comparisons, ties, numerical stability, and tc.autograd.functional."""
import gc
import math
import time
import warnings
import weakref

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course.autograd import Function, gradcheck, gradgradcheck
from tinygrad_course.autograd import functional as F


def f64(*values, rg=True):
    return tc.tensor(np.array(values, dtype=np.float64), requires_grad=rg)


def close(t, expected, tol=1e-10):
    np.testing.assert_allclose(np.asarray(t.detach().numpy() if isinstance(t, tc.Tensor) else t), expected,
                               rtol=tol, atol=tol)


# ----------------------------------------------------------------------------- .grad basics
def test_leaf_grad_accumulates_across_backwards():
    x = f64(1.0, 2.0)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    close(x.grad, [5.0, 5.0])
    x.grad = None
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0])


def test_leaf_grad_is_a_tensor_of_the_leaf_shape_and_dtype():
    x = tc.randn(3, 4, requires_grad=True)
    w = tc.randn(4, 2, requires_grad=True)
    (x @ w).tanh().sum().backward()
    assert isinstance(x.grad, tc.Tensor) and x.grad.shape == (3, 4) and x.grad.dtype == tc.float32
    assert w.grad.shape == (4, 2) and not x.grad.requires_grad and x.grad.grad_fn is None


def test_zero_grad_in_place_then_accumulate():
    x = f64(1.0, 2.0)
    (x * 2).sum().backward()
    g = x.grad
    g.zero_()
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0])


def test_non_leaf_grad_is_none_and_warns():
    x = f64(1.0, 2.0)
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):
        assert y.grad is None
    assert not y.is_leaf and x.is_leaf


def test_retain_grad_keeps_non_leaf_grad():
    x = f64(1.0, 2.0)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    close(y.grad, [4.0, 8.0])
    close(x.grad, [8.0, 16.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.grad  # no warning once retained


def test_same_input_used_twice_accumulates():
    x = f64(3.0)
    (x * x + x).backward()
    close(x.grad, [7.0])


def test_backward_with_gradient_argument():
    x = f64(1.0, 2.0, 3.0)
    y = x * x
    y.backward(tc.tensor(np.array([1.0, 0.5, 0.0])))
    close(x.grad, [2.0, 2.0, 0.0])


# ------------------------------------------------------------------------------------ hooks
def test_hook_on_leaf_replaces_gradient_and_can_be_removed():
    x = f64(1.0, 2.0)
    seen = []
    h = x.register_hook(lambda g: (seen.append(g.numpy().copy()), g * 10)[1])
    (x * 3).sum().backward()
    close(x.grad, [30.0, 30.0])
    close(seen[0], [3.0, 3.0])
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0])


def test_hook_on_non_leaf_changes_what_flows_back():
    x = f64(1.0, 2.0)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    (y * 3).sum().backward()
    # dL/dy = 3 -> hook -> 4 -> dL/dx = 8
    close(x.grad, [8.0, 8.0])


def test_hook_returning_none_observes_only():
    x = f64(1.0, 2.0)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    (y * y).sum().backward()
    close(seen[0], [4.0, 8.0])
    close(x.grad, [8.0, 16.0])


def test_register_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tc.ones(2).register_hook(lambda g: g)


# ------------------------------------------------------------------------- retain_graph etc.
def test_retain_graph_allows_second_backward():
    x = f64(1.0, 2.0)
    z = (x.exp() * x).sum()
    z.backward(retain_graph=True)
    z.backward()
    e = np.exp([1.0, 2.0])
    close(x.grad, 2 * (e + e * [1.0, 2.0]))


def test_second_backward_without_retain_graph_raises():
    x = f64(1.0, 2.0)
    z = (x.exp() * x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        z.backward()


def test_non_scalar_backward_without_gradient_raises():
    x = f64(1.0, 2.0)
    with pytest.raises(RuntimeError, match="only for scalar outputs.*shape \\(2,\\)"):
        (x * 2).backward()


def test_backward_gradient_shape_mismatch_raises():
    x = f64(1.0, 2.0)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*\(3,\).*\(2,\)"):
        (x * 2).backward(tc.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tc.ones(2).sum().backward()


def test_saved_buffers_are_freed_after_backward():
    x = f64(1.0, 2.0)

    def graph():
        t = x * 2  # only the graph keeps t alive: Sin saves its input
        y = t.sin()
        return y, weakref.ref(t)

    y, ref = graph()
    gc.collect()
    assert ref() is not None
    y.sum().backward(retain_graph=True)
    gc.collect()
    assert ref() is not None  # retained
    y.sum().backward()
    gc.collect()
    assert ref() is None  # released by the last backward
    assert y.grad_fn is not None  # the graph's structure survives, only the buffers go


def test_graph_is_collected_with_its_output():
    x = f64(1.0, 2.0)
    y = (x * 2).exp() * 3
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


# --------------------------------------------------------------------------------- grad()
def test_grad_returns_gradients_without_touching_dot_grad():
    x, y = f64(1.0, 2.0), f64(3.0, 4.0)
    gx, gy = tc.autograd.grad((x * y).sum(), (x, y))
    close(gx, [3.0, 4.0])
    close(gy, [1.0, 2.0])
    assert x.grad is None and y.grad is None


def test_grad_allow_unused():
    x, unused = f64(1.0), f64(2.0)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tc.autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = tc.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    close(gx, [2.0])
    assert gu is None


def test_grad_outputs_weight_the_outputs():
    x = f64(1.0, 2.0)
    (g,) = tc.autograd.grad(x * x, x, grad_outputs=tc.tensor(np.array([1.0, -1.0])))
    close(g, [2.0, -4.0])


def test_grad_of_intermediate_tensor():
    x = f64(1.0, 2.0)
    h = x * 3
    (g,) = tc.autograd.grad((h * h).sum(), h)
    close(g, [6.0, 12.0])


def test_grad_create_graph_second_derivative():
    x = f64(1.0, 2.0)
    (g,) = tc.autograd.grad((x**3).sum(), x, create_graph=True)
    assert g.requires_grad
    close(g, [3.0, 12.0])
    g.sum().backward()
    close(x.grad, [6.0, 12.0])  # 6x


def test_third_derivative():
    x = f64(2.0)
    (g1,) = tc.autograd.grad(x**4, x, create_graph=True)
    (g2,) = tc.autograd.grad(g1, x, create_graph=True)
    (g3,) = tc.autograd.grad(g2, x)
    close(g1, [32.0])
    close(g2, [48.0])
    close(g3, [48.0])


def test_grad_input_that_does_not_require_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tc.autograd.grad((f64(1.0) * 2).sum(), tc.ones(1))


# ----------------------------------------------------------------------------------- chains
def _chain(n):
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    y.sum().backward()
    return x.grad


def test_100k_op_chain_differentiates_without_recursion():
    close(_chain(100_000), [1.0, 1.0])


@pytest.mark.slow
def test_million_op_chain_differentiates():
    t0 = time.perf_counter()
    close(_chain(1_000_000), [1.0, 1.0])
    assert time.perf_counter() - t0 < 600


def test_deep_chain_create_graph():
    x = f64(0.5)
    y = x
    for _ in range(2000):
        y = y.sin()
    (g,) = tc.autograd.grad(y, x, create_graph=True)
    (h,) = tc.autograd.grad(g, x)
    assert np.isfinite(h.item())


def test_wide_diamond_graph():
    x = f64(1.0, 2.0)
    parts = [x * float(i) for i in range(200)]
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    total.sum().backward()
    close(x.grad, [sum(range(200))] * 2)


# ---------------------------------------------------------------------------------- in-place
@pytest.mark.parametrize(
    "op, expected",
    [
        (lambda t: t.add_(2), [3.0, 4.0]),
        (lambda t: t.add_(tc.tensor([1.0, 1.0]), alpha=2), [3.0, 4.0]),
        (lambda t: t.sub_(1), [0.0, 1.0]),
        (lambda t: t.mul_(3), [3.0, 6.0]),
        (lambda t: t.div_(2), [0.5, 1.0]),
        (lambda t: t.zero_(), [0.0, 0.0]),
        (lambda t: t.fill_(7), [7.0, 7.0]),
        (lambda t: t.copy_(tc.tensor([5.0, 6.0])), [5.0, 6.0]),
        (lambda t: t.clamp_(1.5, 1.8), [1.5, 1.8]),
    ],
)
def test_in_place_ops_values_and_version(op, expected):
    t = tc.tensor([1.0, 2.0])
    v = t._version
    assert op(t) is t
    close(t, expected, 1e-6)
    assert t._version == v + 1


def test_in_place_operators():
    t = tc.tensor([1.0, 2.0])
    ident = id(t)
    t += 1
    t -= 0.5
    t *= 4
    t /= 2
    assert id(t) == ident
    close(t, [3.0, 5.0])


def test_random_in_place_fills():
    tc.manual_seed(0)
    t = tc.zeros(1000)
    t.uniform_(-2, 3)
    d = t.numpy()
    assert d.min() >= -2 and d.max() < 3 and abs(d.mean() - 0.5) < 0.2
    t.normal_(1.0, 0.5)
    assert abs(t.numpy().mean() - 1.0) < 0.1 and abs(t.numpy().std() - 0.5) < 0.1
    tc.manual_seed(3)
    a = tc.zeros(5).normal_()
    tc.manual_seed(3)
    b = tc.zeros(5).normal_()
    close(a, b.numpy())


def test_sgd_update_under_no_grad():
    w = f64(1.0, 2.0)
    (w * w).sum().backward()
    lr = 0.1
    with tc.no_grad():
        w -= lr * w.grad
    close(w, [0.8, 1.6])
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    # and it trains on
    w.grad = None
    (w * w).sum().backward()
    close(w.grad, [1.6, 3.2])


@pytest.mark.parametrize("op", [
    lambda w: w.add_(1), lambda w: w.mul_(2), lambda w: w.zero_(), lambda w: w.fill_(1.0),
    lambda w: w.copy_(tc.ones(2)), lambda w: w.uniform_(), lambda w: w.normal_(), lambda w: w.clamp_(0, 1),
    lambda w: w.__isub__(1), lambda w: w.__setitem__(0, 5.0),
])
def test_in_place_on_leaf_requiring_grad_raises_and_changes_nothing(op):
    w = f64(1.0, 2.0)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        op(w)
    close(w, [1.0, 2.0])
    assert w._version == 0


def test_in_place_on_view_of_leaf_requiring_grad_raises():
    w = f64(1.0, 2.0)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[0].mul_(2)
    close(w, [1.0, 2.0])


def test_modified_saved_tensor_raises_at_backward_naming_the_op():
    x = f64(1.0, 2.0)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*ExpBackward0.*version 1; expected version 0"):
        y.sum().backward()


def test_modified_saved_input_raises_at_backward_naming_the_op():
    x = f64(1.0, 2.0)
    h = x * 2
    y = h.sin()  # saves h
    h.mul_(3)
    with pytest.raises(RuntimeError, match="SinBackward0"):
        y.sum().backward()


def test_in_place_on_non_leaf_differentiates():
    x = f64(1.0, 2.0)
    y = x * 2
    y.mul_(3)
    y.add_(x)
    y.sum().backward()
    close(x.grad, [7.0, 7.0])
    assert y.grad_fn is not None


def test_in_place_with_grad_requiring_operand():
    x, w = f64(1.0, 2.0), f64(3.0, 4.0)
    y = x * 1
    y.mul_(w)
    y.sum().backward()
    close(x.grad, [3.0, 4.0])
    close(w.grad, [1.0, 2.0])


def test_copy_into_plain_tensor_records_history():
    x = f64(1.0, 2.0)
    buf = tc.zeros(2, dtype=tc.float64)
    buf.copy_(x * 3)
    assert buf.requires_grad and not buf.is_leaf
    buf.sum().backward()
    close(x.grad, [3.0, 3.0])


def test_setitem_differentiates_in_value_and_target():
    x, v = f64(1.0, 2.0, 3.0), f64(10.0)
    y = x * 2
    y[1] = v * v
    (y * tc.tensor(np.array([1.0, 2.0, 3.0]))).sum().backward()
    close(x.grad, [2.0, 0.0, 6.0])
    close(v.grad, [40.0])


def test_setitem_overwriting_inf_does_not_leak_nan():
    x = f64(0.0, 2.0)
    y = x.log() * 1.0  # [-inf, log 2]
    y[0] = 1.0
    close(y, [1.0, math.log(2.0)])
    y.sum().backward()
    close(x.grad[1], 0.5)  # (x.grad[0] is 0/0 = nan, as in PyTorch: log's backward at 0)


def test_in_place_through_a_view_updates_the_base():
    x = f64(1.0, 2.0, 3.0)
    y = x * 1
    y[1:].mul_(2)
    close(y, [1.0, 4.0, 6.0])
    y.sum().backward()
    close(x.grad, [1.0, 2.0, 2.0])


def test_view_made_before_in_place_on_base_sees_new_history():
    x = f64(1.0, 2.0, 3.0)
    y = x * 1
    v = y[1:]
    y.mul_(2)
    v.sum().backward()
    close(x.grad, [0.0, 2.0, 2.0])


def test_in_place_on_view_made_under_no_grad_raises():
    w = f64(1.0, 2.0, 3.0)
    with tc.no_grad():
        v = w[1:]
    with pytest.raises(RuntimeError, match="created in no_grad mode"):
        v.add_(f64(1.0, 1.0))
    close(w, [1.0, 2.0, 3.0])
    with tc.no_grad():
        v.add_(1.0)  # both in no_grad: allowed, not tracked
    close(w, [1.0, 3.0, 4.0])


def test_in_place_on_expanded_view_raises():
    y = f64(1.0, 2.0) * 1
    with pytest.raises(RuntimeError, match="single memory location"):
        y.expand(3, 2).mul_(2)
    close(y, [1.0, 2.0])


def test_in_place_shape_mismatch_raises_and_changes_nothing():
    y = tc.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"add_.*\[2, 3\].*\[4, 2, 3\]"):
        y.add_(tc.ones(4, 2, 3))
    close(y, np.ones((2, 3)))
    z = f64(1.0, 2.0) * 1
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        z.add_(f64(1.0, 2.0).reshape(2, 1))
    close(z, [1.0, 2.0])


# -------------------------------------------------------------------------------- grad modes
def test_no_grad_context_records_nothing():
    x = f64(1.0)
    with tc.no_grad():
        assert not tc.is_grad_enabled()
        y = x * 2
        assert not y.requires_grad and y.grad_fn is None
    assert tc.is_grad_enabled()


def test_nested_grad_modes():
    with tc.no_grad():
        with tc.enable_grad():
            assert tc.is_grad_enabled()
            assert (f64(1.0) * 2).requires_grad
        assert not tc.is_grad_enabled()
        with tc.set_grad_enabled(True):
            assert tc.is_grad_enabled()
    with tc.set_grad_enabled(False):
        assert not tc.is_grad_enabled()
    assert tc.is_grad_enabled()


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with tc.no_grad():
            raise ValueError
    assert tc.is_grad_enabled()


def test_grad_modes_as_decorators():
    @tc.no_grad()
    def f(x):
        return x * 2

    @tc.no_grad
    def g(x):
        return x * 2

    @tc.enable_grad()
    def h(x):
        return x * 2

    @tc.set_grad_enabled(False)
    def k(x):
        return x * 2

    x = f64(1.0)
    assert not f(x).requires_grad and not g(x).requires_grad and not k(x).requires_grad
    assert tc.is_grad_enabled()
    with tc.no_grad():
        assert h(x).requires_grad
        assert not tc.is_grad_enabled()


def test_set_grad_enabled_as_a_function():
    tc.set_grad_enabled(False)
    try:
        assert not tc.is_grad_enabled()
    finally:
        tc.set_grad_enabled(True)
    assert tc.is_grad_enabled()


def test_detach_and_requires_grad():
    x = f64(1.0, 2.0)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    d2 = tc.ones(2).requires_grad_()
    assert d2.requires_grad and d2.is_leaf
    with pytest.raises(RuntimeError, match="leaf"):
        (x * 2).requires_grad_(False)


# ----------------------------------------------------------------------------- custom Function
class MulAdd(Function):
    """x * y + k (k a number)."""

    @staticmethod
    def forward(ctx, x, y, k):
        ctx.save_for_backward(x, y)
        ctx.seen_needs = ctx.needs_input_grad
        return x * y + k

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * y if ctx.needs_input_grad[0] else None), (g * x if ctx.needs_input_grad[1] else None), None


def test_custom_function_forward_backward_and_needs_input_grad():
    x, y = f64(1.0, 2.0), tc.tensor(np.array([3.0, 4.0]))
    out = MulAdd.apply(x, y, 5.0)
    assert out.grad_fn.name() == "MulAddBackward" and out.grad_fn.seen_needs == (True, False, False)
    close(out, [8.0, 13.0])
    out.sum().backward()
    close(x.grad, [3.0, 4.0])
    assert gradcheck(lambda a, b: MulAdd.apply(a, b, 1.0), (f64(1.0, 2.0), f64(0.5, -1.0)))


class SplitExp(Function):
    """(2x, e^x, argmax x): three outputs, the last one non-differentiable."""

    @staticmethod
    def forward(ctx, x):
        idx = x.argmax()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x)
        return x * 2, x.exp(), idx

    @staticmethod
    def backward(ctx, g1, g2, g3):
        (x,) = ctx.saved_tensors
        return g1 * 2 + g2 * x.exp()


def test_custom_function_multiple_outputs_and_non_differentiable():
    x = f64(1.0, 2.0)
    a, b, i = SplitExp.apply(x)
    assert a.grad_fn is b.grad_fn and not i.requires_grad and i.dtype == tc.int64
    a.sum().backward()  # b unused: its gradient arrives as zeros
    close(x.grad, [2.0, 2.0])
    x.grad = None
    a, b, _ = SplitExp.apply(x)
    (a.sum() + b.sum()).backward()
    close(x.grad, 2 + np.exp([1.0, 2.0]))
    assert gradcheck(lambda t: SplitExp.apply(t)[:2], (f64(0.5, -1.0),))


class Cube(Function):
    """x^3 with a backward written in tensor ops (so it is differentiable)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * g * x * x


def test_double_backward_through_custom_function():
    x = f64(2.0)
    (g,) = tc.autograd.grad(Cube.apply(x), x, create_graph=True)
    close(g, [12.0])
    (h,) = tc.autograd.grad(g, x)
    close(h, [12.0])
    assert gradgradcheck(Cube.apply, (f64(0.5, -1.5),))


class ReturnsArray(Function):
    """forward may return a NumPy array; backward may return None for an input."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.detach().numpy() * scale

    @staticmethod
    def backward(ctx, g):
        return g * ctx.scale, None


def test_custom_function_returning_array_and_none_grad():
    x = f64(1.0, 2.0)
    y = ReturnsArray.apply(x, 3.0)
    assert isinstance(y, tc.Tensor) and y.requires_grad
    y.sum().backward()
    close(x.grad, [3.0, 3.0])


def test_custom_function_wrong_number_of_grads_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="BadBackward.*incorrect number of gradients.*expected 2, got 1"):
        Bad.apply(f64(1.0), f64(2.0)).backward()


def test_custom_function_saved_tensors_freed_after_backward():
    x = f64(1.0)
    y = Cube.apply(x)
    node = y.grad_fn
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        node.saved_tensors


def test_function_is_not_instantiated():
    with pytest.raises(RuntimeError, match="apply"):
        Cube()


# ------------------------------------------------------------------------------ anomaly mode
def test_detect_anomaly_forward_names_the_op_and_place():
    x = f64(-1.0, 1.0)
    with tc.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="(?s)Log.*nan.*created at") as info:
            x.log()
    assert "test_autograd.py" in str(info.value)
    assert not tc.autograd.is_anomaly_enabled()


def test_detect_anomaly_backward_names_the_op():
    x = f64(0.0, 1.0)
    with tc.autograd.detect_anomaly():
        y = x.sqrt().sum()  # finite forward, inf gradient at 0
        with pytest.raises(RuntimeError, match="SqrtBackward0.*inf"):
            y.backward()


def test_detect_anomaly_as_decorator_and_quiet_when_finite():
    @tc.autograd.detect_anomaly()
    def run(x):
        (x.exp() * 2).sum().backward()
        return tc.autograd.is_anomaly_enabled()

    x = f64(1.0)
    assert run(x) and not tc.autograd.is_anomaly_enabled()
    close(x.grad, [2 * math.e])


# -------------------------------------------------------------------------------- dtype rules
def test_python_data_dtypes():
    assert tc.tensor(1.5).dtype == tc.float32
    assert tc.tensor([1.0, 2.0]).dtype == tc.float32
    assert tc.tensor([1, 2]).dtype == tc.int64
    assert tc.tensor([True]).dtype == tc.bool
    assert tc.Tensor([1, 2]).dtype == tc.float32  # tc.Tensor(list) is float, as torch.Tensor


def test_numpy_arrays_keep_their_dtype():
    assert tc.tensor(np.zeros(2, np.float64)).dtype == tc.float64
    assert tc.tensor(np.zeros(2, np.float32)).dtype == tc.float32
    assert tc.tensor(np.zeros(2, np.int32)).dtype == tc.int32
    a = np.arange(3.0)
    t = tc.from_numpy(a)
    a[0] = 9.0
    assert t.dtype == tc.float64 and t[0].item() == 9.0  # shared memory
    assert tc.Tensor(np.zeros(2, np.float64)).dtype == tc.float64


def test_explicit_dtype_converts_once():
    assert tc.tensor([0.3], dtype=tc.float64).numpy()[0] == 0.3
    assert tc.Tensor([0.3], dtype=tc.float64).numpy()[0] == 0.3


def test_set_default_dtype():
    try:
        tc.set_default_dtype(tc.float64)
        assert tc.get_default_dtype() == tc.float64
        assert tc.tensor([1.5]).dtype == tc.float64 and tc.zeros(2).dtype == tc.float64
        assert (tc.tensor([1]) * 0.5).dtype == tc.float64
    finally:
        tc.set_default_dtype(tc.float32)
    assert tc.tensor([1.5]).dtype == tc.float32
    with pytest.raises(TypeError, match="floating-point"):
        tc.set_default_dtype(tc.int64)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: tc.tensor([1, 2]) * 1.5, tc.float32),
        (lambda: tc.tensor([1, 2]) * tc.tensor([1.5]), tc.float32),
        (lambda: tc.tensor([1.0]) + tc.tensor(np.array([1.0])), tc.float64),
        (lambda: tc.tensor([1.0]) + tc.tensor(np.array(1.0)), tc.float32),  # 0-d does not win
        (lambda: tc.tensor([1]) + tc.tensor(np.array(1.0)), tc.float64),  # higher category wins
        (lambda: tc.tensor(np.array([1], np.int32)) + tc.tensor(5), tc.int32),
        (lambda: tc.tensor([True]) * 2, tc.int64),
        (lambda: tc.tensor([True]) * 2.5, tc.float32),
        (lambda: tc.tensor([1]) / tc.tensor([2]), tc.float32),
        (lambda: tc.tensor([3]) / 2, tc.float32),
        (lambda: tc.tensor([3]) ** 2, tc.int64),
        (lambda: tc.tensor([4]) ** 0.5, tc.float32),
        (lambda: tc.tensor([1, 2]).sum(), tc.int64),
        (lambda: tc.tensor([True, True]).sum(), tc.int64),
        (lambda: tc.tensor([1, 2]).exp(), tc.float32),
        (lambda: tc.tensor(np.zeros(2)).float(), tc.float32),
        (lambda: tc.tensor([1.0]).double(), tc.float64),
        (lambda: tc.tensor([1.7]).long(), tc.int64),
        (lambda: tc.tensor([1.0]).to(tc.float64), tc.float64),
        (lambda: tc.cat([tc.tensor([1]), tc.tensor([1.5])]), tc.float32),
        (lambda: tc.where(tc.tensor([True]), tc.tensor([1]), 0.5), tc.float32),
    ],
)
def test_type_promotion(make, expected):
    assert make().dtype == expected


def test_float32_gradient_of_mixed_dtype_op_keeps_leaf_dtype():
    x = tc.ones(2, requires_grad=True)
    w = tc.tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype == tc.float32 and w.grad.dtype == tc.float64


def test_factories():
    assert tc.zeros(2, 3).shape == (2, 3) and tc.zeros((2, 3)).dtype == tc.float32
    assert tc.ones([2]).dtype == tc.float32
    assert tc.full((2,), 3).dtype == tc.int64 and tc.full((2,), 3.0).dtype == tc.float32
    assert tc.arange(3).dtype == tc.int64 and tc.arange(0, 1, 0.5).dtype == tc.float32
    close(tc.linspace(0, 1, 5), np.linspace(0, 1, 5), 1e-7)
    close(tc.eye(2, 3), np.eye(2, 3))
    assert tc.randint(0, 5, (3,)).dtype == tc.int64
    assert tc.zeros_like(tc.tensor([1, 2])).dtype == tc.int64
    assert tc.randn_like(tc.tensor(np.zeros(2))).dtype == tc.float64
    assert tc.rand(2, 2, dtype=tc.float64).dtype == tc.float64
    tc.manual_seed(1)
    a = tc.randn(3)
    tc.manual_seed(1)
    close(a, tc.randn(3).numpy())
    r = tc.ones(2, requires_grad=True)
    assert r.requires_grad and r.is_leaf


def test_zero_dim_and_n_dim():
    s = tc.tensor(2.0)
    assert s.ndim == 0 and s.shape == () and s.item() == 2.0
    assert (s * tc.tensor([1.0, 2.0])).shape == (2,)
    x = tc.tensor(3.0, dtype=tc.float64, requires_grad=True)
    (x * x).backward()
    assert x.grad.shape == ()


# --------------------------------------------------------------------------------- comparisons
@pytest.mark.parametrize("cmp", [
    lambda a, b: a == b, lambda a, b: a != b, lambda a, b: a < b,
    lambda a, b: a <= b, lambda a, b: a > b, lambda a, b: a >= b,
])
def test_comparisons_are_bool_without_history(cmp):
    a, b = f64(1.0, 2.0, 3.0), f64(2.0)
    r = cmp(a, b)
    assert r.dtype == tc.bool and not r.requires_grad and r.grad_fn is None
    assert cmp(a, 2.0).dtype == tc.bool


# ------------------------------------------------------------------------------------- ties
def test_max_all_splits_gradient_evenly_on_ties():
    x = f64(1.0, 3.0, 3.0, 2.0)
    x.max().backward()
    close(x.grad, [0.0, 0.5, 0.5, 0.0])
    y = f64(3.0, 1.0, 3.0)
    y.amax().backward()
    close(y.grad, [0.5, 0.0, 0.5])
    z = f64(1.0, 1.0, 2.0)
    z.min().backward()
    close(z.grad, [0.5, 0.5, 0.0])


def test_max_dim_sends_gradient_to_returned_index():
    x = tc.tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), requires_grad=True)
    r = x.max(dim=1)
    assert r.indices.tolist() == [1, 0] and r.values.tolist() == [3.0, 2.0]
    values, indices = r  # a named tuple
    assert indices.dtype == tc.int64 and not indices.requires_grad
    values.sum().backward()
    close(x.grad, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    k = tc.min(x, 1, keepdim=True)
    assert k.values.shape == (2, 1) and k.indices.tolist() == [[0], [2]]


def test_maximum_ties_split_evenly():
    a, b = f64(1.0, 2.0), f64(1.0, 0.0)
    tc.maximum(a, b).sum().backward()
    close(a.grad, [0.5, 1.0])
    close(b.grad, [0.5, 0.0])


# ----------------------------------------------------------------------------------- stability
def test_softmax_family_is_stable_at_1e4():
    x = tc.tensor(np.array([1e4, 0.0, -1e4]), requires_grad=True)
    close(x.softmax(0), [1.0, 0.0, 0.0])
    close(x.log_softmax(0), [0.0, -1e4, -2e4])
    close(x.logsumexp(0), [1e4])
    x.log_softmax(0).sum().backward()
    close(x.grad, [-2.0, 1.0, 1.0])
    y = tc.tensor(np.array([[1e4, 1e4], [-1e4, -1e4]]), requires_grad=True)
    out = y.logsumexp(1)
    close(out, [1e4 + math.log(2), -1e4 + math.log(2)])
    out.sum().backward()
    close(y.grad, np.full((2, 2), 0.5))
    assert np.all(np.isfinite(tc.tensor([1e4, -1e4]).sigmoid().numpy()))
    z = tc.tensor([1e4, 1e4], dtype=tc.float32)
    assert np.all(np.isfinite(z.softmax(0).numpy())) and np.all(np.isfinite(z.log_softmax(0).numpy()))


def test_logsumexp_of_all_minus_inf():
    assert tc.tensor([-math.inf, -math.inf]).logsumexp(0).item() == -math.inf


# ---------------------------------------------------------------------------------- functional
def test_functional_vjp_jvp_jacobian_hessian_hvp():
    x = f64(1.0, 2.0, rg=False)
    v = f64(1.0, -1.0, rg=False)
    out, g = F.vjp(lambda t: t**2, x, v)
    close(out, [1.0, 4.0])
    close(g, [2.0, -4.0])  # v^T diag(2x)
    out, jv = F.jvp(lambda t: t**2, x, v)
    close(jv, [2.0, -4.0])
    J = F.jacobian(lambda t: t.sin() * t.sum(), x)
    s = 3.0
    expected = np.diag(np.cos([1.0, 2.0]) * s) + np.sin([1.0, 2.0])[:, None]
    close(J, expected)
    H = F.hessian(lambda t: (t**3).sum() + t[0] * t[1], x)
    close(H, [[6.0, 1.0], [1.0, 12.0]])
    val, hv = F.hvp(lambda t: (t**3).sum() + t[0] * t[1], x, v)
    close(val, [9.0 + 2.0])
    close(hv, np.array([[6.0, 1.0], [1.0, 12.0]]) @ [1.0, -1.0])
    assert not x.requires_grad and x.grad is None


def test_functional_several_inputs():
    a, b = f64(1.0, 2.0, rg=False), f64(3.0, 4.0, rg=False)
    Ja, Jb = F.jacobian(lambda p, q: p * q, (a, b))
    close(Ja, np.diag([3.0, 4.0]))
    close(Jb, np.diag([1.0, 2.0]))
    H = F.hessian(lambda p, q: (p * p * q).sum(), (a, b))
    close(H[0][0], np.diag([6.0, 8.0]))
    close(H[0][1], np.diag([2.0, 4.0]))
    close(H[1][1], np.zeros((2, 2)))


def test_functional_matrix_jacobian_shape():
    W = tc.tensor(np.arange(6.0).reshape(2, 3))
    x = f64(1.0, 2.0, 3.0, rg=False)
    J = F.jacobian(lambda t: W @ t, x)
    assert J.shape == (2, 3)
    close(J, np.arange(6.0).reshape(2, 3))

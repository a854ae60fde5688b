"""Hooks on graph nodes, ``grad_fn.register_hook`` and ``grad_fn.register_prehook``, against
PyTorch: what the hooks see, what their results change, their order with tensor hooks, removal,
several outputs, user Functions and create_graph."""
import numpy as np
import pytest

import tinygrad_course as tc

torch = pytest.importorskip("torch")


def _both(program):
    """Run ``program(lib, log)`` with both libraries; returns their results and logs."""
    out = {}
    for lib in (tc, torch):
        log = []
        res = program(lib, log)
        out[lib.__name__] = (res, log)
    return out["tinygrad_course"], out["torch"]


def _np(v):
    if isinstance(v, (list, tuple)):
        return [_np(x) for x in v]
    return None if v is None else np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)


def _assert_same(a, b):
    (ra, la), (rb, lb) = a, b
    assert la == lb
    for x, y in zip(_np(ra), _np(rb)):
        np.testing.assert_allclose(x, y, rtol=1e-6)


def test_post_and_pre_hooks_change_the_gradients_as_in_torch():
    def program(L, log):
        x = L.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = x.exp() * 3.0
        z = y.tanh()
        y.grad_fn.register_hook(lambda gi, go: (log.append(("post", [g is None for g in gi], len(go))),
                                                (gi[0] * 2,) + tuple(gi[1:]))[1])
        y.grad_fn.register_prehook(lambda go: (log.append(("pre", len(go))), (go[0] + 1.0,))[1])
        z.grad_fn.register_prehook(lambda go: log.append(("pre-z", len(go))))  # returns None: no change
        z.sum().backward()
        return [x.grad]

    _assert_same(*_both(program))


def test_tensor_hooks_run_before_the_nodes_prehook():
    def program(L, log):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.register_hook(lambda g: (log.append("tensor"), g * 3)[1])
        y.grad_fn.register_prehook(lambda go: (log.append("node"), (go[0] + 1,))[1])
        y.sum().backward()
        return [x.grad]

    _assert_same(*_both(program))


def test_removed_hooks_stop_running():
    def program(L, log):
        x = L.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2.0
        h = y.grad_fn.register_hook(lambda gi, go: (log.append("post"), (gi[0] * 10, gi[1]))[1])
        p = y.grad_fn.register_prehook(lambda go: (log.append("pre"), None)[1])
        y.sum().backward(retain_graph=True)
        first = x.grad.clone()
        h.remove()
        p.remove()
        x.grad = None
        y.sum().backward()
        return [first, x.grad]

    _assert_same(*_both(program))


def test_a_node_with_several_outputs_sees_all_of_them():
    def program(L, log):
        class Halves(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 0.5, x * 1.5

            @staticmethod
            def backward(ctx, ga, gb):
                return ga * 0.5 + (0 if gb is None else gb * 1.5)

        x = L.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
        a, b = Halves.apply(x)
        a.grad_fn.register_prehook(lambda go: log.append([g is None for g in go]))
        a.grad_fn.register_hook(lambda gi, go: log.append((len(gi), len(go))))
        (a * 2).sum().backward()  # b is unused: its gradient arrives as zeros (materialized) or None
        return [x.grad]

    _assert_same(*_both(program))


def test_hooks_on_a_user_functions_node_and_under_create_graph():
    def program(L, log):
        class Cube(L.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return 3 * x * x * g

        x = L.tensor([0.5, -1.5], dtype=L.float64, requires_grad=True)
        y = Cube.apply(x)
        y.grad_fn.register_hook(lambda gi, go: (gi[0] * go[0],))
        (g,) = L.autograd.grad(y.sum() * 2.0, x, create_graph=True)
        (h,) = L.autograd.grad(g.sum(), x)
        return [g, h]

    _assert_same(*_both(program))


def test_a_hook_returning_the_wrong_count_is_an_error_naming_the_node():
    x = tc.tensor([1.0], requires_grad=True)
    y = x.exp()
    y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="ExpBackward0 hook returned 2 values"):
        y.sum().backward()
    with pytest.raises(TypeError, match="callable"):
        y.grad_fn.register_prehook(3)

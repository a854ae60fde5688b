"""The backward walk on random graphs (diamonds, reused values, several-output nodes, chains)
against PyTorch: gradients of every leaf, with backward() and with autograd.grad() on a part
of the graph, and the order of tensor hooks along a chain."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_course as tc

torch = pytest.importorskip("torch")

# each step makes new values from earlier ones: (name, arity, how many outputs)
STEPS = [("add", 2, 1), ("mul", 2, 1), ("tanh", 1, 1), ("scale", 1, 1), ("chunk", 1, 2), ("sub", 2, 1)]


def _run(lib, program, leaves):
    vals = list(leaves)
    for kind, srcs in program:
        a = vals[srcs[0]]
        if kind == "add":
            vals.append(a + vals[srcs[1]])
        elif kind == "sub":
            vals.append(a - vals[srcs[1]])
        elif kind == "mul":
            vals.append(a * vals[srcs[1]])
        elif kind == "tanh":
            vals.append(a.tanh())
        elif kind == "scale":
            vals.append(a * 0.5 + 1.0)
        else:  # two outputs of one node; the halves are joined back so shapes stay equal
            lo, hi = lib.chunk(a, 2, 0)
            vals.append(lib.cat([hi, lo], 0))
            vals.append(lib.cat([lo * 2.0, hi], 0))
    return vals


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 3))
    program = []
    n = n_leaves
    for _ in range(draw(st.integers(1, 14))):
        kind, arity, outs = draw(st.sampled_from(STEPS))
        srcs = [draw(st.integers(0, n - 1)) for _ in range(arity)]
        program.append((kind, srcs))
        n += outs
    roots = draw(st.lists(st.integers(n_leaves, n - 1), min_size=1, max_size=3, unique=True))
    values = draw(st.lists(st.floats(-1.5, 1.5), min_size=4 * n_leaves, max_size=4 * n_leaves))
    return n_leaves, program, roots, np.array(values).reshape(n_leaves, 4)


def _leaves(lib, data):
    return [lib.tensor(row, dtype=lib.float64, requires_grad=True) for row in data]


@settings(max_examples=60, deadline=None)
@given(programs())
def test_backward_of_random_graphs_matches_torch(case):
    n_leaves, program, roots, data = case
    grads = []
    for lib in (tc, torch):
        leaves = _leaves(lib, data)
        vals = _run(lib, program, leaves)
        loss = sum((vals[r] * (k + 1.0)).sum() for k, r in enumerate(roots))
        if not loss.requires_grad:
            return
        loss.backward()
        grads.append([None if t.grad is None else np.asarray(t.grad.detach().numpy()) for t in leaves])
    for ours, theirs in zip(*grads):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(programs(), st.data())
def test_grad_of_a_part_of_random_graphs_matches_torch(case, data):
    n_leaves, program, roots, values = case
    root = roots[0]
    # ask for the gradient w.r.t. a computed value as well as the leaves: grad() must stop there
    mid = data.draw(st.integers(0, root))
    results = []
    for lib in (tc, torch):
        leaves = _leaves(lib, values)
        vals = _run(lib, program, leaves)
        if not vals[root].requires_grad or not vals[mid].requires_grad:
            return
        out = (vals[root] ** 2).sum()
        got = lib.autograd.grad(out, [vals[mid]] + leaves, allow_unused=True)
        results.append([None if g is None else np.asarray(g.detach().numpy()) for g in got])
    for ours, theirs in zip(*results):
        assert (ours is None) == (theirs is None)
        if ours is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_hooks_along_a_chain_with_a_branch_run_in_torchs_order():
    order = {}
    for lib in (tc, torch):
        seen = order[lib.__name__] = []
        x = lib.tensor([0.3, -0.7], requires_grad=True)
        a = x * 2.0
        b = a.tanh()
        c = a * 3.0  # a has two consumers: its hook runs once both have run
        d = b + c
        for name, t in (("a", a), ("b", b), ("c", c), ("d", d)):
            t.register_hook(lambda g, name=name: seen.append(name))
        d.sum().backward()
        x.register_hook(lambda g: None)
    assert order["tinygrad_course"][0] == "d" and order["tinygrad_course"][-1] == "a"
    assert sorted(order["tinygrad_course"]) == sorted(order["torch"])

"""backward_steps: the backward pass node by node; anomaly mode's creation sites."""
import numpy as np
import pytest

import tinygrad_course as tc


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    x = tc.tensor(rng.standard_normal((4, 3)))
    W1 = tc.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    b1 = tc.tensor(rng.standard_normal(5), requires_grad=True)
    W2 = tc.tensor(rng.standard_normal((1, 5)), requires_grad=True)
    return x, [W1, b1, W2]


def _loss(x, W1, b1, W2):
    return ((x @ W1.T + b1).tanh() @ W2.T).pow(2).mean()


def test_steps_accumulate_exactly_what_backward_does():
    x, ps = _mlp()
    _loss(x, *ps).backward()
    expected = [p.grad.numpy().copy() for p in ps]
    x, ps = _mlp()
    steps = list(tc.autograd.backward_steps(_loss(x, *ps)))
    assert [s.node for s in steps] == [
        "MeanBackward0", "PowBackward0", "MatMulBackward0", "PermuteBackward0", "TanhBackward0",
        "AddBackward0", "MatMulBackward0", "PermuteBackward0",
    ]
    for p, e in zip(ps, expected):
        np.testing.assert_array_equal(p.grad.numpy(), e)


def test_grad_is_filled_only_when_exhausted():
    x, ps = _mlp()
    it = tc.autograd.backward_steps(_loss(x, *ps))
    next(it)
    assert all(p.grad is None for p in ps)
    list(it)
    assert all(p.grad is not None for p in ps)


def test_records_carry_gradients_and_broadcast_sums():
    x, (W1, b1, W2) = _mlp()
    h = x @ W1.T + b1
    steps = list(tc.autograd.backward_steps(h.sum()))
    add = next(s for s in steps if s.node == "AddBackward0")
    assert add.grad_outputs[0].shape == (4, 5)
    assert add.summed_axes == {1: (0,)}  # the bias was broadcast over the batch
    np.testing.assert_allclose(add.grad_inputs[1].numpy(), np.full(5, 4.0))
    assert add.input_shapes[1] == (5,)


def test_created_at_names_the_users_line_in_anomaly_mode():
    x, (W1, b1, W2) = _mlp()
    with tc.autograd.detect_anomaly(check_nan=False):
        assert tc.autograd.is_anomaly_enabled() and not tc.autograd.is_anomaly_check_nan_enabled()
        y = (x @ W1.T).tanh().sum()  # the line to find
    steps = list(tc.autograd.backward_steps(y))
    assert all(s.created_at and "the line to find" in s.created_at for s in steps)
    assert "test_backward_steps.py" in steps[0].created_at
    assert "TanhBackward0" in str(steps[1])


def test_without_anomaly_mode_created_at_is_none_and_graph_is_freed():
    x, ps = _mlp()
    y = _loss(x, *ps)
    assert all(s.created_at is None for s in tc.autograd.backward_steps(y))
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_check_nan_false_records_without_checking():
    z = tc.tensor([0.0], requires_grad=True)
    with tc.autograd.detect_anomaly(check_nan=False):
        (z / 0).sum()  # no error: nothing is checked
    with pytest.raises(RuntimeError, match="nan"):
        with tc.autograd.detect_anomaly():
            (z / 0).sum()


def test_draw_backward_marks_done_current_pending_and_changes_nothing():
    pytest.importorskip("graphviz")
    x, (W1, b1, W2) = _mlp()
    y = (x @ W1.T).tanh().sum()
    g = tc.viz.draw_backward(y, step=1, params={"W1": W1})
    src = g.source
    assert "0: Sum (done)" in src and "1: Tanh (running)" in src and "2: MatMul" in src
    assert "grad in: 4x5, |g| = 4.472" in src  # the ones reaching the tanh: sqrt(20)
    assert "W1" in src
    assert W1.grad is None  # nothing accumulated
    y.backward()  # the graph was retained
    assert W1.grad is not None
    with pytest.raises(IndexError, match="out of range"):
        tc.viz.draw_backward((x @ W1.T).sum(), step=9)

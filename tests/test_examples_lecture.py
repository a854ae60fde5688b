"""Smoke tests for the lecture's examples: each runs with --quick into a temporary folder."""
import shutil

import numpy as np
import pytest

from _helpers import HAVE_MPL, load_example, run_example, written

HAVE_DOT = shutil.which("dot") is not None


def test_perceptron(tmp_path):
    out = run_example("perceptron.py", tmp_path)
    acc = [float(line.rsplit(" ", 1)[1]) for line in out.splitlines() if "test accuracy" in line]
    assert len(acc) == 2 and acc[0] >= 0.9  # X vs O is easy even in the quick run
    assert written(tmp_path) == (["perceptron.png"] if HAVE_MPL else [])


def test_perceptron_rule_stops_on_separable_data():
    tc = pytest.importorskip("tinygrad_course")
    mod = load_example("perceptron")
    X = tc.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    D = tc.tensor([[1.0], [0.0], [1.0], [0.0]])  # d = x_0: linearly separable
    W, b, mistakes = mod.train_perceptrons(X, D, epochs=50)
    assert mistakes[-1] == 0 and len(mistakes) < 50
    np.testing.assert_array_equal(((X @ W.T + b) > 0).float().numpy(), D.numpy())


def test_universal_approximation(tmp_path):
    out = run_example("universal_approximation.py", tmp_path)
    hand = [float(line.rsplit("= ", 1)[1]) for line in out.splitlines() if line.startswith("by hand")]
    assert hand == sorted(hand, reverse=True) and hand[-1] < 0.05  # more units, smaller error
    assert written(tmp_path) == (["universal_approximation.png"] if HAVE_MPL else [])


def test_universal_approximation_by_hand_interpolates_at_the_knots():
    mod = load_example("universal_approximation")
    alpha, a, b = mod.by_hand(9)
    knots = np.linspace(mod.A, mod.B, 9)
    np.testing.assert_allclose(mod.relu_sum(alpha, a, b, knots), mod.f(knots), atol=1e-12)


def test_backprop_by_hand_asserts_equality_with_the_tape(tmp_path):
    out = run_example("backprop_by_hand.py", tmp_path)
    assert "OK: the hand-derived error signals give exactly the tape's gradients" in out
    assert "dL/dW^1 by hand" in out and "dL/dW^1 from the tape" in out
    assert "e^2 by hand" in out and "tape (grad into h^2)" in out and "TanhBackward0" in out
    ext = "svg" if HAVE_DOT else "gv"
    assert written(tmp_path) == [f"backprop_by_hand.{ext}", f"backprop_step.{ext}"]


def test_backprop_by_hand_error_signals_equal_the_tapes():
    mod = load_example("backprop_by_hand")
    rng = np.random.default_rng(7)
    Ws = [rng.standard_normal((mod.SIZES[i + 1], mod.SIZES[i])) for i in range(3)]
    x0, y = rng.standard_normal((3, 1)), np.ones((1, 1))
    mod.by_hand(Ws, x0, y)
    tape_e, _ = mod.tape_errors(Ws, x0, y)
    for l in range(3):
        np.testing.assert_allclose(tape_e[l], mod.by_hand.errors[l], rtol=1e-10, atol=1e-14)


def test_backprop_by_hand_formulas_match_the_tape_on_other_inputs():
    mod = load_example("backprop_by_hand")
    rng = np.random.default_rng(42)
    Ws = [rng.standard_normal((mod.SIZES[i + 1], mod.SIZES[i])) for i in range(3)]
    x0, y = rng.standard_normal((3, 7)), rng.integers(0, 2, (1, 7)).astype(np.float64)
    L, hand = mod.by_hand(Ws, x0, y)
    loss, W = mod.by_tape(Ws, x0, y)
    assert loss.item() == pytest.approx(L, rel=1e-12)
    for l in range(3):
        np.testing.assert_allclose(W[l].grad.numpy(), hand[l], rtol=1e-10, atol=1e-14)


@pytest.mark.slow
def test_optimizers(tmp_path):
    out = run_example("optimizers.py", tmp_path)
    assert out.count("race on ") == 4 and "MLP 64-64-10 on digits" in out
    for name in ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "NAdam"):
        assert f"\n{name} " in out
    expected = ["optimizers_digits.png", "race_beale.png", "race_rosenbrock.png", "race_saddle.png",
                "race_valley.png"]
    assert written(tmp_path) == (expected if HAVE_MPL else [])


@pytest.mark.slow
def test_newton_vs_gd(tmp_path):
    out = run_example("newton_vs_gd.py", tmp_path)
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.split() and line.split()[0] in ("GD", "Newton", "NewtonCG", "L-BFGS")}
    assert set(rows) == {"GD", "Newton", "NewtonCG", "L-BFGS"}
    assert int(rows["Newton"][1]) <= 10 and int(rows["NewtonCG"][1]) <= 10  # quadratic convergence
    assert written(tmp_path) == (["newton_vs_gd.png"] if HAVE_MPL else [])


def test_custom_function_bug_is_caught_and_shrunk_then_fixed(tmp_path):
    out = run_example("custom_function.py", tmp_path)
    caught = out.split("1) the buggy backward", 1)[1].split("2) the fixed backward", 1)[0]
    assert "caught: check_gradients(BuggyLogSumExp.apply): gradcheck failed" in caught
    assert "Smallest failing input" in caught and "Jacobian mismatch" in caught
    assert "gradcheck passed" in out and "gradgradcheck passed" in out
    assert written(tmp_path) == (["custom_function.svg"] if HAVE_DOT else ["custom_function.gv"])


def test_draw_graph_example(tmp_path):
    out = run_example("draw_graph.py", tmp_path)
    assert "0: Linear(4, 8)" in out and "weight (8, 4)" in out and "|grad| =" in out
    assert "loss (CrossEntropyLoss)" in out
    assert written(tmp_path) == (["graph_mlp.png", "graph_mlp.svg"] if HAVE_DOT else ["graph_mlp.gv"])

"""The numbers behind the lecture's pictures (not the pixels): each example's data function is called
and the slide's point is asserted on what it returns."""
import numpy as np
import pytest

from _helpers import HAVE_MPL, load_example, run_example, written


def _grad(surface, w):
    x, y = w
    if surface == "valley":
        return np.array([x, 20.0 * y])
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])  # rosenbrock


def _lecture_path(surface, start, gamma, eta, nesterov, steps):
    """The slide's formulas, written out: v <- eta v + gamma grad f(W [- eta v]); W <- W - v."""
    w, v, path = np.array(start, dtype=float), np.zeros(2), [np.array(start, dtype=float)]
    for _ in range(steps):
        v = eta * v + gamma * _grad(surface, w - eta * v if nesterov else w)
        w = w - v
        path.append(w)
    return np.array(path)


# ---------------------------------------------------------------- momentum vs Nesterov

@pytest.mark.parametrize("surface", ["valley", "rosenbrock"])
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_nesterov_paths_are_the_lecture_iterates(surface, nesterov):
    mod = load_example("momentum_nesterov")
    from tinygrad_course.viz import surfaces

    lr = mod.LR[surface]
    path, losses = mod.trajectory(surface, nesterov, lr, 0.9, steps=60)
    expected = _lecture_path(surface, surfaces.SURFACES[surface].start, lr, 0.9, nesterov, 60)
    np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, surfaces.SURFACES[surface].fn(expected.T), rtol=1e-9)


def test_overshoot_measure():
    mod = load_example("momentum_nesterov")
    # crossings landing within 1% of |d_0| of the floor are not counted
    assert mod.overshoot(np.array([1.0, 0.5, -0.3, 0.2, -0.001, 0.0005])) == (2, 0.3)
    assert mod.overshoot(np.array([1.0, 0.5, 0.1])) == (0, 0.0)


def test_momentum_overshoots_the_valley_nesterov_less_at_the_same_lr():
    mod = load_example("momentum_nesterov")
    res = mod.compare(quick=True)
    for surface in ("valley", "rosenbrock"):
        r = res[surface]
        m, n = r["Momentum"], r["Nesterov"]
        assert r["momentum"] == 0.9 and r["lr"] == mod.LR[surface]  # one gamma, one eta for both
        assert m["overshoot"] > 3 * n["overshoot"], surface
        assert m["crossings"] > 3 * max(n["crossings"], 1), surface
        # the floor distance is the one of the plotted path
        np.testing.assert_allclose(m["d"], mod.floor_distance(surface, m["path"]))
        # and both still go down the valley
        assert m["losses"][-1] < 1e-2 * m["losses"][0] and n["losses"][-1] < 1e-2 * n["losses"][0]


def test_momentum_nesterov_example(tmp_path):
    out = run_example("momentum_nesterov.py", tmp_path)
    assert out.count("Momentum") == 2 and out.count("Nesterov") == 2
    assert written(tmp_path) == (["momentum_nesterov.png"] if HAVE_MPL else [])

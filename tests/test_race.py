"""run_race: every optimizer from one start on a 2D surface; table, PNG, results."""
import sys

import numpy as np
import pytest

from tinygrad_course.viz import run_race, surfaces
from tinygrad_course.viz.race import LEARNING_RATES, OPTIMIZERS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("surface", ["rosenbrock", "beale", "saddle"])
def test_quick_race_writes_one_png_and_prints_the_table(surface, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    results = run_race(surface, out=tmp_path, steps=60)
    assert list(results) == list(OPTIMIZERS)
    assert [p.name for p in tmp_path.iterdir()] == [f"race_{surface}.png"]
    assert (tmp_path / f"race_{surface}.png").read_bytes()[:8] == PNG_MAGIC
    table = capsys.readouterr().out
    assert "optimizer" in table and "final loss" in table and "steps to tol" in table
    start = np.array(surfaces.SURFACES[surface].start)
    for name, r in results.items():
        assert name in table
        np.testing.assert_array_equal(r["path"][0], start)
        assert r["path"].shape == (r["steps"] + 1, 2) and r["steps"] <= 60
        # the recorded losses are the surface's values along the path
        f = surfaces.SURFACES[surface].fn(r["path"][: len(r["losses"])].T)
        np.testing.assert_allclose(r["losses"], f, rtol=1e-10)
        assert r["final_loss"] == r["losses"][-1]


def test_newton_and_adam_reach_tolerance_on_rosenbrock():
    results = run_race("rosenbrock", steps=3000, tol=1e-4, optimizers=["Newton", "Adam", "SGD"], plot=False,
                       verbose=False)
    assert results["Newton"]["status"] == "reached" and results["Newton"]["steps_to_tol"] <= 50
    assert results["Adam"]["status"] == "reached" and results["Adam"]["steps_to_tol"] <= 2000
    assert results["Adam"]["final_loss"] <= 1e-4
    np.testing.assert_allclose(results["Newton"]["path"][-1], [1.0, 1.0], atol=2e-2)
    # plain gradient descent crawls along the valley: the point of the race
    assert results["SGD"]["steps_to_tol"] is None and results["SGD"]["final_loss"] > 1e-3


def test_sgd_path_is_plain_gradient_descent():
    lr = LEARNING_RATES["rosenbrock"]["SGD"]
    r = run_race("rosenbrock", steps=25, optimizers=["SGD"], plot=False, verbose=False)["SGD"]
    p = np.array(surfaces.SURFACES["rosenbrock"].start)
    for k in range(25):
        x, y = p
        grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        p = p - lr * grad
        np.testing.assert_allclose(r["path"][k + 1], p, rtol=1e-12)


def test_adaptive_methods_escape_the_saddle_where_sgd_stalls():
    results = run_race("saddle", plot=False, verbose=False)
    assert results["SGD"]["steps_to_tol"] is None
    for name in ("Adagrad", "RMSprop", "Adam", "NAdam"):
        assert results[name]["steps_to_tol"] is not None and results[name]["steps_to_tol"] < 50, name
    # damped Newton turns away from the saddle instead of jumping onto it
    assert results["Newton"]["status"] == "reached"


def test_race_without_matplotlib_prints_table_and_hint_and_writes_nothing(tmp_path, capsys, monkeypatch):
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    run_race("beale", out=tmp_path, steps=10)
    out = capsys.readouterr().out
    assert "steps to tol" in out and "pip install matplotlib" in out
    assert list(tmp_path.iterdir()) == []


def test_race_bad_input():
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        run_race("himmelblau", plot=False)
    with pytest.raises(ValueError, match="unknown optimizer 'Adamax'"):
        run_race("beale", optimizers=["Adamax"], plot=False)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        run_race("beale", steps=0, plot=False)
    with pytest.raises(ValueError, match="tol must be a positive number"):
        run_race("beale", tol=-1.0, plot=False)


def test_momentum_and_nesterov_share_one_lr_on_every_surface():
    for surface, rates in LEARNING_RATES.items():
        assert rates["Momentum"] == rates["Nesterov"], surface


def test_race_nesterov_path_is_the_lecture_iterate_not_the_look_ahead_point():
    # v <- eta v + gamma grad f(W - eta v); W <- W - v, on the valley f = (x^2 + 20 y^2) / 2
    lr, eta = LEARNING_RATES["valley"]["Nesterov"], 0.9
    r = run_race("valley", steps=30, optimizers=["Nesterov"], plot=False, verbose=False)["Nesterov"]
    w, v = np.array(surfaces.SURFACES["valley"].start), np.zeros(2)
    for k in range(30):
        look = w - eta * v
        v = eta * v + lr * np.array([look[0], 20.0 * look[1]])
        w = w - v
        np.testing.assert_allclose(r["path"][k + 1], w, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(r["losses"], surfaces.valley(r["path"][: len(r["losses"])].T), rtol=1e-10)

"""examples/curvature.py: GD converges just below lr = 2/λmax and diverges just above (the numbers behind
docs/curvature.png), with λmax from hessian_eigenvalues checked against numpy.linalg.eigvalsh."""
import re

import numpy as np

from _helpers import HAVE_MPL, load_example, run_example, written


def test_curvature_example_runs_and_reports(tmp_path):
    out = run_example("curvature.py", tmp_path)
    runs = re.findall(r"lr = (\S+) x 2/lambda_max: \|w - w\*\| (\S+) -> (\S+) after \d+ steps \((\w+)\)", out)
    assert len(runs) == 4  # two problems, two step sizes each
    for factor, start, end, verdict in runs:
        start, end = float(start), float(end)
        if float(factor) < 1:
            assert verdict == "converges" and end < 1e-3 * start
        else:
            assert verdict == "diverges" and end > 10 * start
    assert re.search(r"final lambda_max = \S+ \(below 2/lr = 1\)", out)
    assert written(tmp_path) == (["curvature.png"] if HAVE_MPL else [])


def test_quadratic_lambda_max_and_threshold():
    mod = load_example("curvature")
    res = mod.quadratic_run(quick=True)
    lam = np.linalg.eigvalsh(res["A"]).max()
    assert abs(res["lam_max"] - lam) < 1e-8 * lam
    below, above = res["runs"][0.95], res["runs"][1.05]
    assert np.all(np.diff(below) <= 1e-12) and below[-1] < 1e-4 * below[0]
    assert above[-1] > 100 * above[0]


def test_logistic_lambda_max_matches_numpy_hessian_at_the_minimum():
    mod = load_example("curvature")
    res = mod.logistic_run(quick=True)
    X, y, w = res["X"], res["y"], res["w_star"]
    Xb = np.hstack([X, np.ones((len(X), 1))])
    p = 1 / (1 + np.exp(-(Xb @ w)))
    reg = np.r_[np.full(X.shape[1], mod.LAM), 0.0]
    grad = Xb.T @ (p - y) / len(X) + reg * w
    assert np.abs(grad).max() < 1e-8  # w* is the minimum
    H = Xb.T @ (Xb * (p * (1 - p))[:, None]) / len(X) + np.diag(reg)
    lam = np.linalg.eigvalsh(H).max()
    assert abs(res["lam_max"] - lam) < 1e-6 * lam
    below, above = res["runs"][0.95], res["runs"][1.05]
    assert below[-1] < 1e-2 * below[0]
    assert above.max() > 10 * above[0]

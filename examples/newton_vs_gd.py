"""Newton vs gradient descent (the lecture's slide) on L2-regularised logistic regression.

    GD:       W <- W - gamma grad f(W)                  (gamma = 1/L, L the gradient's Lipschitz constant)
    momentum: v <- eta v + gamma grad f(W);          W <- W - v
    Nesterov: v <- eta v + gamma grad f(W - eta v);  W <- W - v
              (gamma = 1/L, eta = (sqrt(kappa) - 1) / (sqrt(kappa) + 1), kappa = L / mu: the textbook
              choice for a strongly convex f; f is measured at the lecture's W, not at PyTorch's
              look-ahead parameter)
    Newton:   W <- W - [H f(W)]^{-1} grad f(W)          (exact Hessian: n backward passes per step)
    NewtonCG: solve H d = grad f by conjugate gradient on Hessian-vector products (no matrix)
    L-BFGS:   builds an approximation of H^{-1} from the last gradients (strong-Wolfe line search)

Problem: digits "3" vs "8" (64 pixels + a bias, 65 parameters), f(W) = mean binary cross-entropy
+ (lam/2) ||w||^2, which is strictly convex, so every method heads to the same minimum f*.
Measures iterations and seconds until f - f* <= tol; prints a table, plots f - f* against both.
The slide's "NAG is almost as fast as Newton on convex problems" is measured here: Nesterov needs
far fewer iterations than GD (~sqrt(kappa) instead of ~kappa), though still more than Newton's
handful, each of which costs a Hessian.

    python examples/newton_vs_gd.py [--out docs] [--quick]
"""
import os
import time

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F

from tinygrad_course.viz.race import lecture_iterate

from _common import example_parser, pyplot, save_figure

LAM = 1e-2


def problem(quick):
    X, y = tc.datasets.load_digits()
    keep = (y == 3) | (y == 8)
    X, y = X[keep].astype(np.float64) / 16.0, (y[keep] == 8).astype(np.float64)
    if quick:
        X, y = X[:120], y[:120]
    return tc.from_numpy(X), tc.from_numpy(y)


def objective(w, b, X, y):
    """f(W) = mean BCE(sigmoid(X w + b), y) + lam/2 ||w||^2."""
    return F.binary_cross_entropy_with_logits(X @ w + b, y) + 0.5 * LAM * (w * w).sum()


METHODS = ("GD", "Momentum", "Nesterov", "Newton", "NewtonCG", "L-BFGS")


def run(method, X, y, max_iters, f_star, tol, lr_gd, eta=0.0):
    """Iterate one method from W = 0; return (iterations, seconds, f - f*) after each step, until
    f - f* <= tol or max_iters iterations."""
    w = tc.zeros(X.shape[1], dtype=tc.float64, requires_grad=True)
    b = tc.zeros((), dtype=tc.float64, requires_grad=True)
    second = method in ("Newton", "NewtonCG")
    opt = {
        "GD": lambda: tc.optim.SGD([w, b], lr=lr_gd),
        "Momentum": lambda: tc.optim.SGD([w, b], lr=lr_gd, momentum=eta),
        "Nesterov": lambda: tc.optim.SGD([w, b], lr=lr_gd, momentum=eta, nesterov=True),
        "Newton": lambda: tc.optim.Newton([w, b], lr=1.0),
        "NewtonCG": lambda: tc.optim.NewtonCG([w, b], lr=1.0, cg_iters=50, cg_tol=1e-10),
        # two iterations per step() call (one per call restarts too often, in PyTorch too);
        # iterations are counted by the optimizer's state["n_iter"]
        "L-BFGS": lambda: tc.optim.LBFGS([w, b], lr=1.0, max_iter=2, history_size=10,
                                         line_search_fn="strong_wolfe"),
    }[method]()

    def closure():
        opt.zero_grad()
        loss = objective(w, b, X, y)
        loss.backward(create_graph=second)
        return loss

    def gap():  # f - f* at the lecture's iterate W
        with tc.no_grad():
            W = [tc.from_numpy(lecture_iterate(opt, q)) for q in (w, b)]
            return objective(W[0], W[1], X, y).item() - f_star

    iters, secs, gaps = [0], [0.0], [gap()]
    clock = 0.0
    while iters[-1] < max_iters and gaps[-1] > tol:
        t0 = time.perf_counter()
        opt.step(closure)
        clock += time.perf_counter() - t0
        gaps.append(gap())
        secs.append(clock)
        iters.append(opt.state[w]["n_iter"] if method == "L-BFGS" else iters[-1] + 1)
    return np.array(iters), np.array(secs), np.maximum(np.array(gaps), 1e-16)


def compare(quick=False, tol=1e-6):
    """The numbers behind the picture: each method's (iterations, seconds, f - f*) from W = 0 on the
    same problem, and the constants used: {"results", "L", "mu", "kappa", "eta", "f_star", "tol", "n", "d"}."""
    X, y = problem(quick)
    n, d = X.shape
    # gradient Lipschitz constant: sigmoid' <= 1/4, so L <= max eig([X 1]^T [X 1]) / (4 n) + lam
    Xb = np.hstack([X.numpy(), np.ones((n, 1))])
    L = np.linalg.eigvalsh(Xb.T @ Xb).max() / (4 * n) + LAM
    # f*: Newton's quadratic convergence gets it to machine precision in a few steps
    w = tc.zeros(d, dtype=tc.float64, requires_grad=True)
    b = tc.zeros((), dtype=tc.float64, requires_grad=True)
    ref = tc.optim.Newton([w, b])

    def closure():
        ref.zero_grad()
        loss = objective(w, b, X, y)
        loss.backward(create_graph=True)
        return loss

    for _ in range(20):
        ref.step(closure)
    with tc.no_grad():
        f_star = objective(w, b, X, y).item()
        p = tc.sigmoid(X @ w + b).numpy()
    # mu: the smallest curvature at the minimum (the unpenalised bias has less than lam)
    H = (Xb * (p * (1 - p))[:, None]).T @ Xb / n + LAM * np.diag(np.append(np.ones(d), 0.0))
    mu = np.linalg.eigvalsh(H).min()
    kappa = L / mu
    eta = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    first = 600 if quick else 10000
    budget = {"GD": first, "Momentum": first, "Nesterov": first, "Newton": 30, "NewtonCG": 30, "L-BFGS": 300}
    results = {m: run(m, X, y, budget[m], f_star, tol, 1.0 / L, eta) for m in METHODS}
    return {"results": results, "L": L, "mu": mu, "kappa": kappa, "eta": eta, "f_star": f_star, "tol": tol,
            "n": n, "d": d}


def main(argv=None):
    ap = example_parser(__doc__, "folder for newton_vs_gd.png")
    args = ap.parse_args(argv)
    c = compare(args.quick)
    results, tol = c["results"], c["tol"]
    print(f"digits 3 vs 8: {c['n']} images, {c['d'] + 1} parameters, lam = {LAM:g}; f* = {c['f_star']:.10f}; "
          f"GD step 1/L = {1 / c['L']:.3g}; kappa = L/mu = {c['kappa']:.3g}, eta = {c['eta']:.3f}; "
          f"tolerance f - f* <= {tol:g}")
    print(f"{'method':<9} {'iterations':>10} {'seconds':>9} {'f - f*':>10}  ")
    for m, (its, secs, gaps) in results.items():
        reached = gaps[-1] <= tol
        iters = str(its[-1]) if reached else f">{its[-1]}"
        print(f"{m:<9} {iters:>10} {secs[-1]:>9.3f} {gaps[-1]:>10.2e}  {'' if reached else '(not reached)'}")

    plt = pyplot()
    if plt is None:
        return results
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.4))
    for i, (m, (its, secs, gaps)) in enumerate(results.items()):
        # Newton and Newton-CG take the same steps here: a bigger hollow marker keeps both visible
        style = dict(marker="s", ms=7, mfc="none") if m == "Newton" else dict(marker="o", ms=3)
        if len(gaps) >= 60:
            style = {}
        label = f"{m} ({its[-1]} iterations, {secs[-1]:.2g} s)"
        ax1.semilogy(its, gaps, f"C{i}-", label=label, **style)
        ax2.semilogy(secs, gaps, f"C{i}-", label=label, **style)
    for ax, xl in ((ax1, "iteration"), (ax2, "seconds")):
        ax.axhline(tol, color="k", ls=":", lw=0.8)
        ax.set_xlabel(xl)
        ax.set_ylabel("f - f*")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_xscale("symlog", linthresh=10)
    ax1.set_xlim(left=0)
    ax2.set_xscale("log")
    ax1.set_title("logistic regression (digits 3 vs 8): per iteration (= loss vs step)")
    ax2.set_title("per second of compute")
    path = save_figure(fig, os.path.join(args.out, "newton_vs_gd.png"))
    print(f"wrote {os.path.normpath(path)}")
    return results


if __name__ == "__main__":
    main()

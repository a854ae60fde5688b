"""Curvature sets the step size: gradient descent converges for lr < 2/λmax and diverges above.

λmax is the largest eigenvalue of the loss's Hessian, measured without forming the Hessian by
tc.autograd.functional.hessian_eigenvalues (Lanczos on Hessian-vector products). Near a minimum
w* the loss is f(w*) + 1/2 d^T H d, and one GD step multiplies the component of d = w - w* along
an eigenvector of H by (1 - lr λ): it shrinks for every λ exactly when lr < 2/λmax.

    1. a quadratic f(x) = 1/2 x^T A x (A symmetric positive definite, 20 x 20)
    2. L2-regularised logistic regression, digits 3 vs 8 (65 parameters), started at w* plus a
       small displacement along the sharpest direction (where instability shows first); above
       the threshold GD leaves w* and, the loss being only locally quadratic, wanders at a
       distance instead of going to infinity
    3. an MLP (64-32-10, tanh, cross-entropy) trained with plain SGD (full batch, no momentum)
       at lr = 2, i.e. 2/lr = 1 below its initial λmax of about 2.2: λmax, tracked every 5 steps,
       first shoots up while the loss oscillates, then training is thrown to a flatter region
       and settles only once λmax < 2/lr (a "catapult")

Each of 1 and 2 runs GD with lr = 0.95 x 2/λmax and 1.05 x 2/λmax and prints the distance to the
minimum before and after. Saves docs/curvature.png.

    python examples/curvature.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F

from _common import example_parser, pyplot, save_figure

FACTORS = (0.95, 1.05)  # lr = factor x 2/λmax: just below and just above the threshold
LAM = 1e-2


def gd_distances(loss, w0, w_star, lr, steps):
    """Plain gradient descent w <- w - lr grad f(w) from w0; |w - w*| before each step and after the last."""
    w = w0.detach().clone().requires_grad_()
    dist = [float((w.detach() - w_star).norm())]
    for _ in range(steps):
        (g,) = tc.autograd.grad(loss(w), [w])
        with tc.no_grad():
            w -= lr * g
        dist.append(float((w.detach() - w_star).norm()))
        if not np.isfinite(dist[-1]) or dist[-1] > 1e6:
            break
    return np.array(dist)


def quadratic_run(quick=False, n=20, seed=0):
    """GD on f(x) = 1/2 x^T A x (eigenvalues of A in [1, 10]) below and above 2/λmax.

    Returns a dict: A, lam_max (Lanczos), lr_crit = 2/lam_max, and per factor the distances."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (Q * np.linspace(1.0, 10.0, n)) @ Q.T
    At = tc.tensor(A)

    def loss(x):
        return 0.5 * (x @ At @ x)

    x_star = tc.zeros(n, dtype=tc.float64)
    vals, _ = tc.autograd.functional.hessian_eigenvalues(loss, x_star)
    lam_max = vals[-1].item()
    x0 = tc.tensor(rng.standard_normal(n))
    x0 = x0 / x0.norm()
    steps = 80 if quick else 200
    runs = {f: gd_distances(loss, x0, x_star, f * 2 / lam_max, steps) for f in FACTORS}
    return {"A": A, "lam_max": lam_max, "lr_crit": 2 / lam_max, "runs": runs}


def digits_3_vs_8(quick=False):
    X, y = tc.datasets.load_digits()
    keep = (y == 3) | (y == 8)
    X, y = X[keep].astype(np.float64) / 16.0, (y[keep] == 8).astype(np.float64)
    if quick:
        X, y = X[:120], y[:120]
    return X, y


def logistic_run(quick=False):
    """GD on L2-regularised logistic regression near its minimum, below and above 2/λmax(H(w*)).

    Returns a dict: X, y, w_star (weights and bias as one vector), lam_max, lr_crit, runs."""
    X, y = digits_3_vs_8(quick)
    Xb = tc.tensor(np.hstack([X, np.ones((len(X), 1))]))  # a column of ones: the bias is w[-1]
    yt = tc.tensor(y)
    d = Xb.shape[1]
    mask = tc.tensor(np.r_[np.ones(d - 1), 0.0])  # the bias is not regularised

    def loss(w):
        return F.binary_cross_entropy_with_logits(Xb @ w, yt) + 0.5 * LAM * ((w * mask) ** 2).sum()

    # w*: Newton's method converges quadratically on this strictly convex loss
    w = tc.zeros(d, dtype=tc.float64, requires_grad=True)
    opt = tc.optim.Newton([w], lr=1.0)

    def closure():
        opt.zero_grad()
        value = loss(w)
        value.backward(create_graph=True)
        return value

    for _ in range(25):
        opt.step(closure)
    w_star = w.detach().clone()
    vals, vec = tc.autograd.functional.hessian_eigenvalues(loss, w_star)
    lam_max = vals[-1].item()
    w0 = w_star + 1e-2 * vec[:, 0]
    steps = 80 if quick else 200
    runs = {f: gd_distances(loss, w0, w_star, f * 2 / lam_max, steps) for f in FACTORS}
    return {"X": X, "y": y, "w_star": w_star.numpy(), "lam_max": lam_max, "lr_crit": 2 / lam_max, "runs": runs}


def mlp_run(quick=False, lr=2.0, seed=0):
    """Train a 64-32-10 tanh MLP on digits with plain full-batch SGD; λmax of the loss every few steps.

    Returns a dict: lr, steps (where λmax was measured), lam_max, losses (per step)."""
    X, y = tc.datasets.load_digits()
    n = 400 if quick else 1000
    Xt, yt = tc.tensor(X[:n].astype(np.float64) / 16.0), tc.tensor(y[:n].astype(np.int64))
    tc.manual_seed(seed)
    sizes = [(64, 32), (32, 10)]
    params = []
    for fan_in, fan_out in sizes:
        params.append((tc.randn(fan_out, fan_in, dtype=tc.float64) / fan_in ** 0.5).requires_grad_())
        params.append(tc.zeros(fan_out, dtype=tc.float64, requires_grad=True))

    def loss(W1, b1, W2, b2):
        return F.cross_entropy(F.linear(F.linear(Xt, W1, b1).tanh(), W2, b2), yt)

    opt = tc.optim.SGD(params, lr=lr)  # plain: no momentum, no weight decay
    total = 100 if quick else 300
    every = 5
    steps, lam, losses = [], [], []
    for step in range(total + 1):
        if step % every == 0:
            vals, _ = tc.autograd.functional.hessian_eigenvalues(loss, tuple(p.detach() for p in params), tol=1e-4)
            steps.append(step)
            lam.append(vals[-1].item())
        if step == total:
            break
        opt.zero_grad()
        value = loss(*params)
        value.backward()
        opt.step()
        losses.append(value.item())
    return {"lr": lr, "steps": np.array(steps), "lam_max": np.array(lam), "losses": np.array(losses)}


def report(name, res):
    print(f"{name}: lambda_max = {res['lam_max']:.6g}, 2/lambda_max = {res['lr_crit']:.6g}")
    for f, dist in res["runs"].items():
        verdict = "converges" if dist[-1] < dist[0] else "diverges"
        print(f"  lr = {f:.2f} x 2/lambda_max: |w - w*| {dist[0]:.3e} -> {dist[-1]:.3e} "
              f"after {len(dist) - 1} steps ({verdict})")


def main(argv=None):
    ap = example_parser(__doc__, "folder for curvature.png")
    args = ap.parse_args(argv)
    quad = quadratic_run(args.quick)
    print(f"quadratic: numpy eigvalsh(A).max() = {np.linalg.eigvalsh(quad['A']).max():.6g}")
    report("quadratic", quad)
    logi = logistic_run(args.quick)
    report("logistic regression", logi)
    mlp = mlp_run(args.quick)
    print(f"mlp (plain SGD, lr = {mlp['lr']:g}, 2/lr = {2 / mlp['lr']:g}): lambda_max at step "
          + ", ".join(f"{s}: {v:.3g}" for s, v in zip(mlp["steps"], mlp["lam_max"]) if s % 20 == 0)
          + f"; loss {mlp['losses'][0]:.3f} -> {mlp['losses'][-1]:.3f}")
    print(f"mlp: max lambda_max = {mlp['lam_max'].max():.3g}, final lambda_max = {mlp['lam_max'][-1]:.3g} "
          f"({'below' if mlp['lam_max'][-1] < 2 / mlp['lr'] else 'above'} 2/lr = {2 / mlp['lr']:g})")

    plt = pyplot()
    if plt is None:
        return quad, logi, mlp
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, (title, res) in zip(axes[:2], (("quadratic (20 parameters)", quad),
                                           ("logistic regression, digits 3 vs 8", logi))):
        for i, (f, dist) in enumerate(res["runs"].items()):
            verdict = "converges" if dist[-1] < dist[0] else "diverges"
            ax.semilogy(dist, f"C{i}-", label=f"lr = {f:.2f} x 2/λmax ({verdict})")
        ax.set_xlabel("gradient descent step")
        ax.set_ylabel("|w - w*|")
        ax.set_title(f"{title}: λmax = {res['lam_max']:.3g}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    ax = axes[2]
    ax.semilogy(mlp["steps"], mlp["lam_max"], "C2o-", ms=3, label="λmax of the training loss")
    ax.axhline(2 / mlp["lr"], color="k", ls="--", lw=1, label=f"2 / lr (lr = {mlp['lr']:g})")
    ax.set_xlabel("SGD step (full batch)")
    ax.set_ylabel("λmax (Hessian)")
    ax.set_title("MLP 64-32-10 on digits: sharpness during training")
    ax.grid(alpha=0.3)
    ax2 = ax.twinx()
    ax2.plot(np.arange(len(mlp["losses"])), mlp["losses"], "C3-", lw=0.8, alpha=0.7, label="training loss")
    ax2.set_ylabel("training loss (cross-entropy)")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "curvature.png"), dpi=150)
    print(f"wrote {os.path.normpath(path)}")
    return quad, logi, mlp


if __name__ == "__main__":
    main()

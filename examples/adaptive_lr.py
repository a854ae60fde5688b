"""Adagrad vs RMSprop: the effective per-parameter step size gamma / sqrt(G_t + eps) over a long run.

    Adagrad:  G_{t+1} = G_t + (grad f)^2                       (a sum: it only grows)
    RMSprop:  G_{t+1} = rho G_t + (1 - rho) (grad f)^2         (a moving average: it forgets)
    both:     W <- W - gamma / sqrt(G + eps) * grad f

The lecture: "with adagrad one does not need to manually adapt gamma ... but the problem is that
eventually all gradients go to zero". Both fit the same noisy linear regression (nn.Linear(10, 1),
y = x . w* + b* + noise, the minimum far from the start) with mini-batches of 16, so the
gradients never vanish; same start, same batches, same gamma. The picture shows each parameter's
effective step gamma / (sqrt(G) + eps) (tc.optim's, i.e. PyTorch's, placement of eps) read from
the optimizers' states: Adagrad's falls like 1/sqrt(t) toward zero, RMSprop's levels off; with
steps ~ gamma / sqrt(t) Adagrad covers a distance ~ 2 gamma sqrt(t) only, so it is still
crawling toward the minimum when RMSprop has long arrived.

    python examples/adaptive_lr.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure

GAMMA = 0.01
STATE_KEY = {"Adagrad": "sum", "RMSprop": "square_avg"}  # G_t in each optimizer's state


def make_optimizer(name: str, params, lr: float = GAMMA):
    """``tc.optim.Adagrad`` or ``tc.optim.RMSprop`` (rho = alpha = 0.99) with learning rate ``lr``."""
    return {"Adagrad": tc.optim.Adagrad, "RMSprop": tc.optim.RMSprop}[name](params, lr=lr)


def effective_step(opt) -> np.ndarray:
    """gamma / (sqrt(G) + eps) for every parameter element, concatenated: the factor multiplying the
    gradient in this optimizer's next update."""
    out = []
    for group in opt.param_groups:
        for p in group["params"]:
            G = opt.state[p][STATE_KEY[type(opt).__name__]].numpy()
            out.append(group["lr"] / (np.sqrt(G) + group["eps"]).ravel())
    return np.concatenate(out)


N, D, NOISE = 1000, 10, 0.5


def data(seed: int = 0):
    """Noisy linear regression: x ~ N(0, I_10), y = x . w* + b* + 0.5 N(0, 1), w* with entries in [2, 4]."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    w_star, b_star = rng.uniform(2.0, 4.0, D), 3.0
    y = X @ w_star + b_star + NOISE * rng.standard_normal(N)
    return tc.from_numpy(X), tc.from_numpy(y[:, None]), np.append(w_star, b_star)


def run(name: str, X, Y, steps: int, batch_size: int = 16, lr: float = GAMMA, seed: int = 0) -> dict:
    """Fit nn.Linear(10, 1) (from zero) for ``steps`` mini-batch steps; return the effective steps'
    percentiles (10, 50, 90 over the 11 parameters) and the full-data MSE after each step."""
    model = nn.Linear(X.shape[1], 1).double()
    with tc.no_grad():  # the same start for both, far from the minimum
        model.weight.zero_()
        model.bias.zero_()
    opt = make_optimizer(name, model.parameters(), lr)
    rng = np.random.default_rng(seed)  # the same mini-batches for both
    pct, losses = [], []
    for _ in range(steps):
        idx = tc.from_numpy(rng.integers(0, len(Y), batch_size))
        opt.zero_grad()
        loss = F.mse_loss(model(X[idx]), Y[idx])
        loss.backward()
        opt.step()
        pct.append(np.percentile(effective_step(opt), [10, 50, 90]))
        with tc.no_grad():
            losses.append(F.mse_loss(model(X), Y).item())
    w = np.append(model.weight.detach().numpy().ravel(), model.bias.detach().numpy())
    return {"lr": lr, "steps": np.arange(1, steps + 1), "effective": np.array(pct),
            "losses": np.array(losses), "final_loss": losses[-1], "w": w}


def compare(quick: bool = False, steps: int = None) -> dict:
    """The numbers behind the picture: :func:`run` for Adagrad and RMSprop on the same data."""
    X, Y, _ = data()
    steps = steps or (1500 if quick else 10000)
    return {name: run(name, X, Y, steps) for name in ("Adagrad", "RMSprop")}


def main(argv=None):
    ap = example_parser(__doc__, "folder for adaptive_lr.png")
    args = ap.parse_args(argv)
    res = compare(args.quick)
    T = len(res["Adagrad"]["steps"])
    marks = sorted({10, 100, T // 10, T})
    print(f"median effective step gamma / (sqrt(G_t) + eps), gamma = {GAMMA:g}, batch 16")
    print(f"{'optimizer':<9} " + " ".join(f"{f't={t}':>10}" for t in marks) + f" {'final loss':>11}")
    for name, r in res.items():
        print(f"{name:<9} " + " ".join(f"{r['effective'][t - 1, 1]:>10.3g}" for t in marks)
              + f" {r['final_loss']:>11.4f}")

    plt = pyplot()
    if plt is None:
        return res
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    for i, (name, r) in enumerate(res.items()):
        t, e = r["steps"], r["effective"]
        ax1.fill_between(t, e[:, 0], e[:, 2], color=f"C{i}", alpha=0.2, lw=0)
        ax1.plot(t, e[:, 1], f"C{i}-", lw=1.6, label=f"{name}: median (band: 10-90% of parameters)")
        ax2.plot(t, r["losses"], f"C{i}-", lw=1.3, label=f"{name} (final {r['final_loss']:.3g})")
    e0 = res["Adagrad"]["effective"][9, 1]
    tt = res["Adagrad"]["steps"][9:]
    ax1.plot(tt, e0 * np.sqrt(10.0 / tt), "k:", lw=1, label=r"$\propto 1/\sqrt{t}$")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("step t")
    ax1.set_ylabel(r"effective step $\gamma / \sqrt{G_t + \epsilon}$")
    ax1.set_title(f"per-parameter step size (same γ = {GAMMA:g})")
    ax1.grid(alpha=0.3, which="both")
    ax1.legend(fontsize=8)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("step t")
    ax2.axhline(NOISE ** 2, color="k", ls=":", lw=1, label="noise floor (σ² = 0.25)")
    ax2.set_ylabel("training loss (MSE on all samples)")
    ax2.set_title("loss vs step: Adagrad is still crawling")
    ax2.grid(alpha=0.3, which="both")
    ax2.legend(fontsize=8)
    fig.suptitle("Adagrad's sum of squared gradients only grows: its step size dies; RMSprop's average forgets",
                 fontsize=11)
    path = save_figure(fig, os.path.join(args.out, "adaptive_lr.png"))
    print(f"wrote {os.path.normpath(path)}")
    return res


if __name__ == "__main__":
    main()

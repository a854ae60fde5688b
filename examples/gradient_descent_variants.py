"""Batch vs mini-batch vs stochastic gradient descent on the same problem (an MLP on digits).

    batch:       theta <- theta - gamma (1/N) sum_{i=1..N} grad l(theta; x_i, y_i)     1 step per epoch
    mini-batch:  theta <- theta - gamma (1/B) sum_{i in batch} grad l(theta; x_i, y_i)  N/B steps per epoch
    stochastic:  theta <- theta - gamma grad l(theta; x_i, y_i)                         N steps per epoch

Same network, same initial weights, data reshuffled every epoch (tc.data.DataLoader). Two fair
comparisons: (1) the same budget of per-sample gradient evaluations (a batch step costs N of them,
a mini-batch step B, a stochastic step 1), (2) the same wall-clock training time (batch GD then
gets as many steps as fit). Plots the full training loss against gradient evaluations, against
wall time and against the number of updates, and the noisy mini-batch losses (the lecture's
"fluctuations").

    python examples/gradient_descent_variants.py [--out docs] [--quick]
"""
import os
import time

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure


# (name, batch size (None = all), learning rate gamma): each gamma tuned near its best
VARIANTS = [("batch GD", None, 0.5), ("mini-batch GD (B=32)", 32, 0.1), ("stochastic GD (B=1)", 1, 0.01)]


def make_model():
    tc.manual_seed(0)  # the same initial weights for every variant
    return nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))


def full_loss(model, X, Y):
    with tc.no_grad():
        return F.cross_entropy(model(X), Y).item()


def train(X, Y, batch_size, lr, max_evals=None, max_seconds=None, n_records=60):
    """Train one variant until ``max_evals`` per-sample gradient evaluations or ``max_seconds`` of
    training time (evaluations of the full loss excluded). Returns a dict of arrays recorded at
    about ``n_records`` points: "evals", "seconds", "updates", "loss" (full training loss), and
    "batch_losses" (the loss of every mini-batch step)."""
    if (max_evals is None) == (max_seconds is None):
        raise ValueError("train: give exactly one of max_evals, max_seconds")
    model = make_model()
    opt = tc.optim.SGD(model.parameters(), lr=lr)
    n = len(Y)
    bs = n if batch_size is None else batch_size
    loader = tc.data.DataLoader(tc.data.TensorDataset(X, Y), batch_size=bs, shuffle=True, generator=1)
    if batch_size is None:
        # the full batch needs no shuffling; and the collated copy of all N rows makes NumPy's
        # matmul ~50x slower here (an alignment effect), which would be billed to batch GD
        loader = [(X, Y)]
    rec = {"evals": [0], "seconds": [0.0], "updates": [0], "loss": [full_loss(model, X, Y)]}
    batch_losses = []
    evals, clock, updates = 0, 0.0, 0
    # record on a geometric grid of updates: the first steps matter as much as the last ones
    next_record = 1
    done = False
    while not done:
        for xb, yb in loader:
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            clock += time.perf_counter() - t0
            evals += len(yb)
            updates += 1
            batch_losses.append(loss.item())
            done = (max_evals is not None and evals >= max_evals) or (max_seconds is not None and clock >= max_seconds)
            if updates >= next_record or done:
                rec["evals"].append(evals)
                rec["seconds"].append(clock)
                rec["updates"].append(updates)
                rec["loss"].append(full_loss(model, X, Y))
                next_record = max(updates + 1, int(next_record * 1.15))
            if done:
                break
    out = {k: np.array(v) for k, v in rec.items()}
    out["batch_losses"] = np.array(batch_losses)
    return out


def compare(X, Y, epochs, seconds):
    """The numbers behind the picture: every variant at the same budget of ``epochs * N`` per-sample
    gradient evaluations, and at the same ``seconds`` of training time."""
    n = len(Y)
    return {
        "equal_evals": {name: train(X, Y, bs, lr, max_evals=epochs * n) for name, bs, lr in VARIANTS},
        "equal_time": {name: train(X, Y, bs, lr, max_seconds=seconds) for name, bs, lr in VARIANTS},
    }


def main(argv=None):
    ap = example_parser(__doc__, "folder for gradient_descent_variants.png")
    args = ap.parse_args(argv)
    epochs, seconds = (2, 0.5) if args.quick else (10, 6.0)
    X_np, y_np = tc.datasets.load_digits()
    if args.quick:
        X_np, y_np = X_np[:300], y_np[:300]
    X, Y = tc.from_numpy(X_np / 16.0), tc.from_numpy(y_np)
    n = len(y_np)

    res = compare(X, Y, epochs, seconds)
    print(f"N = {n}; equal budgets: {epochs} x N = {epochs * n} gradient evaluations, or {seconds:g} s of training")
    print(f"{'variant':<22} {'gamma':>6} | {'updates':>8} {'final loss':>10} (same evals) | "
          f"{'updates':>8} {'evals':>8} {'final loss':>10} (same time)")
    for name, bs, lr in VARIANTS:
        e, t = res["equal_evals"][name], res["equal_time"][name]
        print(f"{name:<22} {lr:>6g} | {e['updates'][-1]:>8d} {e['loss'][-1]:>10.4f}              | "
              f"{t['updates'][-1]:>8d} {t['evals'][-1]:>8d} {t['loss'][-1]:>10.4f}")

    plt = pyplot()
    if plt is None:
        return res
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    (ax_e, ax_t), (ax_u, ax_f) = axes
    for i, (name, _, _) in enumerate(VARIANTS):
        e, t = res["equal_evals"][name], res["equal_time"][name]
        ax_e.plot(e["evals"] / n, e["loss"], f"C{i}-", marker="o" if len(e["loss"]) < 15 else None, ms=3,
                  label=f"{name}: {e['updates'][-1]} updates")
        ax_t.plot(t["seconds"], t["loss"], f"C{i}-", marker="o" if len(t["loss"]) < 15 else None, ms=3,
                  label=f"{name}: {t['updates'][-1]} updates")
        ax_u.plot(np.maximum(t["updates"], 0.8), t["loss"], f"C{i}-", label=name)
    ax_e.set_xlabel(f"per-sample gradient evaluations / N  (= epochs, N = {n})")
    ax_e.set_title(f"same gradient evaluations ({epochs} x N each)")
    ax_t.set_xlabel("training time (s)")
    ax_t.set_title(f"same wall time ({seconds:g} s each)")
    ax_u.set_xscale("log")
    ax_u.set_xlabel("updates (steps), same wall time")
    ax_u.set_title("loss vs step: batch GD's steps are good but few")
    for ax in (ax_e, ax_t, ax_u):
        ax.set_yscale("log")
        ax.set_ylabel("training loss (all samples)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    name = VARIANTS[1][0]
    bl = res["equal_evals"][name]["batch_losses"]
    e = res["equal_evals"][name]
    ax_f.plot(np.arange(1, len(bl) + 1), bl, "C1-", lw=0.7, label="loss of each mini-batch")
    ax_f.plot(e["updates"], e["loss"], "k-", lw=1.5, label="loss on all samples")
    ax_f.set_xlabel("step (mini-batch of B=32)")
    ax_f.set_ylabel("cross-entropy loss")
    ax_f.set_title("mini-batch fluctuations")
    ax_f.set_yscale("log")
    ax_f.grid(alpha=0.3)
    ax_f.legend(fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "gradient_descent_variants.png"))
    print(f"wrote {os.path.normpath(path)}")
    return res


if __name__ == "__main__":
    main()

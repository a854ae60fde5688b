"""Batch vs mini-batch vs stochastic gradient descent on the same problem (an MLP on digits).

    batch:       theta <- theta - gamma (1/N) sum_{i=1..N} grad l(theta; x_i, y_i)     1 step per epoch
    mini-batch:  theta <- theta - gamma (1/B) sum_{i in batch} grad l(theta; x_i, y_i)  N/B steps per epoch
    stochastic:  theta <- theta - gamma grad l(theta; x_i, y_i)                         N steps per epoch

Same network, same initial weights, data reshuffled every epoch (tc.data.DataLoader). Plots the
full training loss against epochs and against wall-clock training time, and the noisy
mini-batch losses of the first steps (the lecture's "fluctuations").

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


def train(X, Y, batch_size, lr, epochs, evals_per_epoch):
    """Train one variant; return (epoch fractions, training time (s), full loss) at each evaluation,
    and the mini-batch losses of every step."""
    model = make_model()
    opt = tc.optim.SGD(model.parameters(), lr=lr)
    n = len(Y)
    bs = n if batch_size is None else batch_size
    loader = tc.data.DataLoader(tc.data.TensorDataset(X, Y), batch_size=bs, shuffle=True, generator=1)
    steps_per_epoch = len(loader)
    every = max(1, steps_per_epoch // evals_per_epoch)
    ep, secs, losses, batch_losses = [0.0], [0.0], [full_loss(model, X, Y)], []
    clock = 0.0
    for e in range(epochs):
        for k, (xb, yb) in enumerate(loader):
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            clock += time.perf_counter() - t0  # training time only, evaluations excluded
            batch_losses.append(loss.item())
            if (k + 1) % every == 0 or k + 1 == steps_per_epoch:
                ep.append(e + (k + 1) / steps_per_epoch)
                secs.append(clock)
                losses.append(full_loss(model, X, Y))
    return np.array(ep), np.array(secs), np.array(losses), np.array(batch_losses)


def main(argv=None):
    ap = example_parser(__doc__, "folder for gradient_descent_variants.png")
    args = ap.parse_args(argv)
    epochs = 1 if args.quick else 10
    X_np, y_np = tc.datasets.load_digits()
    if args.quick:
        X_np, y_np = X_np[:300], y_np[:300]
    X, Y = tc.from_numpy(X_np / 16.0), tc.from_numpy(y_np)

    results = {}
    print(f"{'variant':<22} {'steps/epoch':>11} {'gamma':>6} {'loss after 1 epoch':>19} "
          f"{f'after {epochs}':>9} {'train time (s)':>15}")
    for name, bs, lr in VARIANTS:
        ep, secs, losses, batch_losses = train(X, Y, bs, lr, epochs, evals_per_epoch=10)
        results[name] = (ep, secs, losses, batch_losses)
        after1 = losses[np.searchsorted(ep, 1.0)]
        print(f"{name:<22} {len(batch_losses) // epochs:>11} {lr:>6g} {after1:>19.4f} "
              f"{losses[-1]:>9.4f} {secs[-1]:>15.2f}")

    plt = pyplot()
    if plt is None:
        return results
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for i, (name, (ep, secs, losses, batch_losses)) in enumerate(results.items()):
        axes[0].plot(ep, losses, f"C{i}-", marker="o" if len(ep) < 30 else None, ms=3, label=name)
        axes[1].plot(secs, losses, f"C{i}-", label=name)
    for ax, xl in zip(axes[:2], ("epoch", "training time (s)")):
        ax.set_yscale("log")
        ax.set_xlabel(xl)
        ax.set_ylabel("training loss (all samples)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_title("loss vs epochs")
    axes[1].set_title("loss vs wall time")
    bl = results[VARIANTS[1][0]][3]
    axes[2].plot(np.arange(1, len(bl) + 1), bl, "C1-", lw=0.7, label="loss of each mini-batch")
    ep, _, losses, _ = results[VARIANTS[1][0]]
    axes[2].plot(ep * (len(bl) / ep[-1]), losses, "k-", lw=1.5, label="loss on all samples")
    axes[2].set_xlabel("step (B=32)")
    axes[2].set_title("mini-batch fluctuations")
    axes[2].set_yscale("log")
    axes[2].legend(fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "gradient_descent_variants.png"))
    print(f"wrote {os.path.normpath(path)}")
    return results


if __name__ == "__main__":
    main()

"""Universal approximation with ReLUs: any continuous f on [a, b] is close to
``Y(x) = sum_i alpha_i relu(a_i x + b_i)``.

1. By hand: the piecewise-linear interpolation of f at n knots x_0 < ... < x_n IS such a sum:
       Y(x) = f(x_0) relu(0 x + 1) + s_0 relu(x - x_0) + sum_{i>=1} (s_i - s_{i-1}) relu(x - x_i)
   with s_i the slope on [x_i, x_{i+1}]; its error falls like 1/n^2 for a smooth f.
2. Learned: the same form is a one-hidden-layer net, nn.Linear(1, n) -> ReLU -> nn.Linear(n, 1),
   trained with Adam on samples of f.
Plots both approximations and the max error against the number of units.

    python examples/universal_approximation.py [--out docs] [--quick]
"""
import os
import time

import numpy as np

import tinygrad_course as tc
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure

A, B = -3.0, 3.0


def f(x):
    """The continuous function to approximate (works on numpy arrays and tensors)."""
    return np.sin(2 * x) + 0.3 * x ** 2 - 0.05 * x ** 3


def by_hand(n_units):
    """(alpha, a, b) of a sum of ``n_units`` ReLUs interpolating f at ``n_units - 1`` equal segments."""
    knots = np.linspace(A, B, n_units)  # n_units - 1 segments; one unit carries the constant f(x_0)
    vals = f(knots)
    slopes = np.diff(vals) / np.diff(knots)
    alpha = np.concatenate([[vals[0], slopes[0]], np.diff(slopes)])
    a = np.concatenate([[0.0], np.ones(n_units - 1)])
    b = np.concatenate([[1.0], -knots[:-1]])
    return alpha, a, b


def relu_sum(alpha, a, b, x):
    """Y(x) = sum_i alpha_i relu(a_i x + b_i), evaluated with tensors."""
    x = tc.from_numpy(x.reshape(-1, 1))
    return ((x * tc.from_numpy(a) + tc.from_numpy(b)).relu() @ tc.from_numpy(alpha)).numpy()


def learned(n_units, x, y, steps, seed=0):
    """Fit nn.Linear(1, n) -> ReLU -> nn.Linear(n, 1) to (x, y) with Adam (full batch, MSE)."""
    tc.manual_seed(seed)
    model = nn.Sequential(nn.Linear(1, n_units), nn.ReLU(), nn.Linear(n_units, 1))
    # start the kinks where the hand-made solution puts them (a_i = 1, b_i = -x_i); random
    # kinks leave the ends of [a, b] with few active units and training stalls there
    with tc.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.copy_(-tc.from_numpy(np.linspace(A, B, n_units, endpoint=False).astype(np.float32)))
    opt = tc.optim.Adam(model.parameters(), lr=0.01)
    sched = tc.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    X, Y = tc.from_numpy(x.reshape(-1, 1)), tc.from_numpy(y.reshape(-1, 1))
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        sched.step()
    return model


def main(argv=None):
    ap = example_parser(__doc__, "folder for universal_approximation.png")
    args = ap.parse_args(argv)
    units = [2, 4, 8, 16, 32] if args.quick else [2, 4, 8, 16, 32, 64, 128]
    learn_units = [4, 8] if args.quick else [2, 4, 8, 16, 32, 64]
    steps = 200 if args.quick else 2500

    t0 = time.perf_counter()
    x_test = np.linspace(A, B, 2001)
    y_test = f(x_test)
    hand_err = []
    for n in units:
        err = np.abs(relu_sum(*by_hand(n), x_test) - y_test).max()
        hand_err.append(err)
        print(f"by hand, {n:4d} units: max |f - Y| = {err:.2e}")
    x_train = np.linspace(A, B, 400).astype(np.float32)
    y_train = f(x_train).astype(np.float32)
    learn_err, fits = [], {}
    for n in learn_units:
        model = learned(n, x_train, y_train, steps)
        with tc.no_grad():
            pred = model(tc.from_numpy(x_test.reshape(-1, 1).astype(np.float32))).numpy()[:, 0]
        fits[n] = pred
        learn_err.append(np.abs(pred - y_test).max())
        print(f"learned, {n:4d} units: max |f - Y| = {learn_err[-1]:.2e}")
    print(f"({time.perf_counter() - t0:.1f} s)")

    plt = pyplot()
    if plt is None:
        return hand_err, learn_err
    show = 8
    alpha, a, b = by_hand(show)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax1.plot(x_test, y_test, "k", lw=2.5, alpha=0.35, label="f")
    ax1.plot(x_test, relu_sum(alpha, a, b, x_test), "C0", lw=1.2, label=f"by hand, {show} ReLUs")
    ax1.plot(np.linspace(A, B, show), f(np.linspace(A, B, show)), "C0o", ms=4)
    ax1.plot(x_test, fits[show], "C3--", lw=1.2, label=f"learned, {show} ReLUs")
    ax1.set_ylim(y_test.min() - 1, y_test.max() + 1)
    ax1.set_title(r"$Y(x) = \sum_i \alpha_i\, \mathrm{relu}(a_i x + b_i)$")
    ax1.set_xlabel("x")
    ax1.set_ylabel("f(x) and its approximations Y(x)")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    ax2.loglog(units, hand_err, "C0o-", label="by hand (interpolation)")
    ax2.loglog(learn_units, learn_err, "C3s--", label=f"learned (Adam, {steps} steps)")
    ax2.loglog(units, hand_err[0] * (np.array(units) / units[0]) ** -2.0, "k:", lw=0.8, label=r"$\propto n^{-2}$")
    ax2.set_xlabel("number of ReLU units n")
    ax2.set_ylabel(r"max$_x$ |f(x) - Y(x)|")
    ax2.set_title("error vs number of units")
    ax2.grid(alpha=0.3, which="both")
    ax2.legend(fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "universal_approximation.png"))
    print(f"wrote {os.path.normpath(path)}")
    return hand_err, learn_err


if __name__ == "__main__":
    main()

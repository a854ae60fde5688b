"""Gradient descents a gogo: SGD, momentum, Nesterov, Adagrad, RMSprop, Adam, NAdam (and Newton).

1. The race on 2D surfaces (``tc.viz.run_race``): every optimizer from the same start on
   Rosenbrock's valley, Beale's plateaus, an ill-conditioned quadratic valley and a saddle; a
   table of final loss and steps to tolerance, and one picture per surface: the paths over the
   contours (levels on the colour bar) and the loss vs step. Momentum and Nesterov share one lr;
   Nesterov's path is the lecture's W, not PyTorch's look-ahead parameter.
2. The same optimizers (tc.optim, PyTorch's update rules) training one MLP on the digits:
   training loss per epoch for each, from the same initial weights.

PyTorch's momentum is v <- mu v + g, W <- W - lr v; the lecture's v <- eta v + gamma g,
W <- W - v is the same trajectory with gamma = lr (v_lecture = lr v_pytorch).

    python examples/optimizers.py [--out docs] [--quick]
"""
import os
import time

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.viz import run_race

from _common import example_parser, pyplot, save_figure


# learning rates for the MLP (each near its best on this problem)
MLP_OPTIMIZERS = {
    "SGD": lambda p: tc.optim.SGD(p, lr=0.1),
    "Momentum": lambda p: tc.optim.SGD(p, lr=0.02, momentum=0.9),
    "Nesterov": lambda p: tc.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True),
    "Adagrad": lambda p: tc.optim.Adagrad(p, lr=0.05),
    "RMSprop": lambda p: tc.optim.RMSprop(p, lr=1e-3),
    "Adam": lambda p: tc.optim.Adam(p, lr=3e-3),
    "NAdam": lambda p: tc.optim.NAdam(p, lr=3e-3),
}


def train_mlp(make_opt, X, Y, Xte, Yte, epochs, batch_size=64):
    """Train the same MLP (same init, same batches) with one optimizer; return per-epoch losses."""
    tc.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = make_opt(model.parameters())
    loader = tc.data.DataLoader(tc.data.TensorDataset(X, Y), batch_size=batch_size, shuffle=True, generator=0)
    with tc.no_grad():
        losses = [F.cross_entropy(model(X), Y).item()]
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
        with tc.no_grad():
            losses.append(F.cross_entropy(model(X), Y).item())
    with tc.no_grad():
        acc = (model(Xte).argmax(1) == Yte).float().mean().item()
    return np.array(losses), acc


def main(argv=None):
    ap = example_parser(__doc__, "folder for race_*.png and optimizers_digits.png")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    t0 = time.perf_counter()
    races = {}
    for surface in ("rosenbrock", "beale", "valley", "saddle"):
        races[surface] = run_race(surface, out=args.out, steps=100 if args.quick else None)
        print()

    X_np, y_np = tc.datasets.load_digits()
    perm = np.random.default_rng(0).permutation(len(y_np))
    X_np, y_np = X_np[perm] / 16.0, y_np[perm]
    n_train = 300 if args.quick else 1400
    X, Y = tc.from_numpy(X_np[:n_train]), tc.from_numpy(y_np[:n_train])
    Xte, Yte = tc.from_numpy(X_np[1400:]), tc.from_numpy(y_np[1400:])
    epochs = 2 if args.quick else 15
    curves = {}
    print(f"MLP 64-64-10 on digits ({n_train} training images, batch 64, {epochs} epochs)")
    print(f"{'optimizer':<10} {'loss after 1 epoch':>19} {f'after {epochs}':>9} {'test accuracy':>14}")
    for name, make in MLP_OPTIMIZERS.items():
        losses, acc = train_mlp(make, X, Y, Xte, Yte, epochs)
        curves[name] = losses
        print(f"{name:<10} {losses[1]:>19.4f} {losses[-1]:>9.4f} {acc:>14.3f}")
    print(f"({time.perf_counter() - t0:.1f} s)")

    plt = pyplot()
    if plt is None:
        return races, curves
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for i, (name, losses) in enumerate(curves.items()):
        ax.plot(np.arange(len(losses)), losses, f"C{i}-o", ms=3, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    # 15 epochs are too few for Adagrad's step size to die: adaptive_lr.py runs long enough
    ax.set_title(f"one MLP on digits, seven optimizers, {len(losses) - 1} epochs (each lr tuned)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "optimizers_digits.png"))
    print(f"wrote {os.path.normpath(path)}")
    return races, curves


if __name__ == "__main__":
    main()

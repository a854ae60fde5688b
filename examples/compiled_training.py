"""The same training loop eagerly and with ``tc.compile``: same losses, less time per step.

An MLP with BatchNorm and Dropout (train mode) learns the digits (8x8 images) with Adam, once
eagerly and once with the step compiled, from the same initial weights and the same seed. The
two runs print the same losses (the compiled step replays the same NumPy calls in the same
order) and their times; the last, smaller batch of each epoch traces a second program, which
is then reused. Then a chain of small ops shows where compiling pays most: per-op overhead.

    python examples/compiled_training.py [--quick]
"""
import time

import numpy as np
from _common import example_parser

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn


def make_model():
    return nn.Sequential(nn.Linear(64, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))


def train(compiled: bool, X, y, epochs: int, batch: int = 100):
    """Train a fresh model (seed 0); return the per-epoch mean losses, seconds, and the step."""
    tc.manual_seed(0)
    model = make_model()
    opt = tc.optim.Adam(model.parameters(), lr=1e-3)

    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    run = tc.compile(step) if compiled else step
    losses = []
    t0 = time.perf_counter()
    for _ in range(epochs):
        total = 0.0
        for i in range(0, len(X), batch):
            loss = run(X[i:i + batch], y[i:i + batch])
            total += loss.item() * len(X[i:i + batch])  # outside the compiled step: .item() is fine here
        losses.append(total / len(X))
    return losses, time.perf_counter() - t0, run


def chain_timing(depth=500, repeat=20):
    """Microseconds per op (forward + backward) of a chain of small ops, eager and compiled."""
    def chain(x):
        y = x
        for _ in range(depth):
            y = (y * 1.0001 + 0.001).tanh()
        loss = y.sum()
        loss.backward()
        return loss

    x = tc.ones(16, requires_grad=True)
    compiled = tc.compile(chain)
    times = {}
    for name, f in (("eager", chain), ("compiled", compiled)):
        f(x)
        t0 = time.perf_counter()
        for _ in range(repeat):
            f(x)
        times[name] = (time.perf_counter() - t0) / repeat / (3 * depth + 1) * 1e6
    return times


def main(argv=None):
    ap = example_parser(__doc__, "unused (nothing is saved)")
    a = ap.parse_args(argv)
    X_np, y_np = tc.datasets.load_digits()
    X = tc.tensor((X_np / 16.0).reshape(len(X_np), -1).astype(np.float32))
    y = tc.tensor(y_np.astype(np.int64))
    epochs = 2 if a.quick else 10
    print(f"MLP 64-128-10 with BatchNorm and Dropout on {len(X)} digits, Adam, batch 100, {epochs} epochs")
    eager_losses, t_eager, _ = train(False, X, y, epochs)
    comp_losses, t_comp, step = train(True, X, y, epochs)
    print(f"{'epoch':>6s}{'eager loss':>14s}{'compiled loss':>16s}")
    for i, (le, lc) in enumerate(zip(eager_losses, comp_losses)):
        print(f"{i + 1:6d}{le:14.6f}{lc:16.6f}")
    same = eager_losses == comp_losses
    print(f"identical losses: {same}; programs traced: {step.trace_count} (full batches and the last, smaller one)")
    print(f"time: eager {t_eager:.2f} s, compiled {t_comp:.2f} s (includes tracing), ratio {t_comp / t_eager:.2f}")
    times = chain_timing(depth=100 if a.quick else 500)
    print(f"chain of small ops, per op: eager {times['eager']:.2f} us, compiled {times['compiled']:.2f} us "
          f"({times['eager'] / times['compiled']:.1f}x faster)")
    if not same:
        raise SystemExit("compiled and eager losses differ")


if __name__ == "__main__":
    main()

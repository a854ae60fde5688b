"""Tape overhead: microseconds per op (forward + backward) of a chain of elementwise ops,
side by side with PyTorch (when installed) and a hand-written NumPy forward/backward (the floor).

    python benchmarks/bench_engine.py [--quick]

The chain is ``y = y * 1.0001; y = y + 0.001`` with a ``tanh`` every 10th step, then
``y.sum().backward()``. Figures measured on the reference machine are in benchmarks/README.md.
"""
import argparse
import functools
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import tinygrad_course as tc  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the oracle extra is optional
    torch = None


def n_ops(depth):
    return 2 * depth + (depth + 9) // 10 + 1


def chain(lib, depth, size):
    """Seconds for forward + backward of the chain, with ``lib`` = tinygrad_course or torch."""
    x = lib.ones(size, requires_grad=True)
    t0 = time.perf_counter()
    y = x
    for i in range(depth):
        y = y * 1.0001
        y = y + 0.001
        if i % 10 == 0:
            y = y.tanh()
    y.sum().backward()
    return time.perf_counter() - t0


def chain_numpy(depth, size):
    """The same arithmetic by hand: forward keeps what backward needs, backward applies the rules."""
    x = np.ones(size, np.float32)
    t0 = time.perf_counter()
    y = x
    saved = []
    for i in range(depth):
        y = y * 1.0001
        y = y + 0.001
        if i % 10 == 0:
            y = np.tanh(y)
            saved.append(y)
    g = np.ones_like(y)
    for i in reversed(range(depth)):
        if i % 10 == 0:
            t = saved.pop()
            g = g * (1 - t * t)
        g = g * 1.0001
    time.perf_counter()
    return time.perf_counter() - t0


def best_interleaved(fns, *args, repeat=5):
    """Best time of each function, running them in turns so a slow spell of the machine
    (a shared VM) hits all of them alike."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            times[k].append(fn(*args))
    return [min(t) for t in times]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller chains, fewer repeats")
    a = ap.parse_args(argv)
    depth = 1000
    repeat = 3 if a.quick else 15
    libs = [("tinygrad_course", functools.partial(chain, tc)), ("numpy (hand-written)", chain_numpy)]
    if torch is not None:
        libs.insert(1, ("torch " + torch.__version__, functools.partial(chain, torch)))
    print(f"us per op (forward + backward), {depth}-step chain = {n_ops(depth)} ops, best of {repeat}")
    print(f"{'':24s}" + "".join(f"{name:>24s}" for name, _ in libs))
    for size in (16, 1):
        row = [t / n_ops(depth) * 1e6 for t in best_interleaved([fn for _, fn in libs], depth, size, repeat=repeat)]
        print(f"{f'{size}-element tensor':24s}" + "".join(f"{v:24.2f}" for v in row))
        if torch is not None:
            print(f"{'':24s}tinygrad_course / torch = {row[0] / row[1]:.2f}")
    deep = [100_000] if a.quick else [100_000, 1_000_000]
    print("\nseconds for a long chain (forward + backward), 16 elements")
    for ops in deep:
        d = round(ops / 2.1)  # steps of mul, add and a tanh every 10th: 2.1 ops each
        row = [fn(d, 16) for _, fn in libs]
        print(f"{f'{n_ops(d):,} ops':24s}" + "".join(f"{v:24.2f}" for v in row))
    # no_grad: the cost of an op that records nothing
    x = tc.ones(16)
    t0 = time.perf_counter()
    with tc.no_grad():
        for _ in range(20000):
            x * 1.0001
    t_tc = (time.perf_counter() - t0) / 20000 * 1e6
    a16 = np.ones(16, np.float32)
    t0 = time.perf_counter()
    for _ in range(20000):
        a16 * 1.0001
    t_np = (time.perf_counter() - t0) / 20000 * 1e6
    print(f"\nno_grad multiply: {t_tc:.2f} us (numpy {t_np:.2f} us)")


if __name__ == "__main__":
    main()

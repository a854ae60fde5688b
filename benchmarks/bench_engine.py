"""Tape overhead: microseconds per op (forward + backward) of a chain of elementwise ops,
side by side with PyTorch (when installed) and a hand-written NumPy forward/backward (the floor).

    python benchmarks/bench_engine.py [--quick] [--same-process]

The chain is ``y = y * 1.0001; y = y + 0.001`` with a ``tanh`` every 10th step, then
``y.sum().backward()``. Each library runs in a fresh process of its own with only itself
imported, as a user's program would: Python's garbage collector walks every object of the
process when the heap grows, and importing PyTorch alone adds ~166,000 of them, which taxes a
NumPy engine's long graphs for PyTorch's presence (the 100k chain: 0.39 s alone, 0.58 s beside
torch). ``--same-process`` runs all three in this one process (interleaved) to show that.
Figures measured on the reference machine are in benchmarks/README.md.
"""
import argparse
import functools
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = ["tinygrad_course", "torch", "numpy"]
LABEL = {"tinygrad_course": "tinygrad_course", "torch": "torch", "numpy": "numpy (hand-written)"}


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
    return time.perf_counter() - t0


def _runner(name):
    """The chain function of library ``name`` (imported here: only that library is loaded)."""
    if name == "numpy":
        return chain_numpy
    if name == "torch":
        import torch

        torch.set_num_threads(1)
        return functools.partial(chain, torch)
    sys.path.insert(0, os.path.join(HERE, ".."))
    import tinygrad_course as tc

    return functools.partial(chain, tc)


def no_grad_multiply():
    """Microseconds of one ``x * 1.0001`` that records nothing, and of the same NumPy multiply."""
    sys.path.insert(0, os.path.join(HERE, ".."))
    import tinygrad_course as tc

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
    return t_tc, (time.perf_counter() - t0) / 20000 * 1e6


def measure(fns, depth, repeat, deep):
    """Per library: best µs/op at 16 and 1 elements (runs interleaved), then seconds per long chain."""
    out = {name: {} for name in fns}
    for size in (16, 1):
        times = {name: [] for name in fns}
        for _ in range(repeat):
            for name, fn in fns.items():
                times[name].append(fn(depth, size))
        for name in fns:
            out[name][f"us{size}"] = min(times[name]) / n_ops(depth) * 1e6
    for ops in deep:
        d = round(ops / 2.1)  # steps of mul, add and a tanh every 10th: 2.1 ops each
        for name, fn in fns.items():
            out[name][f"chain{n_ops(d)}"] = fn(d, 16)
    return out


def _available(name):
    if name != "torch":
        return True
    try:
        import importlib.util

        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, no million-op chain")
    ap.add_argument("--same-process", action="store_true", help="all libraries in this one process")
    ap.add_argument("--lib", choices=LIBS, help=argparse.SUPPRESS)  # one library, JSON out (internal)
    a = ap.parse_args(argv)
    depth = 1000
    repeat = 3 if a.quick else 15
    deep = [100_000] if a.quick else [100_000, 1_000_000]
    if a.lib:  # a child process: one library, figures as JSON on stdout
        print(json.dumps(measure({a.lib: _runner(a.lib)}, depth, repeat, deep)[a.lib]))
        return
    names = [n for n in LIBS if _available(n)]
    if a.same_process:
        res = measure({n: _runner(n) for n in names}, depth, repeat, deep)
        how = "all in this process, interleaved"
    else:
        res = {}
        for n in names:
            cmd = [sys.executable, os.path.abspath(__file__), "--lib", n] + (["--quick"] if a.quick else [])
            res[n] = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        how = "each library in a fresh process of its own"
    print(f"us per op (forward + backward), {depth}-step chain = {n_ops(depth)} ops, best of {repeat} ({how})")
    print(f"{'':24s}" + "".join(f"{LABEL[n]:>24s}" for n in names))
    for size in (16, 1):
        row = [res[n][f"us{size}"] for n in names]
        print(f"{f'{size}-element tensor':24s}" + "".join(f"{v:24.2f}" for v in row))
        if "torch" in res:
            print(f"{'':24s}tinygrad_course / torch = {res['tinygrad_course'][f'us{size}'] / res['torch'][f'us{size}']:.2f}")
    print("\nseconds for a long chain (forward + backward), 16 elements")
    for key in [k for k in res["tinygrad_course"] if k.startswith("chain")]:
        row = [res[n][key] for n in names]
        line = f"{f'{int(key[5:]):,} ops':24s}" + "".join(f"{v:24.2f}" for v in row)
        if "torch" in res:
            line += f"   (tc / torch = {res['tinygrad_course'][key] / res['torch'][key]:.2f})"
        print(line)
    t_tc, t_np = no_grad_multiply()
    print(f"\nno_grad multiply: {t_tc:.2f} us (numpy {t_np:.2f} us)")


if __name__ == "__main__":
    main()

"""tc.compile: eager vs compiled vs PyTorch eager vs hand-written NumPy, in one run.

    python benchmarks/bench_compile.py [--quick] [--threads N]

Rows: the 1,000-step chain of bench_engine.py (2,101 ops, forward + backward, us per op), the
lecture's MLP step (784-512-10, batch 128, SGD) and the LeNet step of bench_training.py
(ms per step). Each compiled variant also reports its trace time (its first call).
Set --threads before NumPy's BLAS starts (it sets OMP/OPENBLAS/MKL_NUM_THREADS for you).
"""
import argparse
import os
import sys
import time


def _parse():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
    return ap.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bench_engine import chain_numpy, n_ops
from bench_training import lenet, mlp_data, numpy_mlp_step, torch_mlp_step

import tinygrad_course as tc
import tinygrad_course.nn.functional as F

try:
    import torch
except ImportError:  # the oracle extra is optional
    torch = None

DEPTH = 1000


def chain_body(lib, x):
    y = x
    for i in range(DEPTH):
        y = y * 1.0001
        y = y + 0.001
        if i % 10 == 0:
            y = y.tanh()
    loss = y.sum()
    loss.backward()
    return loss


def chain_steps():
    """Each variant: a callable running the chain once (forward + backward)."""
    x_e = tc.ones(16, requires_grad=True)
    x_c = tc.ones(16, requires_grad=True)
    compiled = tc.compile(lambda x: chain_body(tc, x))
    t0 = time.perf_counter()
    compiled(x_c)
    trace = time.perf_counter() - t0
    steps = {"eager": lambda: chain_body(tc, x_e), "compiled": lambda: compiled(x_c)}
    if torch is not None:
        x_t = torch.ones(16, requires_grad=True)
        steps["torch"] = lambda: chain_body(torch, x_t)
    steps["numpy"] = lambda: chain_numpy(DEPTH, 16)
    return steps, trace


def tc_train_step(make_model, x, y, **opt_kw):
    model = make_model()
    opt = tc.optim.SGD(model.parameters(), lr=0.01, **opt_kw)
    xt, yt = tc.from_numpy(x), tc.from_numpy(y)

    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss

    compiled = tc.compile(step)
    t0 = time.perf_counter()
    compiled(xt, yt)
    trace = time.perf_counter() - t0
    return (lambda: step(xt, yt)), (lambda: compiled(xt, yt)), trace


def torch_lenet_step(x, y):
    model = lenet(torch)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()

    return step


def timed(steps, repeat):
    """Median seconds per call of each step, run in turns (a slow spell hits all alike)."""
    for s in steps.values():
        s()
    times = {k: [] for k in steps}
    for _ in range(repeat):
        for k, s in steps.items():
            t0 = time.perf_counter()
            s()
            times[k].append(time.perf_counter() - t0)
    return {k: float(np.median(v)) for k, v in times.items()}


def table(title, unit, scale, res, trace):
    names = list(res)
    print(f"\n{title} ({unit}; trace = first compiled call: {trace * 1e3:.1f} ms)")
    print("".join(f"{n:>12s}" for n in names))
    print("".join(f"{res[n] * scale:12.2f}" for n in names))
    ratios = [f"compiled/eager {res['compiled'] / res['eager']:.2f}"]
    if "torch" in res:
        ratios.append(f"compiled/torch {res['compiled'] / res['torch']:.2f}")
        ratios.append(f"eager/torch {res['eager'] / res['torch']:.2f}")
    if "numpy" in res:
        ratios.append(f"compiled/numpy {res['compiled'] / res['numpy']:.2f}")
    print("  " + ", ".join(ratios))


def main():
    quick = ARGS.quick if ARGS is not None else True
    if torch is not None:
        torch.set_num_threads(ARGS.threads if ARGS is not None else 1)
    print(f"tc.compile benchmark, {ARGS.threads if ARGS else 1} thread(s), medians of interleaved runs")

    steps, trace = chain_steps()
    res = timed(steps, 5 if quick else 20)
    table(f"{DEPTH}-step chain = {n_ops(DEPTH)} ops, 16 elements, forward + backward", "us per op",
          1e6 / n_ops(DEPTH), res, trace)

    x, y = mlp_data(np.random.default_rng(0))
    eager, compiled, trace = tc_train_step(
        lambda: tc.nn.Sequential(tc.nn.Linear(784, 512), tc.nn.ReLU(), tc.nn.Linear(512, 10)), x, y)
    steps = {"eager": eager, "compiled": compiled}
    if torch is not None:
        steps["torch"] = torch_mlp_step()
    steps["numpy"] = numpy_mlp_step()
    res = timed(steps, 20 if quick else 100)
    table("MLP 784-512-10 step, batch 128, SGD", "ms per step", 1e3, res, trace)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    eager, compiled, trace = tc_train_step(lambda: lenet(tc), x, y, momentum=0.9)
    steps = {"eager": eager, "compiled": compiled}
    if torch is not None:
        steps["torch"] = torch_lenet_step(x, y)
    res = timed(steps, 5 if quick else 30)
    table("LeNet step, batch 64, SGD momentum", "ms per step", 1e3, res, trace)


if __name__ == "__main__":
    main()

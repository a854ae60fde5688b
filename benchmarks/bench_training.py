"""Training-step cost: ms per step of the lecture's MLP (784-512-10, batch 128, SGD) and of a
LeNet-style conv net (1x28x28, batch 64), side by side with PyTorch (when installed) and a
hand-written NumPy forward/backprop of the same MLP (the floor); then memory over many MLP steps.

    python benchmarks/bench_training.py [--quick] [--threads N]

Set --threads before NumPy's BLAS starts (it sets OMP/OPENBLAS/MKL_NUM_THREADS for you).
"""
import argparse
import os
import sys
import time


def _parse():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer steps")
    ap.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
    ap.add_argument("--memory-steps", type=int, default=1000)
    ap.add_argument("--mem", choices=["tc", "torch", "numpy"], help=argparse.SUPPRESS)
    ap.add_argument("--alone", choices=["tc", "torch", "numpy"], help=argparse.SUPPRESS)
    return ap.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
_NEEDS_TORCH = ARGS is None or (ARGS.mem in (None, "torch") and ARGS.alone in (None, "torch"))
if ARGS is not None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import tinygrad_course as tc  # noqa: E402
from tinygrad_course import nn, optim  # noqa: E402
import tinygrad_course.nn.functional as F  # noqa: E402

torch = None
if _NEEDS_TORCH:
    # not imported for the tinygrad_course / NumPy memory runs: torch alone holds ~300 MiB
    try:
        import torch
    except ImportError:
        pass


def interleaved(steps, n):
    """Median ms per step of each step function, run alternately (one step of each per round)
    so that a change in the machine's load hits every library alike."""
    for s in steps:
        s()
        s()
    times = [[] for _ in steps]
    for _ in range(n):
        for k, s in enumerate(steps):
            t0 = time.perf_counter()
            s()
            times[k].append(time.perf_counter() - t0)
    return [float(np.median(t)) * 1e3 for t in times]


def mlp_data(rng, batch=128):
    return rng.standard_normal((batch, 784)).astype(np.float32), rng.integers(0, 10, batch)


def tc_mlp_step():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = optim.SGD(model.parameters(), lr=0.01)
    x, y = mlp_data(np.random.default_rng(0))
    xt, yt = tc.from_numpy(x), tc.from_numpy(y)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(xt), yt).backward()
        opt.step()

    return step


def torch_mlp_step():
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = mlp_data(np.random.default_rng(0))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(xt), yt).backward()
        opt.step()

    return step


def numpy_mlp_step():
    """The floor: the same MLP, cross-entropy and SGD written by hand (the lecture's backprop)."""
    rng = np.random.default_rng(0)
    W1 = (rng.standard_normal((784, 512)) * 0.03).astype(np.float32)
    b1 = np.zeros(512, np.float32)
    W2 = (rng.standard_normal((512, 10)) * 0.04).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    x, y = mlp_data(rng)
    n = len(y)
    lr = np.float32(0.01)

    def step():
        h = x @ W1 + b1
        a = np.maximum(h, 0)
        z = a @ W2 + b2
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        # e^L = p - onehot(y), then e^1 = g'(h) W2^T e^L, dW = x^T e
        p[np.arange(n), y] -= 1
        p /= n
        gW2 = a.T @ p
        gb2 = p.sum(0)
        e1 = (p @ W2.T) * (h > 0)
        gW1 = x.T @ e1
        gb1 = e1.sum(0)
        W1[...] -= lr * gW1
        b1[...] -= lr * gb1
        W2[...] -= lr * gW2
        b2[...] -= lr * gb2

    return step


def lenet(lib):
    m = lib.nn
    return m.Sequential(
        m.Conv2d(1, 6, 5, padding=2), m.ReLU(), m.MaxPool2d(2),
        m.Conv2d(6, 16, 5), m.ReLU(), m.MaxPool2d(2),
        m.Flatten(), m.Linear(16 * 5 * 5, 120), m.ReLU(), m.Linear(120, 84), m.ReLU(), m.Linear(84, 10),
    )


def conv_step(lib):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    model = lenet(lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xt, yt = lib.from_numpy(x), lib.from_numpy(y)
    ce = lib.nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        ce(model(xt), yt).backward()
        opt.step()

    return step


def _status_mib(field):
    """A memory line of /proc/self/status (kB) in MiB; NaN where there is none."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib():
    return _status_mib("VmRSS")


def peak_mib():
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    return _status_mib("VmHWM")


def memory_alone(lib, steps):
    """Peak RSS and RSS growth of ``steps`` MLP steps of one library alone in this process."""
    make = {"tc": tc_mlp_step, "torch": torch_mlp_step, "numpy": numpy_mlp_step}[lib]
    step = make()
    for _ in range(20):
        step()
    warm = rss_mib()
    for _ in range(steps):
        step()
    print(f"{peak_mib():.1f} {rss_mib() - warm:.1f}")


def memory_table(steps):
    import subprocess

    print(f"\nmemory of {steps} MLP steps, each library alone in a fresh process:")
    print(f"{'':16s}{'peak RSS MiB':>14s}{'growth after warm-up':>24s}")
    libs = ["tc", "numpy"] + (["torch"] if torch is not None else [])  # torch: this process imported it
    peaks = {}
    for lib in libs:
        out = subprocess.run(
            [sys.executable, __file__, "--mem", lib, "--memory-steps", str(steps), "--threads", str(ARGS.threads)],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        peaks[lib] = float(out[0])
        print(f"{lib:16s}{float(out[0]):14.1f}{float(out[1]):+24.1f}")
    print(f"tinygrad_course peak / numpy floor peak = {peaks['tc'] / peaks['numpy']:.2f}")


def steps_alone(lib, n):
    """Median ms of the MLP and the conv step of one library (for several threads: libraries
    in one process fight over the cores, torch's OpenMP threads spin while OpenBLAS works)."""
    mlp = {"tc": tc_mlp_step, "torch": torch_mlp_step, "numpy": numpy_mlp_step}[lib]()
    conv = None if lib == "numpy" else conv_step(tc if lib == "tc" else torch)
    t_mlp = interleaved([mlp], n)[0]
    t_conv = interleaved([conv], max(10, n // 2))[0] if conv else float("nan")
    print(f"{t_mlp} {t_conv}")


def separate_processes(n):
    import subprocess

    res = {}
    for lib in ["tc", "numpy"] + (["torch"] if torch is not None else []):
        out = subprocess.run(
            [sys.executable, __file__, "--alone", lib, "--threads", str(ARGS.threads)] + (["--quick"] if ARGS.quick else []),
            capture_output=True, text=True, check=True,
        ).stdout.split()
        res[lib] = (float(out[0]), float(out[1]))
    nan = (float("nan"), float("nan"))
    return res["tc"], res.get("torch", nan), res["numpy"]


def main():
    a = ARGS
    if torch is not None:
        torch.set_num_threads(a.threads)
    n = 20 if a.quick else 100
    if a.mem:
        memory_alone(a.mem, a.memory_steps)
        return
    if a.alone:
        steps_alone(a.alone, n)
        return
    if a.threads > 1:
        (m_tc, c_tc), (m_to, c_to), (m_np, _) = separate_processes(n)
        print(f"threads: {a.threads}; ms per training step (lower is better), median of {n} steps, "
              "each library in its own process")
        print(f"{'':30s}{'tinygrad_course':>18s}{'torch':>12s}{'numpy floor':>14s}{'tc/torch':>10s}{'tc/floor':>10s}")
        print(f"{'MLP 784-512-10, batch 128':30s}{m_tc:18.2f}{m_to:12.2f}{m_np:14.2f}{m_tc / m_to:10.2f}{m_tc / m_np:10.2f}")
        print(f"{'LeNet 1x28x28, batch 64':30s}{c_tc:18.2f}{c_to:12.2f}{'-':>14s}{c_tc / c_to:10.2f}{'-':>10s}")
        memory_table(200 if a.quick else a.memory_steps)
        return
    print(f"threads: {a.threads}; ms per training step (lower is better), median of {n} interleaved steps")
    rows = [("MLP 784-512-10, batch 128", tc_mlp_step, torch_mlp_step if torch else None, numpy_mlp_step)]
    hdr = f"{'':30s}{'tinygrad_course':>18s}{'torch':>12s}{'numpy floor':>14s}{'tc/torch':>10s}{'tc/floor':>10s}"
    print(hdr)
    for name, f_tc, f_torch, f_np in rows:
        if f_torch:
            t_tc, t_to, t_np = interleaved([f_tc(), f_torch(), f_np()], n)
        else:
            (t_tc, t_np), t_to = interleaved([f_tc(), f_np()], n), float("nan")
        print(f"{name:30s}{t_tc:18.2f}{t_to:12.2f}{t_np:14.2f}{t_tc / t_to:10.2f}{t_tc / t_np:10.2f}")
    nc = max(10, n // 2)
    if torch:
        t_tc, t_to = interleaved([conv_step(tc), conv_step(torch)], nc)
    else:
        t_tc, t_to = interleaved([conv_step(tc)], nc)[0], float("nan")
    print(f"{'LeNet 1x28x28, batch 64':30s}{t_tc:18.2f}{t_to:12.2f}{'-':>14s}{t_tc / t_to:10.2f}{'-':>10s}")

    memory_table(200 if a.quick else a.memory_steps)


if __name__ == "__main__":
    main()

"""Time one 60k-sample epoch of DataLoader over a TensorDataset (the fast path): python benchmarks/bench_dataloader.py"""
import sys, time
import numpy as np
import tinygrad_course as tc
from tinygrad_course.data import DataLoader, TensorDataset, Subset

rng = np.random.default_rng(0)
X = rng.standard_normal((60000, 784)).astype(np.float32)
y = rng.integers(0, 10, 60000).astype(np.int64)
ds = TensorDataset(tc.from_numpy(X), tc.from_numpy(y))

def epoch(loader):
    t = time.perf_counter()
    n = 0
    for xb, yb in loader:
        n += yb.shape[0]
    assert n in (60000, 30000), n
    return time.perf_counter() - t

for name, loader in [
    ("bs64 shuffle", DataLoader(ds, batch_size=64, shuffle=True, generator=0)),
    ("bs128 seq", DataLoader(ds, batch_size=128)),
    ("bs1 seq", DataLoader(ds, batch_size=1)),
    ("subset bs64 shuffle", DataLoader(Subset(ds, list(range(30000))), batch_size=64, shuffle=True, generator=0)),
]:
    ts = sorted(epoch(loader) for _ in range(5))
    print(f"{name:22s} best {ts[0]*1e3:7.1f} ms  median {ts[2]*1e3:7.1f} ms")

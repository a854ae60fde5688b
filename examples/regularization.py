"""What dropout and batch normalization change: each network trained with and without, same seed.

Dropout (nn.Dropout(p)): in training mode each forward pass zeroes a random fraction p of the
hidden units and scales the others by 1/(1 - p); in eval mode it does nothing. A net trained on
200 digits, a quarter of them with a random label, memorises the wrong labels: its training loss
falls, its test loss climbs back up. With dropout it cannot rely on any single unit to store one
example: it memorises much more slowly, and the test loss keeps falling.

Batch normalization (nn.BatchNorm1d): each unit's pre-activation is standardised over the
mini-batch, then scaled and shifted by learned gamma, beta. In a deep stack of sigmoids with the
default initialisation the pre-activations are small (std ~0.3), so every sigmoid sits near 0.5,
nearly constant, and the backward pass multiplies by sigmoid' <= 1/4 per layer: the first layers'
gradients are orders of magnitude smaller than the last's and SGD does not move. Batchnorm resets
the spread to 1 at every layer, and divides the gradient by that small batch std on the way
back: the gradients are alike at every depth, and plain SGD trains at once.

    python examples/regularization.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure


LABEL_NOISE = 0.25


def digits(n_train: int, seed: int = 0, label_noise: float = 0.0):
    """(X_train, y_train, X_test, y_test): ``n_train`` digits to train on (a fraction ``label_noise``
    of them relabelled at random), the last 797 (clean) to test on."""
    X, y = tc.datasets.load_digits()
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    X, y = X[perm] / 16.0, y[perm]
    ytr = y[:n_train].copy()
    flip = rng.random(n_train) < label_noise
    ytr[flip] = rng.integers(0, 10, int(flip.sum()))
    return tuple(tc.from_numpy(a) for a in (X[:n_train], ytr, X[1000:], y[1000:]))


def _losses(model, X, Y):
    model.eval()
    with tc.no_grad():
        return F.cross_entropy(model(X), Y).item()


def dropout_run(p: float, steps: int, hidden: int = 64, n_train: int = 200, seed: int = 0,
                every: int = 10) -> dict:
    """Train MLP 64-h-h-10 (dropout p after each hidden ReLU; p = 0: none) full-batch with Adam on
    the noisy-label digits; return the steps and the train / test losses (eval mode) recorded
    every ``every`` steps, the test accuracy and the final gap test - train loss."""
    Xtr, ytr, Xte, yte = digits(n_train, label_noise=LABEL_NOISE)
    tc.manual_seed(seed)  # the same initial weights with and without dropout
    model = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, hidden), nn.ReLU(),
                          nn.Dropout(p), nn.Linear(hidden, 10))
    opt = tc.optim.Adam(model.parameters(), lr=1e-3)
    rec = {"p": p, "steps": [], "train": [], "test": []}
    for t in range(1, steps + 1):
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(Xtr), ytr).backward()
        opt.step()
        if t % every == 0 or t == steps:
            rec["steps"].append(t)
            rec["train"].append(_losses(model, Xtr, ytr))
            rec["test"].append(_losses(model, Xte, yte))
    model.eval()
    with tc.no_grad():
        rec["test_accuracy"] = (model(Xte).argmax(1) == yte).float().mean().item()
    out = {k: (np.array(v) if isinstance(v, list) else v) for k, v in rec.items()}
    out["gap"] = out["test"][-1] - out["train"][-1]
    return out


def deep_sigmoid_net(batchnorm: bool, depth: int = 6, width: int = 64):
    """``depth`` x [Linear(width) (-> BatchNorm1d) -> Sigmoid], then Linear(width, 10)."""
    layers, d = [], 64
    for _ in range(depth):
        layers += [nn.Linear(d, width)] + ([nn.BatchNorm1d(width)] if batchnorm else []) + [nn.Sigmoid()]
        d = width
    return nn.Sequential(*layers, nn.Linear(d, 10))


def preactivation_std(model, X) -> np.ndarray:
    """The standard deviation of what enters each Sigmoid (over a batch and units), layer by layer."""
    out, h = [], X
    with tc.no_grad():
        for layer in model:
            if isinstance(layer, nn.Sigmoid):
                out.append(float(h.numpy().std()))
            h = layer(h)
    return np.array(out)


def layer_grad_norms(model, X, y) -> np.ndarray:
    """||dL/dW|| of each Linear layer's weight (first to last) for one batch, the weights untouched."""
    for q in model.parameters():
        q.grad = None
    F.cross_entropy(model(X), y).backward()
    norms = [float(np.linalg.norm(m.weight.grad.numpy())) for m in model if isinstance(m, nn.Linear)]
    for q in model.parameters():
        q.grad = None
    return np.array(norms)


def batchnorm_run(batchnorm: bool, steps: int, seed: int = 0, lr: float = 0.1, batch_size: int = 64) -> dict:
    """Train the deep sigmoid net (with or without batchnorm) with plain SGD on mini-batches of the
    digits; return the mini-batch losses and the pre-activation spreads at init and at the end."""
    X, y, _, _ = digits(1000)
    tc.manual_seed(seed)  # the same Linear weights with and without batchnorm
    model = deep_sigmoid_net(batchnorm)
    opt = tc.optim.SGD(model.parameters(), lr=lr)
    probe = X[:256]
    model.train()
    std0 = preactivation_std(model, probe)
    grads0 = layer_grad_norms(model, probe, y[:256])
    rng = np.random.default_rng(seed)  # the same mini-batches
    losses = []
    for _ in range(steps):
        idx = tc.from_numpy(rng.integers(0, len(y), batch_size))
        opt.zero_grad()
        loss = F.cross_entropy(model(X[idx]), y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {"batchnorm": batchnorm, "losses": np.array(losses), "std_init": std0, "grad_init": grads0,
            "std_end": preactivation_std(model, probe), "grad_end": layer_grad_norms(model, probe, y[:256])}


def compare(quick: bool = False) -> dict:
    """The numbers behind the picture: dropout 0 vs 0.5, batchnorm off vs on."""
    d_steps, b_steps = (120, 100) if quick else (400, 400)
    return {"dropout": {p: dropout_run(p, d_steps) for p in (0.0, 0.5)},
            "batchnorm": {bn: batchnorm_run(bn, b_steps) for bn in (False, True)}}


def main(argv=None):
    ap = example_parser(__doc__, "folder for regularization.png")
    args = ap.parse_args(argv)
    res = compare(args.quick)
    print(f"dropout (200 training digits, {LABEL_NOISE:.0%} of them with a random label):")
    print(f"  {'p':>4} {'train loss':>10} {'test loss':>10} {'gap':>7} {'test acc':>9}")
    for p, r in res["dropout"].items():
        print(f"  {p:>4g} {r['train'][-1]:>10.4f} {r['test'][-1]:>10.4f} {r['gap']:>7.4f} {r['test_accuracy']:>9.3f}")
    print("batchnorm (6 sigmoid layers, SGD lr 0.1):")
    for bn, r in res["batchnorm"].items():
        print(f"  {'with' if bn else 'without':<8} loss first 10 steps {r['losses'][:10].mean():.3f}, "
              f"last 20 {r['losses'][-20:].mean():.3f}")
        print("    at init, by layer: pre-activation std " + " ".join(f"{s:.3f}" for s in r["std_init"])
              + "; ||dL/dW|| " + " ".join(f"{g:.1e}" for g in r["grad_init"]))

    plt = pyplot()
    if plt is None:
        return res
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 4.6))
    for i, (p, r) in enumerate(res["dropout"].items()):
        name = f"dropout p={p:g}" if p else "no dropout"
        ax1.plot(r["steps"], r["train"], f"C{i}--", lw=1.3, label=f"{name}: train")
        ax1.plot(r["steps"], r["test"], f"C{i}-", lw=1.6,
                 label=f"{name}: test (accuracy {r['test_accuracy']:.2f})")
    ax1.set_yscale("log")
    ax1.set_xlabel(f"step (full batch of 200 digits, {LABEL_NOISE:.0%} mislabelled; Adam)")
    ax1.set_ylabel("cross-entropy (eval mode)")
    ax1.set_title("dropout: slower memorising of wrong labels")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    for i, (bn, r) in enumerate(res["batchnorm"].items()):
        ax2.plot(np.arange(1, len(r["losses"]) + 1), r["losses"], f"C{i + 2}-", lw=1.0,
                 label="with batchnorm" if bn else "without")
        layers = np.arange(1, len(r["grad_init"]) + 1)
        ax3.plot(layers, r["grad_init"], f"C{i + 2}-o", label=f"{'with' if bn else 'without'} batchnorm, at init")
        ax3.plot(layers, r["grad_end"], f"C{i + 2}:s", ms=4, label=f"{'with' if bn else 'without'}, after training")
    ax2.set_xlabel("step (mini-batch of 64, SGD lr 0.1)")
    ax2.set_ylabel("training loss (mini-batch)")
    ax2.set_title("batchnorm: 6 sigmoid layers train at once")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    ax3.set_yscale("log")
    ax3.set_xlabel("Linear layer (1 = next to the input, 7 = output)")
    ax3.set_ylabel("gradient norm ||dL/dW|| (256 digits)")
    ax3.set_title("what batchnorm changes: gradients alike at every depth")
    ax3.grid(alpha=0.3, which="both")
    ax3.legend(fontsize=8)
    path = save_figure(fig, os.path.join(args.out, "regularization.png"))
    print(f"wrote {os.path.normpath(path)}")
    return res


if __name__ == "__main__":
    main()

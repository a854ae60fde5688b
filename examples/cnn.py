"""A LeNet-style convolutional network with batch norm and dropout, written the PyTorch way with ``tc.nn``.

    conv 5x5 (6) -> BN -> ReLU -> max-pool 2     28x28 -> 28x28 -> 14x14
    conv 5x5 (16) -> BN -> ReLU -> max-pool 2    14x14 -> 10x10 -> 5x5
    flatten -> 120 -> ReLU -> dropout -> 84 -> ReLU -> dropout -> 10

On the bundled UCI digits upsampled (bilinear) to 28x28, or on MNIST with ``--dataset mnist`` when
its files are on disk (a subset of ``--limit`` training images keeps it under a minute). Draws the
train/test curves and the six learned first-layer filters to ``cnn.png``.

    python examples/cnn.py [--out docs] [--quick] [--dataset digits|mnist] [--epochs N]
"""
import os
import sys
import time

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn
from tinygrad_course.data import DataLoader, TensorDataset
from tinygrad_course.datasets import load_digits, load_mnist

from _common import example_parser, pyplot, save_figure


def upsample(images: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (N, h, w) images to (N, size, size): out = M @ img @ M^T, M the interpolation matrix."""
    h = images.shape[1]
    pos = (np.arange(size) + 0.5) * h / size - 0.5
    M = np.maximum(0, 1 - np.abs(pos[:, None] - np.arange(h)[None, :]))
    M /= M.sum(1, keepdims=True)
    return M @ images @ M.T


def load_data(dataset: str, limit: int, seed: int = 0):
    """(x_train, y_train, x_test, y_test): float32 images (N, 1, 28, 28) in [0, 1], int64 labels."""
    if dataset == "mnist":
        (xtr, ytr), (xte, yte) = load_mnist(download=False)
        xtr, ytr, xte, yte = xtr[:limit], ytr[:limit], xte[: limit // 5], yte[: limit // 5]
        return (xtr[:, None] / np.float32(255), ytr, xte[:, None] / np.float32(255), yte)
    X, y = load_digits()
    X = np.pad(upsample(X.reshape(-1, 8, 8) / 16.0, 20), ((0, 0), (4, 4), (4, 4)))[:, None].astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(X))
    test, train = order[: len(X) // 5], order[len(X) // 5:]
    return X[train], y[train], X[test], y[test]


class LeNet(nn.Module):
    """LeNet-5's layout with batch norm after each convolution and dropout in the classifier."""

    def __init__(self, n_classes: int = 10, p_drop: float = 0.3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Dropout(p_drop),
            nn.Linear(120, 84), nn.ReLU(), nn.Dropout(p_drop), nn.Linear(84, n_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, x, y, batch_size=500):
    """(mean cross-entropy, accuracy) in eval mode (batch norm uses its running statistics, no dropout)."""
    model.eval()
    loss, correct = 0.0, 0
    with tc.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(tc.from_numpy(x[i:i + batch_size]))
            yb = tc.from_numpy(y[i:i + batch_size])
            loss += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += int((logits.argmax(1) == yb).sum().item())
    model.train()
    return loss / len(x), correct / len(x)


def train(model, x_tr, y_tr, x_te, y_te, epochs, batch_size=64, lr=2e-3, seed=0):
    """Adam with a cosine learning-rate schedule; returns a Keras-like history dict."""
    loader = DataLoader(TensorDataset(tc.from_numpy(x_tr), tc.from_numpy(y_tr)), batch_size=batch_size,
                        shuffle=True, generator=seed)
    opt = tc.optim.Adam(model.parameters(), lr=lr)
    sched = tc.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        t0, loss_sum, correct = time.perf_counter(), 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(yb)
            correct += int((logits.argmax(1) == yb).sum().item())
        sched.step()
        val_loss, val_acc = evaluate(model, x_te, y_te)
        for k, v in zip(history, (loss_sum / len(x_tr), correct / len(x_tr), val_loss, val_acc)):
            history[k].append(v)
        print(f"epoch {epoch + 1}/{epochs}  loss {history['loss'][-1]:.4f}  acc {history['accuracy'][-1]:.4f}  "
              f"test loss {val_loss:.4f}  test acc {val_acc:.4f}  ({time.perf_counter() - t0:.1f}s)", flush=True)
    return history


def plot(history, filters, path, title):
    """Loss and accuracy curves, then the first layer's 5x5 filters."""
    plt = pyplot(agg=True)
    if plt is None:
        return None
    fig = plt.figure(figsize=(11, 3.3))
    grid = fig.add_gridspec(2, 5, width_ratios=[3, 3, 1, 1, 1])
    epochs = np.arange(1, len(history["loss"]) + 1)
    for col, key in enumerate(("loss", "accuracy")):
        ax = fig.add_subplot(grid[:, col])
        ax.plot(epochs, history[key], "-o", ms=3, label="train")
        ax.plot(epochs, history["val_" + key], "--s", ms=3, label="test")
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    for i, w in enumerate(filters[:6]):
        ax = fig.add_subplot(grid[i // 3, 2 + i % 3])
        ax.imshow(w, cmap="RdBu_r", vmin=-np.abs(w).max(), vmax=np.abs(w).max())
        ax.set_xticks([])
        ax.set_yticks([])
        if i == 1:
            ax.set_title("conv1 filters")
    fig.suptitle(title)
    return save_figure(fig, path)


def main(argv=None):
    ap = example_parser(__doc__, "folder for cnn.png", "a fast smoke run (2 epochs, 300 images)")
    ap.add_argument("--dataset", choices=("digits", "mnist"), default="digits")
    ap.add_argument("--epochs", type=int, default=None, help="default: 12 (digits), 3 (mnist)")
    ap.add_argument("--limit", type=int, default=10000, help="MNIST training images used (default 10000)")
    args = ap.parse_args(argv)

    tc.manual_seed(0)
    try:
        x_tr, y_tr, x_te, y_te = load_data(args.dataset, args.limit)
    except (FileNotFoundError, RuntimeError, ValueError) as e:
        print(f"MNIST is not available locally:\n{e}", file=sys.stderr)
        return 2
    epochs = args.epochs or (12 if args.dataset == "digits" else 3)
    if args.quick:
        x_tr, y_tr, x_te, y_te, epochs = x_tr[:300], y_tr[:300], x_te[:100], y_te[:100], 2
    print(f"{args.dataset}: {len(x_tr)} training, {len(x_te)} test images of shape {x_tr.shape[1:]}")
    model = LeNet()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"LeNet: {n_params:,} parameters")
    start = time.perf_counter()
    history = train(model, x_tr, y_tr, x_te, y_te, epochs)
    print(f"test accuracy: {history['val_accuracy'][-1]:.4f} after {epochs} epochs "
          f"({time.perf_counter() - start:.1f}s)")
    filters = model.features[0].weight.detach().numpy()[:, 0]
    path = plot(history, filters, os.path.join(args.out, "cnn.png"), f"LeNet-style CNN on {args.dataset}")
    if path:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m tinygrad_course train``: the lecture's MLP (or a small CNN) trained with a plain PyTorch loop.

Everything here is public ``tc`` API: ``tc.nn`` model, ``tc.optim`` optimizer, ``tc.data.DataLoader``,
``F.cross_entropy``; ``tc.viz`` draws the curves and the computation graph of one batch's loss.
"""
import csv
import io
import os
import shutil
import sys
import time
from typing import Dict, List, Optional, Tuple

import numpy as np

from . import nn
from . import optim as optim_module
from .autograd.factories import from_numpy
from .autograd.grad_mode import no_grad
from .autograd.random import manual_seed
from .data import DataLoader, TensorDataset
from .nn import functional as F
from .optim._named import named_optimizer
from .utils.atomic import atomic_write

__all__ = ["DATASETS", "MODELS", "OPTIMIZERS", "DEFAULT_LR", "load_data", "build_model", "make_optimizer", "train",
           "DataUnavailable"]

DATASETS = ("digits", "mnist", "moons")
MODELS = ("mlp", "cnn")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "nadam")
# learning rates that train the default MLP on digits well in a few epochs
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.05, "rmsprop": 1e-3, "adam": 1e-3,
              "nadam": 2e-3}


class DataUnavailable(RuntimeError):
    """The dataset cannot be loaded (e.g. MNIST offline); the CLI exits with code 2."""


def _stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """Train/test indices holding ``test_fraction`` of every class out (shuffled with ``seed``)."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(len(idx) * test_fraction))
        test.append(idx[:k])
        train.append(idx[k:])
    return rng.permutation(np.concatenate(train)), np.sort(np.concatenate(test))


def load_data(dataset: str, seed: int = 0, data_dir: Optional[str] = None, download: bool = True):
    """``(x_train, y_train, x_test, y_test)``: float32 inputs scaled to [0, 1] (images as (N, 1, H, W)), int64 labels."""
    from . import datasets

    if dataset == "digits":
        X, y = datasets.load_digits()
        X = (X / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
        tr, te = _stratified_split(y, 0.2, seed)
        return X[tr], y[tr], X[te], y[te]
    if dataset == "moons":
        X, y = datasets.make_moons(n_samples=1000, noise=0.2, seed=seed)
        # scale the moons (x in [-1.5, 2.5], y in [-1, 1.5]) into [0, 1] like the images
        X = ((X - X.min(0)) / (X.max(0) - X.min(0))).astype(np.float32)
        tr, te = _stratified_split(y, 0.2, seed)
        return X[tr], y[tr], X[te], y[te]
    if dataset == "mnist":
        kwargs = {"download": download}
        if data_dir is not None:
            kwargs["root"] = data_dir
        try:
            (xtr, ytr), (xte, yte) = datasets.load_mnist(**kwargs)
        except (RuntimeError, OSError, ValueError) as e:
            raise DataUnavailable(str(e)) from e
        scale = np.float32(1 / 255)
        return (xtr[:, None] * scale, ytr, xte[:, None] * scale, yte)
    raise ValueError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)}")


def build_model(kind: str, input_shape: Tuple[int, ...], n_classes: int) -> nn.Module:
    """``mlp``: the lecture's input -> 512 -> classes with ReLU; ``cnn``: two conv/ReLU/max-pool blocks + Linear."""
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(int(np.prod(input_shape)), 512), nn.ReLU(),
                             nn.Linear(512, n_classes))
    if kind == "cnn":
        if len(input_shape) != 3:
            raise ValueError(f"--model cnn needs images, got inputs of shape {input_shape}; "
                             "use --dataset digits or mnist (or --model mlp)")
        c, h, w = input_shape
        feats = nn.Sequential(nn.Conv2d(c, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
        n_feat = 32 * (h // 4) * (w // 4)
        return nn.Sequential(*feats, nn.Linear(n_feat, n_classes))
    raise ValueError(f"unknown model {kind!r}; choose from {', '.join(MODELS)}")


def make_optimizer(name: str, params, lr: Optional[float] = None) -> optim_module.Optimizer:
    """The ``tc.optim`` optimizer for a CLI name (momentum variants use momentum=0.9)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")
    return named_optimizer(name, params, DEFAULT_LR[name] if lr is None else lr)


def _evaluate(model: nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = 1000) -> Tuple[float, float]:
    model.eval()
    loss_sum, correct = 0.0, 0
    with no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(from_numpy(x[i:i + batch_size]))
            yb = from_numpy(y[i:i + batch_size])
            loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
            correct += int((logits.argmax(1) == yb).sum().item())
    model.train()
    return loss_sum / len(x), correct / len(x)


def _history_csv(history: Dict[str, List[float]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    keys = list(history)
    w.writerow(["epoch"] + keys)
    for i in range(len(history[keys[0]])):
        w.writerow([i + 1] + [f"{history[k][i]:.6g}" for k in keys])
    return buf.getvalue()


def _draw_graph(model: nn.Module, x: np.ndarray, y: np.ndarray, out: str) -> Tuple[str, Optional[str]]:
    """Draw one batch's loss graph (with gradient norms); SVG with ``dot``, else the .gv source and a hint."""
    from . import viz

    model.zero_grad()
    loss = F.cross_entropy(model(from_numpy(x)), from_numpy(y))
    loss.backward()
    graph = viz.draw_graph(loss, params=dict(model.named_parameters()), show_grads=True)
    model.zero_grad()
    if shutil.which("dot"):
        try:
            return viz.render(graph, os.path.join(out, "graph"), format="svg"), None
        except RuntimeError:
            pass
    path = os.path.join(out, "graph.gv")
    atomic_write(path, graph.source)
    return path, ("Graphviz's 'dot' was not found: wrote the graph source graph.gv; install Graphviz and run "
                  f"`dot -Tsvg {path} -o {os.path.join(out, 'graph.svg')}` to draw it")


def _plot(history: Dict[str, List[float]], out: str, title: str) -> Tuple[Optional[str], Optional[str]]:
    from .viz._mpl import have_matplotlib

    if not have_matplotlib():
        return None, ("matplotlib is not installed: the curves are in history.csv; "
                      "`pip install matplotlib` to get curves.png")
    from . import viz

    path = os.path.join(out, "curves.png")
    viz.plot_history(history, path, title=title)
    return path, None


def train(dataset: str = "digits", model: str = "mlp", optimizer: str = "rmsprop", epochs: int = 10,
          batch_size: int = 32, lr: Optional[float] = None, out: Optional[str] = None, seed: int = 0,
          data_dir: Optional[str] = None, download: bool = True, progress: bool = True,
          stdout=None) -> Dict:
    """Train, print the test accuracy, write curves / history.csv / model.npz / graph into ``out``; return a summary."""
    from . import save

    stdout = stdout or sys.stdout
    manual_seed(seed)
    x_tr, y_tr, x_te, y_te = load_data(dataset, seed=seed, data_dir=data_dir, download=download)
    n_classes = int(max(y_tr.max(), y_te.max())) + 1
    if model == "mlp":  # the lecture's MLP reads flat vectors
        x_tr, x_te = x_tr.reshape(len(x_tr), -1), x_te.reshape(len(x_te), -1)
    net = build_model(model, tuple(x_tr.shape[1:]), n_classes)
    opt = make_optimizer(optimizer, net.parameters(), lr)
    loader = DataLoader(TensorDataset(from_numpy(x_tr), from_numpy(y_tr)), batch_size=batch_size, shuffle=True,
                        generator=seed)
    history: Dict[str, List[float]] = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    from tqdm.auto import tqdm

    start = time.perf_counter()
    net.train()
    for epoch in range(epochs):
        bar = tqdm(loader, desc=f"epoch {epoch + 1}/{epochs}", unit="batch", disable=not progress, leave=True,
                   file=sys.stderr, mininterval=0.2)
        loss_sum, correct, seen = 0.0, 0, 0
        for xb, yb in bar:
            opt.zero_grad()
            logits = net(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            n = len(yb)
            loss_sum += loss.item() * n
            correct += int((logits.argmax(1) == yb).sum().item())
            seen += n
            bar.set_postfix(loss=f"{loss_sum / seen:.4f}", accuracy=f"{correct / seen:.4f}", refresh=False)
        val_loss, val_acc = _evaluate(net, x_te, y_te)
        for k, v in zip(history, (loss_sum / seen, correct / seen, val_loss, val_acc)):
            history[k].append(v)
        bar.set_postfix(loss=f"{loss_sum / seen:.4f}", accuracy=f"{correct / seen:.4f}",
                        test_accuracy=f"{val_acc:.4f}", refresh=True)
        bar.close()
        if not np.isfinite(loss_sum):
            print(f"warning: the loss diverged (epoch {epoch + 1}); try a smaller --lr", file=sys.stderr)
    seconds = time.perf_counter() - start
    test_loss, test_acc = _evaluate(net, x_te, y_te)
    print(f"test accuracy: {test_acc:.4f} (test loss {test_loss:.4f}; {dataset}, {model}, {optimizer}, "
          f"{epochs} epochs, {seconds:.1f}s)", file=stdout, flush=True)

    # only now that training worked: create the folder and write each file atomically
    os.makedirs(out, exist_ok=True)
    files, hints = [], []
    atomic_write(os.path.join(out, "history.csv"), _history_csv(history))
    files.append("history.csv")
    curves, hint = _plot(history, out, f"{model} on {dataset} ({optimizer})")
    files += [os.path.basename(curves)] if curves else []
    hints += [hint] if hint else []
    save(net.state_dict(), os.path.join(out, "model.npz"))
    files.append("model.npz")
    graph_path, hint = _draw_graph(net, x_tr[:32], y_tr[:32], out)
    files.append(os.path.basename(graph_path))
    hints += [hint] if hint else []
    print(f"wrote {', '.join(files)} to {out}", file=stdout)
    for h in hints:
        print(h, file=stdout)
    return {"test_accuracy": test_acc, "test_loss": test_loss, "history": history, "seconds": seconds,
            "out": out, "files": files}

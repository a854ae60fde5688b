"""``python -m tinygrad_course train`` / ``evaluate``: the lecture's MLP (or a small CNN) trained with a plain PyTorch loop.

Everything here is public ``tc`` API: ``tc.nn`` model, ``tc.optim`` optimizer, ``tc.data.DataLoader``,
``F.cross_entropy``; ``tc.viz`` draws the curves and the computation graph of one batch's loss.

A run folder is usable at every moment: ``config.json`` (arguments, seed, versions, the model's code) is
written before the first batch, and after every epoch ``checkpoint.npz`` (model, optimizer, RNG states,
history), ``model.npz`` (the plain state dict), ``history.csv`` and ``curves.png`` are replaced atomically.
Ctrl-C stops after the current batch and keeps the epochs done; ``train(resume=RUN_DIR)`` continues them.
"""
import contextlib
import json
import os
import platform
import signal
import sys
import threading
import time
from typing import Dict, List, Optional, Tuple

import numpy as np

from . import nn
from . import optim as optim_module
from .autograd.factories import from_numpy
from .autograd.grad_mode import no_grad
from .autograd.random import default_generator, manual_seed
from .data import DataLoader, TensorDataset
from .nn import functional as F
from .optim._named import named_optimizer
from .utils.atomic import atomic_write
from .cli_outputs import CURVES, _draw_graph, _history_csv, _plot

__all__ = ["DATASETS", "MODELS", "OPTIMIZERS", "DEFAULT_LR", "MAX_SEED", "load_data", "build_model", "model_code",
           "make_optimizer", "train", "evaluate", "load_run", "check_out", "versions", "DataUnavailable",
           "RunError", "RUN_FILES"]

DATASETS = ("digits", "mnist", "moons")
MODELS = ("mlp", "cnn")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "nadam")
# learning rates that train the default MLP on digits well in a few epochs
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.05, "rmsprop": 1e-3, "adam": 1e-3,
              "nadam": 2e-3}
MAX_SEED = 2**64 - 1  # torch.manual_seed's upper bound
CONFIG, CHECKPOINT, MODEL, HISTORY = "config.json", "checkpoint.npz", "model.npz", "history.csv"
RUN_FILES = (CONFIG, CHECKPOINT, MODEL, HISTORY, CURVES)
EXIT_DIVERGED, EXIT_INTERRUPTED = 1, 130  # 130 = 128 + SIGINT, what shells report for Ctrl-C


class DataUnavailable(RuntimeError):
    """The dataset cannot be loaded (e.g. MNIST offline); the CLI exits with code 2."""


class RunError(ValueError):
    """A bad ``--out`` or run folder (unwritable, a file, not a run, already a run); the CLI exits with code 2."""


def versions() -> Dict[str, str]:
    """The versions a run records: ``{"python", "numpy", "tinygrad_course"}``.

    >>> sorted(versions())
    ['numpy', 'python', 'tinygrad_course']
    """
    from . import __version__

    return {"python": platform.python_version(), "numpy": np.__version__, "tinygrad_course": __version__}


def _stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """Train/held-out indices holding ``test_fraction`` of every class out (shuffled with ``seed``)."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(len(idx) * test_fraction))
        test.append(idx[:k])
        train.append(idx[k:])
    return rng.permutation(np.concatenate(train)), np.sort(np.concatenate(test))


def load_data(dataset: str, seed: int = 0, data_dir: Optional[str] = None, download: bool = True):
    """``(x_train, y_train, x_val, y_val)``: float32 inputs scaled to [0, 1] (images as (N, 1, H, W)), int64 labels.

    digits and moons: a stratified 80/20 split drawn with ``seed``; mnist: its own train/test files.

    >>> x_tr, y_tr, x_val, y_val = load_data("digits", seed=0)
    """
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


def model_code(kind: str, input_shape: Tuple[int, ...], n_classes: int) -> str:
    """The Python expression (over ``nn``) that builds the CLI's model; config.json records it.

    ``mlp``: Linear(features, 512), ReLU, Linear(512, classes) on flat inputs; ``cnn``: two
    conv/ReLU/max-pool blocks, Flatten, Linear on (C, H, W) images.

    >>> model_code("mlp", (64,), 10)
    'nn.Sequential(nn.Linear(64, 512), nn.ReLU(), nn.Linear(512, 10))'
    """
    if kind == "mlp":
        return f"nn.Sequential(nn.Linear({int(np.prod(input_shape))}, 512), nn.ReLU(), nn.Linear(512, {n_classes}))"
    if kind == "cnn":
        if len(input_shape) != 3:
            raise ValueError(f"--model cnn needs images, got inputs of shape {input_shape}; "
                             "use --dataset digits or mnist (or --model mlp)")
        c, h, w = input_shape
        return (f"nn.Sequential(nn.Conv2d({c}, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), "
                "nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), "
                f"nn.Linear({32 * (h // 4) * (w // 4)}, {n_classes}))")
    raise ValueError(f"unknown model {kind!r}; choose from {', '.join(MODELS)}")


def build_model(kind: str, input_shape: Tuple[int, ...], n_classes: int) -> nn.Module:
    """The model of ``model_code(kind, input_shape, n_classes)`` (the MLP reads flat vectors: no hidden Flatten).

    >>> build_model("mlp", (64,), 10)  # Sequential(Linear(64, 512), ReLU(), Linear(512, 10))
    """
    # one source: the code written to config.json is exactly what builds the model
    return eval(model_code(kind, input_shape, n_classes), {"__builtins__": {}, "nn": nn})


def make_optimizer(name: str, params, lr: Optional[float] = None) -> optim_module.Optimizer:
    """The ``tc.optim`` optimizer for a CLI name (momentum variants use momentum=0.9).

    >>> make_optimizer("adam", model.parameters(), lr=1e-3)
    """
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


def check_out(out: str, *, create: bool = True, fresh: bool = True) -> List[str]:
    """Check that ``out`` can hold a new run (a writable folder without a run in it); create it; return the folders made.

    Raises ``RunError`` naming the problem: ``out`` is a file, under a file, not writable, or
    (with ``fresh``) already holds a run (``config.json``: continue it with ``--resume`` or
    choose another folder).

    >>> made = check_out("runs/try1")
    """
    path = os.path.abspath(os.fspath(out))
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise RunError(f"--out {out!r} is a file, not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise RunError(f"--out {out!r}: the folder is not writable")
        if fresh and os.path.exists(os.path.join(path, CONFIG)):
            raise RunError(f"--out {out!r} already holds a run ({CONFIG}); continue it with "
                           f"`train --resume {out}`, replace it with --overwrite, or choose another --out")
        return []
    parent = os.path.dirname(path)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise RunError(f"cannot create --out {out!r}: {parent!r} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunError(f"cannot create --out {out!r}: {parent!r} is not writable")
    if not create:
        return []
    made, p = [], path
    while not os.path.exists(p):
        made.append(p)
        p = os.path.dirname(p)
    try:
        os.makedirs(path)
    except OSError as e:
        _remove_empty(made)
        raise RunError(f"cannot create --out {out!r}: {e.strerror or e}") from None
    return made


def _remove_empty(folders: List[str]) -> None:
    for d in folders:  # deepest first
        with contextlib.suppress(OSError):
            os.rmdir(d)


def _read_config(run_dir: str) -> Dict:
    path = os.path.join(os.fspath(run_dir), CONFIG)
    if not os.path.isdir(run_dir):
        raise RunError(f"{run_dir!r} is not a run folder (no such folder)")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except FileNotFoundError:
        raise RunError(f"{run_dir!r} is not a run folder: it has no {CONFIG}") from None
    except (OSError, ValueError) as e:
        raise RunError(f"{path!r} cannot be read: {e}") from None
    if not isinstance(config, dict) or config.get("command") != "train" or "arguments" not in config:
        raise RunError(f"{path!r} is not the config.json of a `train` run")
    return config


def load_run(run_dir: str) -> Tuple[nn.Module, Dict]:
    """``(model, config)`` of a run folder: the model rebuilt from config.json's ``model_code`` with model.npz loaded.

    >>> model, config = load_run("runs/20260101-120000")
    >>> model.eval(); logits = model(tc.from_numpy(x.reshape(len(x), -1)))  # the MLP reads flat inputs
    """
    from .serialization import load

    config = _read_config(run_dir)
    path = os.path.join(os.fspath(run_dir), MODEL)
    if not os.path.exists(path):
        raise RunError(f"{run_dir!r} has no {MODEL} yet: no epoch of it finished")
    model = eval(config["model_code"], {"__builtins__": {}, "nn": nn})
    try:
        model.load_state_dict(load(path))
    except (RuntimeError, KeyError) as e:
        raise RunError(f"{path!r} does not load into the run's model {config['model_code']}: {e}") from None
    return model, config


def _prepare(x_tr: np.ndarray, x_val: np.ndarray, kind: str) -> Tuple[np.ndarray, np.ndarray]:
    if kind == "mlp":  # the lecture's MLP reads flat vectors
        return x_tr.reshape(len(x_tr), -1), x_val.reshape(len(x_val), -1)
    return x_tr, x_val


def evaluate(run_dir: str, data_dir: Optional[str] = None, download: bool = True, stdout=None) -> Dict:
    """Evaluate a run folder's model.npz on its held-out ('val') split; print and return the accuracy and loss.

    >>> evaluate("runs/20260101-120000")["val_accuracy"]
    """
    stdout = stdout or sys.stdout
    model, config = load_run(run_dir)
    a = config["arguments"]
    x_tr, _, x_val, y_val = load_data(a["dataset"], seed=a["seed"], data_dir=data_dir, download=download)
    _, x_val = _prepare(x_tr[:1], x_val, a["model"])
    val_loss, val_acc = _evaluate(model, x_val, y_val)
    epochs = _epochs_done(run_dir)
    print(f"val accuracy: {val_acc:.4f} (val loss {val_loss:.4f}; {a['dataset']}, {a['model']}, {a['optimizer']}, "
          f"{epochs} epoch{'s' if epochs != 1 else ''}; {run_dir})", file=stdout, flush=True)
    return {"val_accuracy": val_acc, "val_loss": val_loss, "epochs": epochs, "config": config}


def _epochs_done(run_dir: str) -> int:
    from .serialization import load

    path = os.path.join(os.fspath(run_dir), CHECKPOINT)
    if not os.path.exists(path):
        return 0
    try:
        return int(load(path)["epoch"])
    except (RuntimeError, KeyError, TypeError, ValueError) as e:
        raise RunError(f"{run_dir!r}: its {CHECKPOINT} does not load ({e})") from None


class _Stop:
    """Ctrl-C while training: the first SIGINT asks to stop after the current batch, a second one stops at once."""

    def __init__(self) -> None:
        self.requested = False

    def _handler(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self  # signals reach the main thread only: nothing to catch here
            return
        old = signal.signal(signal.SIGINT, self._handler)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, old)


def _rng_state(shuffle: np.random.Generator) -> str:
    # JSON text: PCG64 states are 128-bit ints
    return json.dumps({"shuffle": shuffle.bit_generator.state, "tc": default_generator().bit_generator.state})


def _set_rng_state(text: str, shuffle: np.random.Generator) -> None:
    state = json.loads(text)
    shuffle.bit_generator.state = state["shuffle"]
    default_generator().bit_generator.state = state["tc"]


def _new_run_config(a: Dict, argv: Optional[List[str]], input_shape, n_classes: int, n_train: int,
                    n_val: int) -> Dict:
    return {
        "command": "train",
        "arguments": a,
        "argv": list(argv) if argv is not None else None,
        "versions": versions(),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "model_code": model_code(a["model"], input_shape, n_classes),
        "input_shape": list(input_shape),
        "n_classes": n_classes,
        "data": {"train": n_train, "val": n_val,
                 "inputs": ("float32 in [0, 1] (digits: pixel / 16; mnist: pixel / 255; moons: min-max scaled)"
                            + (", flattened to one vector per sample" if a["model"] == "mlp" else
                               ", images (N, 1, H, W)")),
                 "split": ("MNIST's own train/test files" if a["dataset"] == "mnist" else
                           "stratified 80/20 train/val drawn with the seed")},
        "sessions": [],
        "files": {CONFIG: "this file", CHECKPOINT: "tc.load: epoch, model, optimizer, history, RNG states (for "
                  "--resume)", MODEL: "tc.load: the model's state dict after the last finished epoch",
                  HISTORY: "loss, accuracy, val_loss, val_accuracy per epoch", CURVES: "the history drawn"},
    }


def train(dataset: str = "digits", model: str = "mlp", optimizer: str = "rmsprop", epochs: Optional[int] = 10,
          batch_size: int = 32, lr: Optional[float] = None, out: Optional[str] = None, seed: int = 0,
          data_dir: Optional[str] = None, download: bool = True, progress: bool = True,
          stdout=None, allow_nan: bool = False, resume: Optional[str] = None, argv: Optional[List[str]] = None,
          stderr=None, overwrite: bool = True) -> Dict:
    """Train into the run folder ``out`` (or continue the run ``resume``); print the val accuracy; return a summary.

    config.json is written before the first batch; checkpoint.npz, model.npz, history.csv and
    curves.png after every epoch (atomically); graph.svg (or graph.gv) when the run finishes.
    Ctrl-C (SIGINT) stops after the current batch and keeps the epochs done; a non-finite loss
    stops training unless ``allow_nan``. ``summary["status"]`` is ``"finished"``, ``"interrupted"``
    or ``"diverged"``. With ``resume``, the run's config.json gives every argument but ``epochs``
    (the total to reach; default: the run's). A run already in ``out`` is replaced when
    ``overwrite`` (its files removed once the new config.json is written), else ``RunError``.

    >>> train(epochs=3, out="runs/try1")["val_accuracy"]
    """
    from . import load, save

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    made: List[str] = []
    if resume is not None:
        out = os.fspath(resume)
        config = _read_config(out)
        a = dict(config["arguments"])
        if not os.access(out, os.W_OK | os.X_OK):
            raise RunError(f"--resume {out!r}: the folder is not writable")
        done_before = _epochs_done(out)
        if epochs is None:
            epochs = a["epochs"]
        if epochs <= done_before:
            raise RunError(f"{out!r} already has {done_before} epochs done; pass --epochs N with N > {done_before} "
                           "to train it further")
        dataset, model, optimizer, batch_size, lr, seed = (a[k] for k in ("dataset", "model", "optimizer",
                                                                           "batch_size", "lr", "seed"))
        a["epochs"] = epochs
    else:
        if epochs is None:
            epochs = 10
        if out is None:
            out = f"runs/{time.strftime('%Y%m%d-%H%M%S')}"
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"train: seed must be an int in [0, 2**64 - 1], got {seed!r}")
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose from {', '.join(OPTIMIZERS)}")
        if dataset not in DATASETS:
            raise ValueError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)}")
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; choose from {', '.join(MODELS)}")
        if model == "cnn" and dataset == "moons":
            raise ValueError("--model cnn needs images: use --dataset digits or mnist (or --model mlp for moons)")
        out = os.fspath(out)
        made = check_out(out, fresh=not overwrite)  # before any data or training: a bad --out costs nothing
        a = {"dataset": dataset, "model": model, "optimizer": optimizer, "epochs": epochs, "batch_size": batch_size,
             "lr": DEFAULT_LR[optimizer] if lr is None else lr, "seed": seed, "allow_nan": allow_nan}
        lr = a["lr"]

    manual_seed(seed)
    try:
        x_tr, y_tr, x_val, y_val = load_data(dataset, seed=seed, data_dir=data_dir, download=download)
    except BaseException:
        _remove_empty(made)  # a failed start leaves nothing behind
        raise
    n_classes = int(max(y_tr.max(), y_val.max())) + 1
    x_tr, x_val = _prepare(x_tr, x_val, model)
    net = build_model(model, tuple(x_tr.shape[1:]), n_classes)
    opt = make_optimizer(optimizer, net.parameters(), lr)
    shuffle_gen = np.random.default_rng(seed)  # the stream DataLoader(generator=seed) draws, kept to checkpoint it
    loader = DataLoader(TensorDataset(from_numpy(x_tr), from_numpy(y_tr)), batch_size=batch_size, shuffle=True,
                        generator=shuffle_gen)
    history: Dict[str, List[float]] = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    done = 0
    if resume is None:
        config = _new_run_config(a, argv, tuple(x_tr.shape[1:]), n_classes, len(x_tr), len(x_val))
    else:
        ck_path = os.path.join(out, CHECKPOINT)
        if os.path.exists(ck_path):
            try:
                ck = load(ck_path)
                net.load_state_dict(ck["model"])
                opt.load_state_dict(ck["optimizer"])
                history = {k: [float(v) for v in ck["history"][k]] for k in history}
                done = int(ck["epoch"])
                _set_rng_state(ck["rng"], shuffle_gen)
            except (RuntimeError, ValueError, KeyError, TypeError) as e:
                raise RunError(f"cannot resume {out!r}: its {CHECKPOINT} does not load ({e})") from None
        a["allow_nan"] = allow_nan
        config["arguments"] = a
    config["sessions"].append({"started": time.strftime("%Y-%m-%d %H:%M:%S"), "from_epoch": done, "to_epoch": epochs,
                               "argv": list(argv) if argv is not None else None, "versions": versions()})
    try:
        atomic_write(os.path.join(out, CONFIG), json.dumps(config, indent=2) + "\n")
    except OSError as e:
        _remove_empty(made)
        raise RunError(f"cannot write {CONFIG} into --out {out!r}: {e}") from None
    if resume is None:
        # a replaced run's files must not pass for this run's (only once the new config.json is in place,
        # so a failed start leaves the old run whole)
        for name in RUN_FILES[1:] + ("graph.svg", "graph.gv"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(out, name))

    files = [CONFIG]
    hints: List[str] = []
    title = f"{model} on {dataset} ({optimizer})"

    plotting = {"epochs": -1, "next": 0.0, "seconds": 0.0}

    def write_curves(force: bool) -> None:
        # Drawing costs ~0.2 s, several digits epochs: skip a redraw unless the last one is 9 of its
        # durations old (<= 10% overhead); the end of every session (finish, Ctrl-C, divergence) always draws.
        if plotting["epochs"] == done or not history["loss"] or (not force and time.perf_counter() < plotting["next"]):
            return
        t0 = time.perf_counter()
        curves, hint = _plot(history, out, title)
        t1 = time.perf_counter()
        plotting.update(epochs=done, next=t1 + 9 * (t1 - t0), seconds=plotting["seconds"] + t1 - t0)
        if curves and CURVES not in files:
            files.append(CURVES)
        if hint and hint not in hints:
            hints.append(hint)

    def write_epoch() -> None:
        t0 = time.perf_counter()
        # the checkpoint first: --resume reads only it, the other files are for people
        save({"epoch": done, "model": net.state_dict(), "optimizer": opt.state_dict(), "history": history,
              "rng": _rng_state(shuffle_gen)}, os.path.join(out, CHECKPOINT))
        save(net.state_dict(), os.path.join(out, MODEL))
        atomic_write(os.path.join(out, HISTORY), _history_csv(history))
        for name in (CHECKPOINT, MODEL, HISTORY):
            if name not in files:
                files.append(name)
        plotting["seconds"] += time.perf_counter() - t0
        write_curves(force=done == epochs)

    from tqdm.auto import tqdm

    status, stop_note = "finished", ""
    start = time.perf_counter()
    net.train()
    stop = _Stop()
    # a diverging run is reported once, by the finite-loss check below, not by NumPy overflow warnings
    with stop.installed(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(done, epochs):
            bar = tqdm(loader, desc=f"epoch {epoch + 1}/{epochs}", unit="batch", disable=not progress, leave=True,
                       file=sys.stderr, mininterval=0.2)
            loss_sum, correct, seen, batch = 0.0, 0, 0, 0
            for xb, yb in bar:
                if stop.requested:
                    break
                opt.zero_grad()
                logits = net(xb)
                loss = F.cross_entropy(logits, yb)
                value = loss.item()
                batch += 1
                if not np.isfinite(value) and not allow_nan:
                    status = "diverged"
                    stop_note = f"the loss is {value} at epoch {epoch + 1}, batch {batch}/{len(loader)} (lr {lr:g})"
                    break
                loss.backward()
                opt.step()
                n = len(yb)
                loss_sum += value * n
                correct += int((logits.argmax(1) == yb).sum().item())
                seen += n
                shown = {"loss": f"{loss_sum / seen:.4f}", "accuracy": f"{correct / seen:.4f}"}
                if batch == len(loader):
                    # the held-out score goes on the bar before tqdm closes it at the end of the pass
                    val_loss, val_acc = _evaluate(net, x_val, y_val)
                    shown.update(val_loss=f"{val_loss:.4f}", val_accuracy=f"{val_acc:.4f}")
                bar.set_postfix(shown, refresh=batch == len(loader))
            bar.close()
            if status != "finished" or batch < len(loader):
                if status == "finished":
                    status = "interrupted"
                    stop_note = f"during epoch {epoch + 1}/{epochs} after batch {batch}/{len(loader)}"
                break
            for k, v in zip(history, (loss_sum / seen, correct / seen, val_loss, val_acc)):
                history[k].append(v)
            done = epoch + 1
            write_epoch()
            if not np.isfinite(loss_sum):
                print(f"warning: the loss diverged (epoch {epoch + 1}); try a smaller --lr", file=stderr)
            if stop.requested and done < epochs:
                status, stop_note = "interrupted", f"after epoch {done}/{epochs}"
                break
    write_curves(force=True)  # the epochs done, drawn (a no-op when the last epoch's curves are on disk)
    seconds = time.perf_counter() - start

    kept = f"epochs 1-{done}" if done > 1 else ("epoch 1" if done == 1 else "no epoch (only config.json)")
    summary = {"status": status, "epochs": done, "history": history, "seconds": seconds, "out": out,
               "files": files, "config": config}
    if status != "finished":
        if status == "interrupted":
            print(f"interrupted (Ctrl-C) {stop_note}: {out} keeps {kept}; continue with "
                  f"`python -m tinygrad_course train --resume {out}`", file=stderr, flush=True)
        else:
            print(f"error: training stopped: {stop_note}; {out} keeps {kept}; try a smaller --lr, or pass "
                  "--allow-nan to go on", file=stderr, flush=True)
        if history["val_accuracy"]:
            summary.update(val_accuracy=history["val_accuracy"][-1], val_loss=history["val_loss"][-1])
        return summary

    val_loss, val_acc = history["val_loss"][-1], history["val_accuracy"][-1]
    print(f"val accuracy: {val_acc:.4f} (val loss {val_loss:.4f}; {dataset}, {model}, {optimizer}, "
          f"{done} epoch{'s' if done != 1 else ''}, {seconds:.1f}s of which {plotting['seconds']:.1f}s writing "
          "the run folder)", file=stdout, flush=True)
    graph_path, hint = _draw_graph(net, x_tr[:32], y_tr[:32], out)
    files.append(os.path.basename(graph_path))
    hints += [hint] if hint else []
    print(f"wrote {', '.join(files)} to {out}", file=stdout)
    for h in hints:
        print(h, file=stdout)
    summary.update(val_accuracy=val_acc, val_loss=val_loss)
    return summary

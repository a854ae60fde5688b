"""Callbacks called by ``fit``: ``Callback`` (the hooks), ``History``, ``EarlyStopping``, ``LambdaCallback``,
``ModelCheckpoint``, ``CSVLogger``, ``ReduceLROnPlateau``, ``TerminateOnNaN``, ``LearningRateScheduler``."""
import csv
import inspect
import io
import os
import warnings
from collections.abc import Iterable
from typing import Callable, Dict, List, Optional

import numpy as np

from ..utils.atomic import atomic_write

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "LambdaCallback", "ModelCheckpoint", "CSVLogger",
           "ReduceLROnPlateau", "TerminateOnNaN", "LearningRateScheduler"]


class Callback:
    """Base class: override the hooks you need; ``self.model`` and ``self.params`` are set by ``fit``.

    Set ``self.model.stop_training = True`` to end training after the current epoch.
    """

    def __init__(self):
        self.model = None
        self.params: Dict = {}

    def set_model(self, model) -> None:
        """Attach the model being trained (``fit`` calls it)."""
        self.model = model

    def set_params(self, params: Dict) -> None:
        """Receive the training parameters (epochs, steps, verbose ...) from ``fit``."""
        self.params = params

    def on_train_begin(self, logs: Optional[Dict] = None) -> None:
        """Called once when ``fit`` starts."""
        pass

    def on_train_end(self, logs: Optional[Dict] = None) -> None:
        """Called once when ``fit`` ends."""
        pass

    def on_epoch_begin(self, epoch: int, logs: Optional[Dict] = None) -> None:
        """Called at the start of each epoch (0-based ``epoch``)."""
        pass

    def on_epoch_end(self, epoch: int, logs: Optional[Dict] = None) -> None:
        """Called at the end of each epoch with its ``logs`` (loss, metrics, val_ ones)."""
        pass

    def on_batch_begin(self, batch: int, logs: Optional[Dict] = None) -> None:
        """Called before each training batch."""
        pass

    def on_batch_end(self, batch: int, logs: Optional[Dict] = None) -> None:
        """Called after each training batch with its ``logs`` (loss, metrics)."""
        pass

    # Keras 2.x names; by default they forward to the generic batch hooks
    def on_train_batch_begin(self, batch: int, logs: Optional[Dict] = None) -> None:
        """Keras 2.x name of ``on_batch_begin`` (forwards to it)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Optional[Dict] = None) -> None:
        """Keras 2.x name of ``on_batch_end`` (forwards to it)."""
        self.on_batch_end(batch, logs)


class CallbackList:
    """Calls one hook on every callback in order."""

    def __init__(self, callbacks: List[Callback], model, params: Dict):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be keras.callbacks.Callback instances, got {type(cb).__name__}")
            cb.set_model(model)
            cb.set_params(params)

    def call(self, hook: str, *args) -> None:
        """Call the hook named ``hook`` on every callback with the given arguments."""
        for cb in self.callbacks:
            getattr(cb, hook)(*args)


class History(Callback):
    """Records the epoch-end logs: ``history.history['loss']`` is the list of per-epoch losses."""

    def __init__(self):
        super().__init__()
        self.history: Dict[str, List[float]] = {}
        self.epoch: List[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``mode='auto'`` maximises metrics named like accuracy and minimises the rest. With
    ``restore_best_weights=True`` the model ends training with the weights of its best epoch
    (as Keras 3 does, also when training ran to the last epoch).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: Optional[float] = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience!r}")
        self.monitor, self.patience, self.verbose = monitor, int(patience), verbose
        self.baseline, self.restore_best_weights, self.start_from_epoch = baseline, restore_best_weights, start_from_epoch
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.endswith("auc")) else "min"
        self.mode = mode
        self.min_delta = abs(min_delta) if mode == "max" else -abs(min_delta)

    def _better(self, value: float, reference: float) -> bool:
        if reference is None:
            return True
        return value - self.min_delta > reference if self.mode == "max" else value - self.min_delta < reference

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric {self.monitor!r} which is not available. "
                          f"Available metrics are: {', '.join(logs or {})}", stacklevel=2)
            return
        if epoch < self.start_from_epoch or not np.isfinite(current):
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._better(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._better(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, on_epoch_begin: Optional[Callable] = None, on_epoch_end: Optional[Callable] = None,
                 on_batch_begin: Optional[Callable] = None, on_batch_end: Optional[Callable] = None,
                 on_train_begin: Optional[Callable] = None, on_train_end: Optional[Callable] = None):
        super().__init__()
        for name, fn in (("on_epoch_begin", on_epoch_begin), ("on_epoch_end", on_epoch_end),
                         ("on_batch_begin", on_batch_begin), ("on_batch_end", on_batch_end),
                         ("on_train_begin", on_train_begin), ("on_train_end", on_train_end)):
            if fn is not None:
                setattr(self, name, fn)


def _monitor_op(mode: str, monitor: str, who: str):
    """(better(a, b), initial best) for ``mode``: 'auto' maximises accuracy-like metrics (Keras 2.2's rule)."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure"))):
        return np.greater, -np.inf
    return np.less, np.inf


class ModelCheckpoint(Callback):
    """Save the model (or its weights) after every epoch, every ``save_freq`` batches, or when ``monitor`` improves.

    ``filepath`` may hold ``str.format`` fields filled from ``epoch`` (1-based) and the logs:
    ``"w-{epoch:02d}-{val_loss:.2f}.keras"``. ``save_best_only`` keeps overwriting the file only when
    ``monitor`` beats its best so far (``mode``: 'min', 'max' or 'auto' = max for accuracies).
    ``period`` is Keras 2.2's spelling for "every period epochs".

    >>> ModelCheckpoint("best.keras", monitor="val_loss", save_best_only=True)
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq="epoch", period: int = 1,
                 initial_value_threshold: Optional[float] = None, options=None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = bool(save_best_only), bool(save_weights_only)
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: unrecognized save_freq {save_freq!r}: expected 'epoch' or a positive "
                             "integer (a number of batches)")
        if isinstance(period, bool) or not isinstance(period, int) or period < 1:
            raise ValueError(f"ModelCheckpoint: period must be a positive integer, got {period!r}")
        self.save_freq, self.period = save_freq, period
        self.monitor_op, self.best = _monitor_op(mode, monitor, "ModelCheckpoint")
        if initial_value_threshold is not None:
            self.best = float(initial_value_threshold)
        self.epochs_since_last_save = 0
        self._batches_seen = 0
        self._epoch = 0

    def _path(self, epoch: int, logs: Dict, batch: Optional[int] = None) -> str:
        try:
            extra = {"batch": batch + 1} if batch is not None else {}
            return self.filepath.format(epoch=epoch + 1, **extra, **(logs or {}))
        except (KeyError, IndexError, ValueError) as e:
            raise KeyError(f'ModelCheckpoint: failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {type(e).__name__} {e} (available: epoch, {', '.join(logs or {})})") from None

    def _save(self, epoch: int, logs: Dict, batch: Optional[int] = None) -> None:
        logs = logs or {}
        path = self._path(epoch, logs, batch)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, skipping.", RuntimeWarning,
                              stacklevel=3)
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1:05d}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1:05d}: {self.monitor} improved from {self.best:.5f} to {current:.5f}, "
                      f"saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1:05d}: saving model to {path}")
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._save(self._epoch, logs, batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq != "epoch":
            return
        self.epochs_since_last_save += 1
        if self.epochs_since_last_save >= self.period:
            self.epochs_since_last_save = 0
            self._save(epoch, logs)


class CSVLogger(Callback):
    """Append one row per epoch to a CSV file: ``epoch`` (0-based, as Keras) then the logs in sorted order.

    With ``append=True`` an existing file is extended (its header kept); else it is overwritten at
    the start of training. After every epoch the whole file is rewritten through the package's
    atomic writer, so it is readable during training and never holds half a row.

    >>> CSVLogger("training.log", separator=",", append=False)
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, bool(append)
        self.writer, self.keys, self.csv_file = None, None, None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self._head = ""  # what the file held before this run (kept with append=True)
        if self.append and os.path.exists(self.filename):
            with open(self.filename, "r", newline="", encoding="utf-8") as f:
                self._head = f.read()
            self.append_header = not self._head
        else:
            atomic_write(self.filename, "")  # created (or emptied) at the start, as Keras does
        # rows go to memory; the file is rewritten whole (atomically) after each epoch
        self.csv_file = io.StringIO(newline="")
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}

        def handle_value(k):
            if isinstance(k, str):
                return k
            if isinstance(k, Iterable) and not (isinstance(k, np.ndarray) and k.ndim == 0):
                return '"[%s]"' % ", ".join(map(str, k))
            return k

        if self.keys is None:
            self.keys = sorted(logs)
        if self.model is not None and self.model.stop_training:
            logs = {k: logs.get(k, "NA") for k in self.keys}
        if self.writer is None:
            sep = self.sep

            class Dialect(csv.excel):
                delimiter = sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, handle_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        atomic_write(self.filename, self._head + self.csv_file.getvalue())

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.writer, self.csv_file = None, None


def _base_lr(opt) -> float:
    """The learning rate Keras' ``optimizer.lr`` holds: before the ``decay`` schedule is applied."""
    if getattr(opt, "decay", 0):
        return float(opt.get_config()["learning_rate"])
    return float(opt.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    After a reduction, ``cooldown`` epochs pass before waiting starts again; the rate never goes
    below ``min_lr``. Adds ``lr`` to the epoch logs (so ``History`` and ``CSVLogger`` record it).

    >>> ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-5)
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0, **kwargs):
        super().__init__()
        if "epsilon" in kwargs:  # Keras 2.1's name
            min_delta = kwargs.pop("epsilon")
            warnings.warn("ReduceLROnPlateau: `epsilon` is deprecated, use `min_delta`", stacklevel=2)
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected keyword argument(s) {', '.join(sorted(kwargs))}")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0, got {factor!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.monitor, self.factor, self.patience, self.verbose = monitor, float(factor), int(patience), verbose
        self.mode, self.min_delta, self.cooldown, self.min_lr = mode, float(min_delta), int(cooldown), float(min_lr)
        self._reset()

    def _reset(self) -> None:
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self) -> bool:
        """True while the cooldown after a reduction is still running."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        opt = self.model.optimizer
        logs["lr"] = float(opt.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Reduce LR on plateau conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs)}", RuntimeWarning, stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _base_lr(opt)
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    opt.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1:05d}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class TerminateOnNaN(Callback):
    """Stop training at the first batch whose loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LearningRateScheduler(Callback):
    """At the start of each epoch set the learning rate to ``schedule(epoch, lr)`` (or ``schedule(epoch)``).

    ``epoch`` counts from 0; the schedule must return a float, as Keras requires.

    >>> LearningRateScheduler(lambda epoch, lr: lr * 0.9 if epoch >= 10 else lr)
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, got {type(schedule).__name__}")
        self.schedule, self.verbose = schedule, verbose
        try:
            params = inspect.signature(schedule).parameters.values()
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            self._two_args = len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)
        except (TypeError, ValueError):  # builtins without a signature: try the new API
            self._two_args = True

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        lr = _base_lr(opt)
        lr = self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (float, np.floating)):
            raise ValueError(f'The output of the "schedule" function should be float, got {lr!r} '
                             f"({type(lr).__name__}) at epoch {epoch}")
        opt.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1:05d}: LearningRateScheduler setting learning rate to {lr}.")


def __dir__():
    return list(__all__)

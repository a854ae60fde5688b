"""``compile`` / ``fit`` / ``evaluate`` / ``predict``: a PyTorch training loop dressed as Keras.

Each batch: ``optimizer.zero_grad()``, forward, ``loss.backward()``, ``optimizer.step()`` (then the
decay schedule), exactly the loop one writes by hand with ``tc.nn`` and ``tc.optim``. The one loop
of both model classes: ``x`` travels as a list of arrays (one per model input), batched and
shuffled together.
"""
import sys
import time
import weakref
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..autograd import _array
from ..autograd.dtypes import get_default_dtype
from ..autograd.factories import from_numpy
from ..autograd.grad_mode import no_grad
from ..autograd.random import default_generator
from ..autograd.tensor import Tensor
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .callbacks import Callback, CallbackList, History

__all__ = ["TrainingMixin"]

_IGNORED_COMPILE_ARGS = ("run_eagerly", "jit_compile", "steps_per_execution", "auto_scale_loss")
# jit_compile=True (Keras 3's spelling) is honoured: fit's train step runs through tc.compile
_JIT_STEPS = weakref.WeakKeyDictionary()


def _to_array(a, what: str, where: str) -> np.ndarray:
    if a is None:
        raise ValueError(f"{where}(): {what} is required, got None")
    if isinstance(a, Tensor):
        return a.detach().numpy()
    arr = np.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{where}(): {what} must be a numeric array (NumPy, list or Tensor), got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{where}(): {what} must have a batch dimension, got a scalar")
    return arr


def _inputs(x, where: str) -> np.ndarray:
    x = _to_array(x, "x", where)
    if x.dtype.kind != "f" or x.dtype != get_default_dtype().np:
        x = x.astype(get_default_dtype().np)  # Keras casts inputs to its float type
    return x


def _check_lengths(x: np.ndarray, y: np.ndarray, where: str) -> None:
    if len(x) != len(y):
        raise ValueError(f"{where}(): Data cardinality is ambiguous: x sizes: {len(x)}, y sizes: {len(y)}. "
                         "Make sure all arrays contain the same number of samples.")


def _batch_size(batch_size, where: str) -> int:
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"{where}(): batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


def _verbosity(verbose) -> int:
    if verbose == "auto" or verbose is True:
        return 1
    if verbose in (0, 1, 2):
        return int(verbose)
    raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")


def _fmt(logs: Dict[str, float]) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


class _Progress:
    """verbose=1: a tqdm bar per epoch (loss/metrics as postfix); verbose=2: one line per epoch; 0: silent."""

    def __init__(self, verbose: int, desc: str, steps: int):
        self.verbose, self.desc = verbose, desc
        self.start = time.perf_counter()
        self.bar = None
        if verbose == 1:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=steps, desc=desc, unit="batch", file=sys.stdout, leave=True, mininterval=0.2)

    def update(self, logs: Dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
            self.bar.update(1)

    def close(self, logs: Dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()}, refresh=False)
            self.bar.close()
        elif self.verbose == 2:
            print(f"{self.desc} - {time.perf_counter() - self.start:.1f}s - {_fmt(logs)}", file=sys.stdout, flush=True)


class TrainingMixin:
    """Keras' training API, the one loop of ``Sequential`` and the functional ``Model``.

    A model provides ``_as_inputs(x, where)`` (x as a list of arrays, one per model input, checked),
    ``_build_for(xs)``, ``_forward_parts(xts)`` (output, logits, final activation), ``_predict_batch(xts)``
    and ``_output_shapes()`` (lists, one entry per output), ``_out_shape`` and its weights.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(1, input_shape=(3,))])
    >>> model.compile(loss="mse", optimizer="sgd"); model.fit(np.ones((4, 3)), np.ones(4), verbose=0).epoch
    [0]
    """

    # ------------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, metrics: Optional[Sequence] = None, loss_weights=None,
                **kwargs) -> None:
        """Choose the loss (name, Loss or callable), optimizer (name, Keras or ``tc.optim`` optimizer) and metrics.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        """
        unknown = sorted(k for k in kwargs if k not in _IGNORED_COMPILE_ARGS)
        if unknown:
            raise TypeError(f"compile() got unexpected keyword argument(s): {', '.join(unknown)}")
        if loss_weights is not None:
            raise ValueError("compile(): loss_weights is only meaningful for multi-output models")
        if loss is None:
            raise ValueError("compile(): a loss is required, e.g. loss='categorical_crossentropy'; valid names: "
                             f"{', '.join(sorted(losses_module._BY_NAME))}")
        loss_obj = losses_module.get(loss)
        opt = optimizers_module.get(optimizer)
        metrics_module.get(metrics, loss_obj.kind, None)  # validate names now, resolve once the output is known
        self.loss, self.optimizer, self._metric_ids = loss_obj, opt, metrics
        self.compiled_loss = loss_obj
        self._compiled = True
        self._jit_compile = bool(kwargs.get("jit_compile", False))
        _JIT_STEPS.pop(self, None)
        if self.built and not isinstance(opt, optimizers_module._Wrapped):
            opt.build(self.parameters())

    def _check_compiled(self, where: str) -> None:
        if not getattr(self, "_compiled", False):
            raise RuntimeError(f"You must call compile() before using the model: {where}() needs a loss and an optimizer.")

    def _check_single_output(self, where: str) -> None:
        """Training needs one output (one loss per output is not implemented)."""
        if len(self._output_shapes()) != 1:
            raise ValueError(f"{where}(): model {self.name!r} has {len(self._output_shapes())} outputs; training "
                             "and evaluating multi-output models is not supported (predict() works)")

    def _xy(self, x, y, where: str, what: str = "y"):
        """(inputs as a list of arrays, targets as an array), the sample counts checked."""
        xs = self._as_inputs(x, where)
        y = _to_array(y, what, where)
        _check_lengths(xs[0], y, where)
        return xs, y

    def _ready(self, xs: List[np.ndarray], where: str) -> List[metrics_module.Metric]:
        """Build from the data if needed, bind the optimizer, resolve metrics for the output shape."""
        self._build_for(xs)
        params = [p for p in self.parameters() if p.requires_grad]
        opt = self.optimizer
        if opt.torch_optimizer is None or {id(p) for p in params} != {id(p) for p in opt._params}:
            opt.build(params)
        return metrics_module.get(self._metric_ids, self.loss.kind, self._out_shape[-1] if self._out_shape else None)

    # --------------------------------------------------------------- one batch
    def _loss_on(self, xb: List[np.ndarray], yb: np.ndarray):
        out, logits, act = self._forward_parts([from_numpy(a) for a in xb])
        return self.loss.from_model(from_numpy(yb), out, logits, act), out

    def _train_batch(self, xb: List[np.ndarray], yb):
        if getattr(self, "_jit_compile", False):
            step = _JIT_STEPS.get(self)
            if step is None:
                from ..compile import compile as _tc_compile  # tc.compile loads its tracer only when asked for

                step = _JIT_STEPS[self] = _tc_compile(self._train_step_tensors)
            loss, out = step([from_numpy(a) for a in xb], from_numpy(yb))
            return float(loss.item()), _array(out)
        self.optimizer.zero_grad()
        loss, out = self._loss_on(xb, yb)
        loss.backward()
        self.optimizer.apply()
        return float(loss.item()), _array(out)

    def _train_step_tensors(self, xts, yt):
        """One training step on tensors (what ``jit_compile=True`` compiles): loss and output."""
        self.optimizer.zero_grad()
        out, logits, act = self._forward_parts(xts)
        loss = self.loss.from_model(yt, out, logits, act)
        loss.backward()
        self.optimizer.apply()
        return loss, out

    def _update_metrics(self, mets, yb, out, loss_sum, n):
        for m in mets:
            m.update(yb, out)
        return {"loss": loss_sum / n, **{m.name: m.result() for m in mets}}

    # --------------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size: Optional[int] = None, epochs: int = 1, verbose=1,
            callbacks: Optional[List[Callback]] = None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, initial_epoch: int = 0) -> History:
        """Train for ``epochs`` passes over (x, y) in mini-batches; returns a ``History``.

        ``x``: an array, or for a model with several inputs a list of arrays (in ``inputs`` order) or
        a dict by input name. ``History.history`` holds per-epoch ``loss``, each metric (``accuracy``)
        and, with validation data, ``val_loss`` / ``val_accuracy``. ``validation_split`` holds out the
        *last* fraction of the data (before shuffling), as Keras does.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=2, validation_split=0.25, verbose=0)
        >>> sorted(history.history), len(history.history["loss"])
        (['loss', 'val_loss'], 2)
        """
        self._check_single_output("fit")
        self._check_compiled("fit")
        verbose, bs = _verbosity(verbose), _batch_size(batch_size, "fit")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"fit(): epochs must be a non-negative integer, got {epochs!r}")
        xs, y_raw = self._xy(x, y, "fit")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit(): validation_split must be in [0, 1), got {validation_split!r}")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("fit(): validation_data must be a tuple (x_val, y_val)")
            val = self._xy(validation_data[0], validation_data[1], "fit", "y_val")
        elif validation_split > 0:
            n = len(xs[0])
            split = int(n * (1.0 - validation_split))
            if split == 0 or split == n:
                raise ValueError(f"fit(): validation_split={validation_split} leaves an empty training or "
                                 f"validation set for {n} samples")
            val = ([a[split:] for a in xs], y_raw[split:])
            xs, y_raw = [a[:split] for a in xs], y_raw[:split]
        n = len(xs[0])
        if n == 0:
            raise ValueError("fit(): no training samples (x is empty)")
        mets = self._ready(xs, "fit")
        y = self.loss.prepare_targets(y_raw, self._out_shape, "fit")
        if val is not None:
            self._build_for(val[0])
            val = (val[0], self.loss.prepare_targets(val[1], self._out_shape, "fit"))

        history = next((cb for cb in callbacks or [] if isinstance(cb, History)), None) or History()
        cbs = [cb for cb in callbacks or [] if cb is not history] + [history]
        steps = -(-n // bs)
        cbl = CallbackList(cbs, self, {"verbose": verbose, "epochs": epochs, "steps": steps})
        self.stop_training = False
        was_training = self.training
        cbl.call("on_train_begin", {})
        logs: Dict[str, float] = {}
        gen = default_generator()
        for epoch in range(initial_epoch, epochs):
            cbl.call("on_epoch_begin", epoch, {})
            self.train()
            order = gen.permutation(n) if shuffle else None
            progress = _Progress(verbose, f"Epoch {epoch + 1}/{epochs}", steps)
            for m in mets:
                m.reset()
            loss_sum, seen = 0.0, 0
            for step, start in enumerate(range(0, n, bs)):
                idx = order[start:start + bs] if order is not None else slice(start, start + bs)
                xb, yb = [a[idx] for a in xs], y[idx]
                cbl.call("on_train_batch_begin", step, {})
                batch_loss, out = self._train_batch(xb, yb)
                if not np.isfinite(batch_loss) and verbose:
                    print(f"fit(): the loss became {batch_loss} at epoch {epoch + 1}, batch {step + 1}", flush=True)
                loss_sum += batch_loss * len(yb)
                seen += len(yb)
                logs = self._update_metrics(mets, yb, out, loss_sum, seen)
                cbl.call("on_train_batch_end", step, dict(logs))
                progress.update(logs)
                if self.stop_training:  # as Keras 2.2: a callback (TerminateOnNaN) may end the epoch early
                    break
            if val is not None:
                val_logs = self._evaluate_arrays(val[0], val[1], bs, mets)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            progress.close(logs)
            cbl.call("on_epoch_end", epoch, dict(logs))
            if self.stop_training:
                break
        self.train(was_training)
        cbl.call("on_train_end", dict(logs))
        self.history = history
        return history

    # ---------------------------------------------------------------- evaluate
    def _evaluate_arrays(self, xs, y, bs, mets, progress: Optional[_Progress] = None) -> Dict[str, float]:
        was_training = self.training
        self.eval()
        for m in mets:
            m.reset()
        loss_sum, logs = 0.0, {}
        try:
            with no_grad():
                for start in range(0, len(y), bs):
                    xb, yb = [a[start:start + bs] for a in xs], y[start:start + bs]
                    loss, out = self._loss_on(xb, yb)
                    loss_sum += float(loss.item()) * len(yb)
                    logs = self._update_metrics(mets, yb, _array(out), loss_sum, start + len(yb))
                    if progress is not None:
                        progress.update(logs)
        finally:
            self.train(was_training)
        return logs

    def evaluate(self, x=None, y=None, batch_size: Optional[int] = None, verbose=1, return_dict: bool = False):
        """Loss (and metrics) over (x, y) in inference mode: ``[loss, accuracy]``, or the loss alone without metrics.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> loss, mae = model.evaluate(np.ones((8, 3)), np.ones((8, 2)), verbose=0)
        """
        self._check_single_output("evaluate")
        self._check_compiled("evaluate")
        verbose, bs = _verbosity(verbose), _batch_size(batch_size, "evaluate")
        xs, y = self._xy(x, y, "evaluate")
        if len(y) == 0:
            raise ValueError("evaluate(): no samples (x is empty)")
        mets = self._ready(xs, "evaluate")
        y = self.loss.prepare_targets(y, self._out_shape, "evaluate")
        progress = _Progress(verbose, "Evaluate", -(-len(y) // bs))
        logs = self._evaluate_arrays(xs, y, bs, mets, progress)
        progress.close(logs)
        if return_dict:
            return logs
        return logs["loss"] if not mets else [logs["loss"]] + [logs[m.name] for m in mets]

    # ----------------------------------------------------------------- predict
    def predict(self, x, batch_size: Optional[int] = None, verbose=0):
        """The model's outputs for ``x`` (inference mode, batch by batch): an array, or a list for several outputs.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.predict(np.ones((5, 3)), batch_size=2).shape
        (5, 2)
        """
        bs = _batch_size(batch_size, "predict")
        verbose = _verbosity(verbose)
        xs = self._as_inputs(x, "predict")
        self._build_for(xs)
        n = len(xs[0])
        progress = _Progress(verbose, "Predict", -(-n // bs))
        was_training = self.training
        self.eval()
        shapes = self._output_shapes()
        outs: List[List[np.ndarray]] = [[] for _ in shapes]
        try:
            with no_grad():
                for start in range(0, n, bs):
                    for k, r in enumerate(self._predict_batch([from_numpy(a[start:start + bs]) for a in xs])):
                        outs[k].append(r.numpy())
                    progress.update({})
        finally:
            self.train(was_training)
        progress.close({})
        result = [np.concatenate(o) if o else np.zeros((0,) + tuple(1 if d is None else d for d in s),
                                                       dtype=xs[0].dtype)
                  for o, s in zip(outs, shapes)]
        return result[0] if len(result) == 1 else result

    # ---------------------------------------------------------- single batches
    def train_on_batch(self, x, y):
        """One optimizer step on (x, y); returns the batch loss (and metrics).

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> loss = model.train_on_batch(np.ones((4, 3)), np.ones((4, 2)))
        """
        self._check_single_output("train_on_batch")
        self._check_compiled("train_on_batch")
        xs, y = self._xy(x, y, "train_on_batch")
        mets = self._ready(xs, "train_on_batch")
        y = self.loss.prepare_targets(y, self._out_shape, "train_on_batch")
        was_training = self.training
        self.train()
        loss, out = self._train_batch(xs, y)
        self.train(was_training)
        logs = self._update_metrics(mets, y, out, loss * len(y), len(y))
        return loss if not mets else [logs["loss"]] + [logs[m.name] for m in mets]

    def test_on_batch(self, x, y):
        """Loss (and metrics) on one batch, inference mode.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> loss = model.test_on_batch(np.ones((4, 3)), np.ones((4, 2)))
        """
        n = len(self._as_inputs(x, "test_on_batch")[0])
        return self.evaluate(x, y, batch_size=max(n, 1), verbose=0)

    def predict_on_batch(self, x):
        """Outputs for one batch, inference mode.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.predict_on_batch(np.ones((4, 3))).shape
        (4, 2)
        """
        return self.predict(x, batch_size=max(len(self._as_inputs(x, "predict_on_batch")[0]), 1))

"""keras callbacks: ModelCheckpoint, CSVLogger, ReduceLROnPlateau, TerminateOnNaN, LearningRateScheduler, History."""
import csv
import os

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import keras
from tinygrad_course.keras import callbacks as C
from tinygrad_course.keras import layers as L


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    tc.manual_seed(0)


def _model(lr=0.05):
    model = keras.Sequential([L.Dense(8, activation="relu", input_shape=(3,)), L.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr))
    return model


def _xy(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, x.sum(axis=1, keepdims=True)


class _Stub:
    """A stand-in model recording what callbacks do to it."""

    def __init__(self, lr=1.0):
        self.saved, self.stop_training = [], False
        self.optimizer = keras.optimizers.SGD(lr)

    def save(self, path, overwrite=True):
        self.saved.append(("model", path))

    def save_weights(self, path, overwrite=True):
        self.saved.append(("weights", path))


def _drive(cb, losses, monitor="val_loss", model=None):
    model = model or _Stub()
    cb.set_model(model)
    cb.on_train_begin({})
    logs_seen = []
    for epoch, v in enumerate(losses):
        cb.on_epoch_begin(epoch, {})
        logs = {monitor: v, "loss": v}
        cb.on_epoch_end(epoch, logs)
        logs_seen.append(logs)
    return model, logs_seen


# ----------------------------------------------------------------------------- ModelCheckpoint
def test_checkpoint_formats_filepath_every_epoch():
    cb = C.ModelCheckpoint("w-{epoch:02d}-{val_loss:.2f}.keras")
    model, _ = _drive(cb, [0.5, 0.25, 0.75])
    assert model.saved == [("model", "w-01-0.50.keras"), ("model", "w-02-0.25.keras"), ("model", "w-03-0.75.keras")]


def test_checkpoint_save_best_only_min_and_max_modes():
    cb = C.ModelCheckpoint("best.keras", save_best_only=True, save_weights_only=True)
    model, _ = _drive(cb, [0.5, 0.6, 0.4, 0.4, 0.1])
    assert [p for _, p in model.saved] == ["best.keras"] * 3 and model.saved[0][0] == "weights"
    cb = C.ModelCheckpoint("e{epoch}.keras", monitor="val_accuracy", save_best_only=True)  # auto -> max
    model, _ = _drive(cb, [0.5, 0.6, 0.4, 0.7], monitor="val_accuracy")
    assert [p for _, p in model.saved] == ["e1.keras", "e2.keras", "e4.keras"]
    cb = C.ModelCheckpoint("m.keras", monitor="val_loss", save_best_only=True, mode="max")
    model, _ = _drive(cb, [0.5, 0.6, 0.4])
    assert len(model.saved) == 2


def test_checkpoint_missing_monitor_warns_and_bad_args():
    cb = C.ModelCheckpoint("m.keras", monitor="val_nope", save_best_only=True)
    with pytest.warns(RuntimeWarning, match="val_nope"):
        model, _ = _drive(cb, [0.5])
    assert model.saved == []
    with pytest.raises(KeyError, match="failed to format"):
        _drive(C.ModelCheckpoint("m-{unknown}.keras"), [0.5])
    with pytest.raises(ValueError, match="save_freq"):
        C.ModelCheckpoint("m.keras", save_freq="batch")
    with pytest.raises(ValueError, match="mode"):
        C.ModelCheckpoint("m.keras", mode="best")


def test_checkpoint_in_fit_writes_loadable_files(tmp_path):
    x, y = _xy()
    model = _model()
    pattern = str(tmp_path / "ck-{epoch:02d}-{val_loss:.3f}.keras")
    hist = model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25,
                     callbacks=[C.ModelCheckpoint(pattern)])
    names = sorted(os.listdir(tmp_path))
    want = sorted(f"ck-{e + 1:02d}-{v:.3f}.keras" for e, v in enumerate(hist.history["val_loss"]))
    assert names == want
    last = keras.models.load_model(tmp_path / want[-1])
    np.testing.assert_array_equal(last.predict(x), model.predict(x))


def test_checkpoint_save_freq_in_batches(tmp_path):
    x, y = _xy(32)
    model = _model()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False,
              callbacks=[C.ModelCheckpoint(str(tmp_path / "b-{epoch}-{batch}.weights.npz"), save_weights_only=True,
                                           save_freq=3)])
    # 4 batches per epoch, a save every 3 batches: after batches 3 (epoch 1) and 2, 4... (epoch 2)
    assert sorted(os.listdir(tmp_path)) == ["b-1-3.weights.npz", "b-2-2.weights.npz"]


# ----------------------------------------------------------------------------- CSVLogger
def test_csv_logger_rows_header_append_and_separator(tmp_path):
    x, y = _xy()
    path = tmp_path / "log.csv"
    model = _model()
    hist = model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y), callbacks=[C.CSVLogger(str(path))])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], hist.history["loss"])
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[C.CSVLogger(str(path), append=True)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 4 and rows[3][0] == "0"  # no second header
    model.fit(x, y, epochs=1, verbose=0, callbacks=[C.CSVLogger(str(path), separator=";")])
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    assert lines[0] == "epoch;loss" and len(lines) == 2  # overwritten without append


# ----------------------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_lr_on_plateau_patience_cooldown_min_lr():
    cb = C.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, cooldown=1, min_lr=0.2, min_delta=0.0)
    model = _Stub(lr=1.0)
    model.optimizer.build([tc.nn.Parameter(tc.zeros(1))])
    lrs = []
    cb.set_model(model)
    cb.on_train_begin({})
    for epoch, v in enumerate([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"val_loss": v}
        cb.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        assert "lr" in logs
    # Keras 2.2's loop: the cooldown epoch also counts as waiting once it ends; never below min_lr
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]


def test_reduce_lr_in_fit_records_lr_and_validates():
    x, y = _xy()
    model = _model(lr=0.05)
    hist = model.fit(x, y, epochs=4, verbose=0, callbacks=[C.ReduceLROnPlateau(monitor="loss", patience=0,
                                                                                 factor=0.5, min_delta=10.0)])
    # logs["lr"] is the rate the epoch trained with (read before the reduction), as Keras 2.2
    np.testing.assert_allclose(hist.history["lr"], [0.05, 0.05, 0.025, 0.0125])
    assert model.optimizer.learning_rate == pytest.approx(0.00625)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        C.ReduceLROnPlateau(factor=1.5)


# ----------------------------------------------------------------------------- TerminateOnNaN
def test_terminate_on_nan_stops_at_the_bad_batch(capsys):
    x, y = _xy(32)
    x[9] = np.nan  # in the second batch of 8
    seen = []
    model = _model()
    hist = model.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False,
                     callbacks=[C.TerminateOnNaN(), C.LambdaCallback(on_batch_end=lambda b, logs: seen.append(b))])
    assert seen == [0, 1]
    assert len(hist.history["loss"]) == 1 and np.isnan(hist.history["loss"][0])
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


# ----------------------------------------------------------------------------- LearningRateScheduler
def test_learning_rate_scheduler_both_signatures():
    x, y = _xy()
    used = []
    model = _model(lr=0.1)
    record = C.LambdaCallback(on_epoch_begin=lambda e, logs: used.append(model.optimizer.learning_rate))
    model.fit(x, y, epochs=3, verbose=0,
              callbacks=[C.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)), record])
    np.testing.assert_allclose(used, [0.1, 0.05, 0.1 / 3])
    used.clear()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[C.LearningRateScheduler(lambda epoch, lr: lr * 0.5), record])
    np.testing.assert_allclose(used, [0.1 / 6, 0.1 / 12, 0.1 / 24])
    with pytest.raises(ValueError, match="should be float"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[C.LearningRateScheduler(lambda epoch: 1)])


# ----------------------------------------------------------------------------- History and dir()
def test_history_and_clean_module_namespace():
    x, y = _xy()
    model = _model()
    hist = model.fit(x, y, epochs=2, verbose=0)
    assert isinstance(hist, C.History) and hist.epoch == [0, 1] and model.history is hist
    for mod in (keras.callbacks, keras.layers, keras.models, keras.utils, keras.activations, keras.losses,
                keras.metrics, keras.initializers, keras.saving):
        leaked = {"np", "Optional", "Callable", "List", "Dict", "Union", "warnings", "os", "csv", "inspect"}
        assert not leaked & set(dir(mod)), mod.__name__
        assert set(dir(mod)) <= set(mod.__all__)

"""tc.keras: the lecture's Keras code, shapes and parameter counts, training API, callbacks, errors."""
import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import keras, nn
from tinygrad_course.keras import callbacks
from tinygrad_course.keras.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout,
                                          Flatten, Input, MaxPooling2D, Reshape)
from tinygrad_course.keras.models import Sequential
from tinygrad_course.keras.optimizers import SGD, Adagrad, Adam, Nadam, RMSprop
from tinygrad_course.keras.utils import to_categorical


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()
    tc.manual_seed(0)


def _digits(n=400):
    from tinygrad_course.datasets import load_digits

    X, y = load_digits()
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(X))[:n]
    return (X[idx] / 16.0).astype(np.float32), y[idx]


def _mlp(input_dim=64, hidden=32, n_classes=10):
    model = Sequential()
    model.add(Dense(hidden, activation="relu", input_shape=(input_dim,)))
    model.add(Dense(n_classes, activation="softmax"))
    return model


# ----------------------------------------------------------------------------- summary and shapes
def test_summary_lecture_mlp_counts(capsys):
    model = Sequential()
    model.add(Dense(512, activation="relu", input_shape=(784,)))
    model.add(Dense(10, activation="softmax"))
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    lines = out.splitlines()
    dense = next(line for line in lines if line.startswith("dense (Dense)"))
    assert "(None, 512)" in dense and dense.split()[-1] == "401920"
    dense1 = next(line for line in lines if line.startswith("dense_1 (Dense)"))
    assert "(None, 10)" in dense1 and dense1.split()[-1] == "5130"
    assert "Total params: 407,050" in out
    assert "Trainable params: 407,050" in out
    assert "Non-trainable params: 0" in out
    assert model.count_params() == 407050
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]


def test_summary_conv_net_counts_and_shapes(capsys):
    model = Sequential([
        Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        BatchNormalization(),
        MaxPooling2D((2, 2)),
        Conv2D(64, 3, strides=2, padding="same"),
        Flatten(),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ])
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes == [(None, 26, 26, 32), (None, 26, 26, 32), (None, 13, 13, 32), (None, 7, 7, 64),
                      (None, 3136), (None, 3136), (None, 10)]
    counts = [layer.count_params() for layer in model.layers]
    assert counts == [320, 128, 0, 18496, 0, 0, 31370]
    model.summary()
    out = capsys.readouterr().out
    total = sum(counts)
    assert f"Total params: {total:,}" in out
    assert f"Trainable params: {total - 64:,}" in out  # moving mean and variance are not trained
    assert "Non-trainable params: 64" in out


def test_summary_before_build_raises_and_lazy_build_from_data():
    model = Sequential([Dense(4), Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    out = model.predict(np.zeros((3, 5)))
    assert out.shape == (3, 2) and model.count_params() == 5 * 4 + 4 + 4 * 2 + 2
    assert model.input_shape == (None, 5)


def test_input_layer_and_input_dim():
    model = Sequential()
    model.add(Input(shape=(6,)))
    model.add(Dense(3))
    assert model.output_shape == (None, 3)
    m2 = Sequential([Dense(3, input_dim=6)])
    assert m2.input_shape == (None, 6)


def test_is_a_thin_layer_over_nn():
    model = _mlp(8, 4, 3)
    assert isinstance(model, nn.Module)
    assert isinstance(model.layers[0].linear, nn.Linear)
    assert len(list(model.parameters())) == 4
    assert set(model.state_dict()) == {"0.linear.weight", "0.linear.bias", "1.linear.weight", "1.linear.bias"}


# ------------------------------------------------------------------------------------- layers
def test_dense_weights_are_keras_layout_and_forward_matches_numpy():
    model = Sequential([Dense(3, activation="tanh", input_shape=(4,))])
    kernel, bias = model.get_weights()
    assert kernel.shape == (4, 3) and bias.shape == (3,)
    assert np.all(bias == 0)  # bias_initializer='zeros'
    limit = np.sqrt(6 / (4 + 3))
    assert np.abs(kernel).max() <= limit
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x), np.tanh(x @ kernel + bias), rtol=1e-5, atol=1e-6)


def _conv_nhwc(x, k, b, stride, pads):
    """Reference channels-last convolution: x (N,H,W,C), k (kh,kw,C,F)."""
    (pt, pb), (pl, pr) = pads
    x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    kh, kw, _, f = k.shape
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out + b


@pytest.mark.parametrize("kernel,stride,size,pads", [
    (3, 1, 6, ((0, 0), (0, 0))),  # valid
    (3, 2, 7, ((1, 1), (1, 1))),  # same, symmetric
    (2, 1, 5, ((0, 1), (0, 1))),  # same, the extra pixel at the bottom/right as TensorFlow
    (3, 2, 6, ((0, 1), (0, 1))),
])
def test_conv2d_channels_last_matches_reference(kernel, stride, size, pads):
    padding = "valid" if pads == ((0, 0), (0, 0)) else "same"
    layer = Conv2D(4, kernel, strides=stride, padding=padding, bias_initializer="normal", input_shape=(size, size, 3))
    model = Sequential([layer])
    x = np.random.default_rng(2).normal(size=(2, size, size, 3)).astype(np.float32)
    k, b = model.get_weights()
    assert k.shape == (kernel, kernel, 3, 4)
    want = _conv_nhwc(x.astype(np.float64), k, b, stride, pads)
    got = model.predict(x)
    assert got.shape == want.shape == (2,) + layer.output_shape[1:]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_pooling_channels_last_same_and_valid():
    x = np.arange(2 * 5 * 5 * 3, dtype=np.float32).reshape(2, 5, 5, 3) * np.where(
        np.arange(3) == 1, -1, 1).astype(np.float32)
    mx = Sequential([MaxPooling2D(2, padding="same", input_shape=(5, 5, 3))]).predict(x)
    assert mx.shape == (2, 3, 3, 3)
    # last row/column window holds one real row: -inf padding never wins, even for negative inputs
    np.testing.assert_allclose(mx[:, 2, 2, :], x[:, 4, 4, :])
    np.testing.assert_allclose(mx[:, 0, 0, :], x[:, :2, :2, :].max(axis=(1, 2)))
    avg = Sequential([AveragePooling2D(2, padding="same", input_shape=(5, 5, 3))]).predict(x)
    np.testing.assert_allclose(avg[:, 2, 2, :], x[:, 4, 4, :])  # only real pixels are averaged
    np.testing.assert_allclose(avg[:, 0, 2, :], x[:, :2, 4, :].mean(axis=1), rtol=1e-6)
    valid = Sequential([MaxPooling2D((2, 2), input_shape=(5, 5, 3))])
    assert valid.output_shape == (None, 2, 2, 3)


def test_flatten_is_channels_last_row_major_and_reshape():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_array_equal(Sequential([Flatten()]).predict(x), x.reshape(2, -1))
    np.testing.assert_array_equal(Sequential([Reshape((-1, 5))]).predict(x), x.reshape(2, 12, 5))


def test_dropout_only_in_training():
    model = Sequential([Dropout(0.5, input_shape=(1000,))])
    x = np.ones((2, 1000), np.float32)
    np.testing.assert_array_equal(model.predict(x), x)
    model.train()
    y = model(tc.from_numpy(x)).numpy()
    assert set(np.unique(y)) == {0.0, 2.0}


@pytest.mark.parametrize("name,check", [
    ("glorot_uniform", lambda w, fi, fo: np.abs(w).max() <= np.sqrt(6 / (fi + fo))),
    ("he_uniform", lambda w, fi, fo: np.abs(w).max() <= np.sqrt(6 / fi) and np.abs(w).max() > np.sqrt(6 / (fi + fo))),
    ("uniform", lambda w, fi, fo: np.abs(w).max() <= 0.05 and np.abs(w).max() > 0.045),
    ("normal", lambda w, fi, fo: abs(w.std() - 0.05) < 0.005),
    ("glorot_normal", lambda w, fi, fo: abs(w.std() - np.sqrt(2 / (fi + fo))) < 0.1 * np.sqrt(2 / (fi + fo))),
    ("he_normal", lambda w, fi, fo: abs(w.std() - np.sqrt(2 / fi)) < 0.1 * np.sqrt(2 / fi)
     and np.abs(w).max() <= 2 * np.sqrt(2 / fi) / 0.8796256610342398 + 1e-6),
    ("zeros", lambda w, fi, fo: np.all(w == 0)),
    ("ones", lambda w, fi, fo: np.all(w == 1)),
])
def test_keras_initializers(name, check):
    model = Sequential([Dense(300, kernel_initializer=name, input_shape=(200,))])
    kernel = model.get_weights()[0]
    assert check(kernel, 200, 300)


@pytest.mark.parametrize("act,fn", [
    ("relu", lambda z: np.maximum(z, 0)), ("sigmoid", lambda z: 1 / (1 + np.exp(-z))), ("tanh", np.tanh),
    ("linear", lambda z: z), (None, lambda z: z), ("elu", lambda z: np.where(z > 0, z, np.expm1(z))),
    ("softplus", lambda z: np.log1p(np.exp(z))),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True)),
])
def test_activations(act, fn):
    z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(2, 6)
    got = Sequential([Activation(act) if act is not None else Activation("linear")]).predict(z)
    np.testing.assert_allclose(got, fn(z.astype(np.float64)), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------- training API
def test_lecture_code_runs(capsys):
    """The lecture's Keras slides, verbatim but for the imports (on digits, not MNIST)."""
    from tinygrad_course.keras.layers import Dense
    from tinygrad_course.keras.models import Sequential
    from tinygrad_course.keras.optimizers import RMSprop
    from tinygrad_course.keras.utils import to_categorical

    X, y = _digits(600)
    X = np.pad(np.kron(X.reshape(-1, 8, 8), np.ones((1, 3, 3))), ((0, 0), (2, 2), (2, 2))).reshape(-1, 784)
    X_train, X_test, y_train, y_test = X[:450], X[450:], y[:450], y[450:]
    n_classes = 10
    y_train_b = to_categorical(y_train, n_classes)
    y_test_b = to_categorical(y_test, n_classes)

    # Specify model
    model = Sequential()
    model.add(Dense(512, activation="relu", input_shape=(784,)))
    model.add(Dense(n_classes, activation="softmax"))

    # Print model and compile it
    model.summary()
    model.compile(loss="categorical_crossentropy",
                  optimizer=RMSprop(),
                  metrics=["accuracy"])

    # Parameters
    batch_size = 128
    epochs = 4

    # Perform fit
    history = model.fit(X_train, y_train_b,
                        batch_size=batch_size,
                        epochs=epochs,
                        verbose=1,
                        shuffle=False,
                        validation_data=(X_test, y_test_b))

    # Print results
    score = model.evaluate(X_test, y_test_b, verbose=0)
    print('Test loss/accuracy: %g, %g' % (score[0], score[1]))

    out = capsys.readouterr().out
    assert "Total params: 407,050" in out
    assert "Epoch 4/4" in out and "loss=" in out and "accuracy=" in out  # the tqdm bar
    assert "Test loss/accuracy:" in out
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == epochs for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert score[1] > 0.8
    assert score[0] == pytest.approx(history.history["val_loss"][-1], rel=1e-5)


def test_fit_evaluate_predict_shapes_and_history():
    X, y = _digits(300)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    h = model.fit(X, y, batch_size=50, epochs=3, verbose=0, validation_split=0.2)
    assert isinstance(h, callbacks.History) and model.history is h
    assert h.epoch == [0, 1, 2]
    assert list(h.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    res = model.evaluate(X, y, verbose=0)
    assert isinstance(res, list) and len(res) == 2 and 0 <= res[1] <= 1
    assert model.evaluate(X, y, verbose=0, return_dict=True).keys() == {"loss", "accuracy"}
    p = model.predict(X, batch_size=64)
    assert isinstance(p, np.ndarray) and p.shape == (300, 10) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(1), 1, rtol=1e-5)
    # the accuracy reported by evaluate is the argmax accuracy of predict
    assert res[1] == pytest.approx(np.mean(p.argmax(1) == y))
    # no metrics: evaluate returns the loss alone
    m2 = _mlp()
    m2.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    assert isinstance(m2.evaluate(X, y, verbose=0), float)
    assert list(m2.fit(X, y, epochs=1, verbose=0).history) == ["loss"]


def test_validation_split_holds_out_the_last_samples():
    X, y = _digits(100)
    seen = []

    class Spy(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])

    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.fit(X, y, batch_size=10, epochs=1, verbose=0, validation_split=0.3, callbacks=[Spy()])
    assert len(seen) == 7  # 70 training samples in batches of 10
    val = model.evaluate(X[70:], y[70:], verbose=0)
    assert model.history.history["val_loss"][0] == pytest.approx(val[0], rel=1e-5)


def test_verbose_modes(capsys):
    X, y = _digits(64)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(X, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(X, y, epochs=2, verbose=2, validation_data=(X, y))
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 2 and lines[1].startswith("Epoch 2/2") and "val_accuracy: " in lines[1]
    model.fit(X, y, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "2/2" in out and "loss=" in out


def test_binary_crossentropy_on_moons():
    from tinygrad_course.datasets import make_moons

    X, y = make_moons(n_samples=300, noise=0.1, seed=0)
    model = Sequential([Dense(32, activation="relu", input_shape=(2,)), Dense(32, activation="relu"),
                        Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=Adam(0.02), metrics=["accuracy"])
    h = model.fit(X, y, epochs=30, batch_size=32, verbose=0)
    assert h.history["accuracy"][-1] > 0.95
    p = model.predict(X)
    assert p.shape == (300, 1)
    assert model.evaluate(X, y, verbose=0)[1] == pytest.approx(np.mean((p[:, 0] > 0.5) == y))


def test_mse_regression_and_loss_callables():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    w = np.array([[1.0], [-2.0], [0.5]], np.float32)
    Y = X @ w + 0.3
    for loss in ("mse", "mean_squared_error", keras.losses.mean_squared_error,
                 lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean(-1), nn.MSELoss()):
        keras.backend.clear_session()
        model = Sequential([Dense(1, input_shape=(3,))])
        model.compile(loss=loss, optimizer=SGD(learning_rate=0.1), metrics=["mae"])
        h = model.fit(X, Y, epochs=20, batch_size=20, verbose=0)
        assert h.history["loss"][-1] < 1e-4, loss
        assert "mae" in h.history
        kernel, bias = model.get_weights()
        np.testing.assert_allclose(kernel, w, atol=0.01)


def test_loss_from_logits_is_exact_where_keras_clips():
    """With a softmax last layer the loss uses log_softmax of the logits: no 1e-7 clipping, no NaN."""
    model = Sequential([Dense(2, activation="softmax", use_bias=False, input_shape=(1,))])
    model.set_weights([np.array([[1000.0, 0.0]], np.float32)])
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    loss = model.evaluate(np.ones((1, 1)), np.array([[0.0, 1.0]]), verbose=0)
    assert loss == pytest.approx(1000.0)
    # the functional form on probabilities clips like Keras
    p = tc.tensor([[1.0, 0.0]])
    assert keras.losses.categorical_crossentropy(tc.tensor([[0.0, 1.0]]), p).item() == pytest.approx(-np.log(1e-7),
                                                                                                  rel=1e-4)
    # the gradient through the model is finite too
    model.compile(loss="sparse_categorical_crossentropy", optimizer=SGD(0.001))
    model.fit(np.ones((1, 1)), np.array([1]), verbose=0)
    assert np.all(np.isfinite(model.get_weights()[0]))


def test_categorical_with_probability_targets_matches_formula():
    X, y = _digits(50)
    model = _mlp()
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    t = np.random.default_rng(0).dirichlet(np.ones(10), size=50).astype(np.float32)
    p = model.predict(X).astype(np.float64)
    assert model.evaluate(X, t, verbose=0) == pytest.approx(-(t * np.log(p)).sum(1).mean(), rel=1e-4)


def test_sparse_labels_of_shape_n_1():
    X, y = _digits(64)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    a = model.evaluate(X, y, verbose=0)
    b = model.evaluate(X, y.reshape(-1, 1).astype(np.float32), verbose=0)
    assert a == pytest.approx(b)


def test_fit_matches_a_hand_written_tc_loop():
    """fit() is the PyTorch loop: same init, same batches -> the same weights."""
    X, y = _digits(96)
    model = _mlp(64, 16, 10)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=SGD(learning_rate=0.1, momentum=0.9))
    start = model.get_weights()
    ref = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
    ref.load_state_dict({"0.weight": start[0].T, "0.bias": start[1], "2.weight": start[2].T, "2.bias": start[3]})
    opt = tc.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        for i in range(0, 96, 32):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(ref(tc.from_numpy(X[i:i + 32])), tc.from_numpy(y[i:i + 32]))
            loss.backward()
            opt.step()
    model.fit(X, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    got = model.get_weights()
    np.testing.assert_allclose(got[0], ref[0].weight.detach().numpy().T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(got[3], ref[2].bias.detach().numpy(), rtol=1e-4, atol=1e-6)


def test_reproducible_under_manual_seed():
    X, y = _digits(128)

    def run():
        tc.manual_seed(123)
        model = Sequential([Dense(32, activation="relu", input_shape=(64,)), Dropout(0.3),
                            Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        h = model.fit(X, y, epochs=2, batch_size=16, verbose=0, shuffle=True)
        return h.history, model.get_weights()

    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


def test_set_weights_round_trip_and_atomic_failure(tmp_path):
    model = _mlp(5, 4, 3)
    w = model.get_weights()
    other = _mlp(5, 4, 3)
    other.set_weights(w)
    for a, b in zip(other.get_weights(), w):
        np.testing.assert_array_equal(a, b)
    before = other.get_weights()
    bad = [x.copy() for x in w]
    bad[3] = np.zeros(7)
    with pytest.raises(ValueError, match=r"\(3,\).*\(7,\)"):
        other.set_weights([x + 1 for x in w[:3]] + [bad[3]])
    for a, b in zip(other.get_weights(), before):  # nothing was copied
        np.testing.assert_array_equal(a, b)
    path = tmp_path / "w.npz"
    model.save_weights(str(path))
    third = _mlp(5, 4, 3)
    third.load_weights(str(path))
    np.testing.assert_array_equal(third.get_weights()[0], w[0])


def test_frozen_layer_is_not_trained(capsys):
    X, y = _digits(64)
    model = _mlp()
    model.layers[0].trainable = False
    frozen = model.layers[0].get_weights()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(X, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], frozen[0])
    model.summary()
    assert "Non-trainable params: 2,080" in capsys.readouterr().out


def test_conv_net_trains_on_digits():
    X, y = _digits(400)
    model = Sequential([
        Conv2D(8, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        BatchNormalization(),
        MaxPooling2D(),
        Flatten(),
        Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=Adam(0.01), metrics=["accuracy"])
    h = model.fit(X.reshape(-1, 8, 8, 1), y, epochs=6, batch_size=32, verbose=0)
    assert h.history["accuracy"][-1] > 0.95


def test_train_on_batch_and_predict_on_batch():
    X, y = _digits(32)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    first = model.train_on_batch(X, y)
    for _ in range(20):
        last = model.train_on_batch(X, y)
    assert last[0] < first[0]
    assert model.predict_on_batch(X).shape == (32, 10)
    assert len(model.test_on_batch(X, y)) == 2


# ---------------------------------------------------------------------------------- optimizers
def test_decay_follows_inverse_time_per_batch():
    X, y = _digits(100)
    lrs = []

    class Spy(callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            lrs.append(self.model.optimizer.learning_rate)

    model = _mlp()
    opt = SGD(lr=0.1, decay=0.5, momentum=0.9, nesterov=True)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=opt)
    model.fit(X, y, batch_size=25, epochs=2, verbose=0, callbacks=[Spy()])
    assert len(lrs) == 8 and opt.iterations == 8
    np.testing.assert_allclose(lrs, [0.1 / (1 + 0.5 * t) for t in range(8)], rtol=1e-12)
    assert isinstance(opt.scheduler, tc.optim.lr_scheduler.InverseTimeLR)


def test_decay_updates_equal_manual_sgd():
    """w_{t+1} = w_t - lr / (1 + decay t) * grad, checked on a one-weight model with a known gradient."""
    model = Sequential([Dense(1, use_bias=False, kernel_initializer="zeros", input_shape=(1,))])
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.1, decay=1.0))
    x, t = np.ones((1, 1), np.float32), np.full((1, 1), 2.0, np.float32)
    w = 0.0
    for step in range(4):
        model.fit(x, t, epochs=1, verbose=0)
        w -= 0.1 / (1 + 1.0 * step) * 2 * (w - 2.0)
        assert model.get_weights()[0][0, 0] == pytest.approx(w, rel=1e-6)


# Keras 2.2's SGD, Adam and Adamax rules are not PyTorch's: they run on tc.keras._keras2_rules
from tinygrad_course.keras import _keras2_rules as _k2  # noqa: E402


@pytest.mark.parametrize("opt,cls,expect", [
    (SGD(), _k2.Keras2SGD, {"lr": 0.01, "momentum": 0.0, "nesterov": False}),
    (SGD(lr=0.5, momentum=0.9, nesterov=True), _k2.Keras2SGD, {"lr": 0.5, "momentum": 0.9, "nesterov": True}),
    (RMSprop(), tc.optim.RMSprop, {"lr": 0.001, "alpha": 0.9, "eps": 1e-7}),
    (RMSprop(rho=0.95, lr=0.01), tc.optim.RMSprop, {"lr": 0.01, "alpha": 0.95}),
    (Adagrad(), tc.optim.Adagrad, {"lr": 0.01, "eps": 1e-7, "initial_accumulator_value": 0.0}),
    (Adam(), _k2.Keras2Adam, {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False}),
    (Adam(learning_rate=0.01, beta_1=0.8, amsgrad=True), _k2.Keras2Adam, {"lr": 0.01, "beta_1": 0.8,
                                                                         "amsgrad": True}),
    (Nadam(), tc.optim.NAdam, {"lr": 0.002, "betas": (0.9, 0.999), "eps": 1e-7, "momentum_decay": 0.004}),
    ("sgd", _k2.Keras2SGD, {"lr": 0.01}), ("rmsprop", tc.optim.RMSprop, {"lr": 0.001}),
    ("adagrad", tc.optim.Adagrad, {"lr": 0.01}), ("adam", _k2.Keras2Adam, {"lr": 0.001}),
    ("nadam", tc.optim.NAdam, {"lr": 0.002}), ("adadelta", tc.optim.Adadelta, {"lr": 1.0, "rho": 0.95}),
    ("adamax", _k2.Keras2Adamax, {"lr": 0.002, "epsilon": 1e-7}),
])
def test_optimizers_map_to_tc_optim_with_keras_defaults(opt, cls, expect):
    model = _mlp(4, 3, 2)
    model.compile(loss="mse", optimizer=opt)
    torch_opt = model.optimizer.torch_optimizer
    assert type(torch_opt) is cls
    group = torch_opt.param_groups[0]
    for k, v in expect.items():
        assert group[k] == v, k
    assert model.optimizer.learning_rate == expect["lr"]


def test_compile_accepts_a_ready_tc_optimizer():
    X, y = _digits(64)
    model = _mlp()
    opt = tc.optim.Adam(model.parameters(), lr=0.01)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=opt, metrics=["acc"])
    h = model.fit(X, y, epochs=3, verbose=0)
    assert model.optimizer.torch_optimizer is opt
    assert h.history["loss"][-1] < h.history["loss"][0] and "acc" in h.history


# ----------------------------------------------------------------------------------- callbacks
def test_early_stopping_patience_on_a_flat_loss():
    X, y = _digits(64)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=SGD(learning_rate=0.0))
    h = model.fit(X, y, epochs=20, verbose=0, shuffle=False,
                  callbacks=[callbacks.EarlyStopping(monitor="loss", patience=2)])
    assert len(h.history["loss"]) == 3  # best at epoch 1, then 2 epochs without improvement


def test_early_stopping_restores_best_weights():
    X, y = _digits(64)
    snapshots = []
    fake = [3.0, 1.0, 2.0, 2.5, 0.1, 0.1]

    class FakeValLoss(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = fake[epoch]
            snapshots.append(self.model.get_weights())

    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=Adam(0.01))
    es = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = model.fit(X, y, epochs=6, verbose=0, callbacks=[FakeValLoss(), es])
    assert len(h.history["loss"]) == 4 and es.stopped_epoch == 3 and es.best_epoch == 1
    assert h.history["val_loss"] == fake[:4]
    for a, b in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(model.get_weights()[0], snapshots[3][0])


def test_callback_hooks_order():
    X, y = _digits(40)
    calls = []

    class Rec(callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin{epoch}")

        def on_batch_end(self, batch, logs=None):
            calls.append(f"batch{batch}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end{epoch}:{sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append("train_end")

    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.fit(X, y, batch_size=20, epochs=2, verbose=0, callbacks=[Rec()])
    assert calls == ["train_begin", "epoch_begin0", "batch0", "batch1", "epoch_end0:['accuracy', 'loss']",
                     "epoch_begin1", "batch0", "batch1", "epoch_end1:['accuracy', 'loss']", "train_end"]


# ----------------------------------------------------------------------------------------- utils
def test_to_categorical():
    np.testing.assert_array_equal(to_categorical([0, 2, 1], 3), np.eye(3, dtype=np.float32)[[0, 2, 1]])
    assert to_categorical(np.array([[1], [3]])).shape == (2, 4)
    assert to_categorical(np.array([[1, 2], [0, 0]]), 3).shape == (2, 2, 3)
    assert to_categorical(tc.tensor([1, 0]), 2).dtype == np.float32
    with pytest.raises(ValueError, match=r"label 3 .*\[0, 3\)"):
        to_categorical([0, 3], 3)
    with pytest.raises(ValueError, match="-1"):
        to_categorical([0, -1])
    with pytest.raises(ValueError, match="integers"):
        to_categorical([0.5, 1])


# ---------------------------------------------------------------------------------------- errors
def test_fit_before_compile_raises_runtime_error():
    model = _mlp()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((4, 64)), np.zeros(4))
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(np.zeros((4, 64)), np.zeros(4))


def test_mismatched_lengths_name_both():
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"x sizes: 100, y sizes: 90"):
        model.fit(np.zeros((100, 64)), np.zeros(90, np.int64))
    with pytest.raises(ValueError, match=r"x sizes: 5, y sizes: 4"):
        model.fit(np.zeros((100, 64)), np.zeros(100, np.int64), validation_data=(np.zeros((5, 64)), np.zeros(4)))


@pytest.mark.parametrize("make,match", [
    (lambda: _mlp().compile(loss="categorical_crosentropy", optimizer="sgd"),
     r"Unknown loss 'categorical_crosentropy'.*categorical_crossentropy.*mean_squared_error"),
    (lambda: _mlp().compile(loss="mse", optimizer="adamm"), r"Unknown optimizer 'adamm'.*adam.*nadam.*rmsprop.*sgd"),
    (lambda: Dense(3, activation="rleu"), r"Unknown activation 'rleu'.*relu.*softmax"),
    (lambda: Dense(3, kernel_initializer="glorot"), r"Unknown initializer 'glorot'.*glorot_uniform.*he_normal"),
    (lambda: _mlp().compile(loss="mse", optimizer="sgd", metrics=["accuracyy"]), r"Unknown metric 'accuracyy'"),
    (lambda: _mlp().compile(optimizer="sgd"), r"loss is required"),
])
def test_unknown_names_list_valid_ones(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_label_errors():
    X = np.zeros((4, 64), np.float32)
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"label value of 10 .*\[0, 10\)"):
        model.fit(X, np.array([0, 1, 2, 10]))
    with pytest.raises(ValueError, match=r"label value of -1"):
        model.evaluate(X, np.array([0, 1, -1, 2]))
    with pytest.raises(ValueError, match="integer class indices"):
        model.fit(X, np.array([0, 1.5, 2, 3]))
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"\(None, 1\).*\(None, 10\).*to_categorical"):
        model.fit(X, np.array([[0], [1], [2], [3]]))
    bce = Sequential([Dense(1, activation="sigmoid", input_shape=(64,))])
    bce.compile(loss="binary_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bce.fit(X, np.array([0, 1, 2, 1]), verbose=0)


def test_shape_errors():
    model = _mlp()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"expected shape \(None, 64\), found shape \(None, 65\)"):
        model.fit(np.zeros((4, 65)), np.zeros(4, np.int64))
    with pytest.raises(ValueError, match=r"Conv2D|conv2d.*ndim=4"):
        Sequential([Dense(4, input_shape=(10,)), Conv2D(3, 3)])
    m = Sequential([Dense(4, input_shape=(10,))])
    with pytest.raises(ValueError, match="ndim=4"):
        m.add(MaxPooling2D())
    assert len(m.layers) == 1  # the failing layer was not added
    with pytest.raises(TypeError, match="keras layer"):
        m.add(nn.Linear(4, 2))
    with pytest.raises(ValueError, match="units"):
        Dense(0)
    with pytest.raises(ValueError, match="rate"):
        Dropout(1.5)
    with pytest.raises(ValueError, match="padding"):
        Conv2D(3, 3, padding="full")
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate=-1)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(np.zeros((4, 64)), np.zeros(4, np.int64), validation_split=1.0)

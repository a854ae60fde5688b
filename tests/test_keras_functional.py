"""keras functional API: Input, layers on symbolic tensors, Model(inputs, outputs); summary, fit, predict, plot."""
import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import keras
from tinygrad_course.keras import layers as L


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    tc.manual_seed(0)


def _two_input_model():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(3,), name="b")
    h = L.Dense(8, activation="relu", name="hidden")(L.Concatenate(name="cat")([a, b]))
    out = L.Dense(2, activation="softmax", name="out")(h)
    return keras.Model(inputs=[a, b], outputs=out, name="m")


def _xy(n=96):
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(n, 4)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32)
    return xa, xb, (xa[:, 0] - xb[:, 1] > 0).astype(np.int64)


def test_symbolic_shapes_and_input_repr():
    x = keras.Input(shape=(None, 5))
    assert x.shape == (None, None, 5)
    seq, h, c = L.LSTM(6, return_sequences=True, return_state=True)(x)
    assert seq.shape == (None, None, 6) and h.shape == (None, 6) and c.shape == (None, 6)
    img = keras.Input(shape=(8, 8, 3))
    y = L.GlobalAveragePooling2D()(L.Conv2D(4, 3, padding="same")(img))
    assert y.shape == (None, 4)
    with pytest.raises(TypeError, match="truth value"):
        bool(x)


def test_multi_input_model_computes_the_composition():
    model = _two_input_model()
    xa, xb, _ = _xy(5)
    W1, b1, W2, b2 = model.get_weights()
    h = np.maximum(np.concatenate([xa, xb], 1) @ W1 + b1, 0)
    z = h @ W2 + b2
    want = np.exp(z - z.max(1, keepdims=True))
    want /= want.sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict([xa, xb]), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict({"a": xa, "b": xb}), want, rtol=1e-5, atol=1e-6)
    with tc.no_grad():
        np.testing.assert_allclose(model([tc.tensor(xa), tc.tensor(xb)]).numpy(), want, rtol=1e-5, atol=1e-6)


def test_multi_input_model_trains_and_evaluates():
    model = _two_input_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.02),
                  metrics=["accuracy"])
    xa, xb, y = _xy()
    hist = model.fit([xa, xb], y, epochs=25, batch_size=16, verbose=0, validation_split=0.25)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    loss, acc = model.evaluate([xa, xb], y, verbose=0)
    assert acc > 0.9 and set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch([xa[:8], xb[:8]], y[:8])
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_functional_model_matches_sequential_training_exactly():
    tc.manual_seed(3)
    seq = keras.Sequential([L.Dense(5, activation="tanh", input_shape=(4,)), L.Dense(1)])
    inp = keras.Input(shape=(4,))
    out = L.Dense(1)(L.Dense(5, activation="tanh")(inp))
    fun = keras.Model(inp, out)
    fun.set_weights(seq.get_weights())
    x, _, _ = _xy(32)
    y = x.sum(1, keepdims=True)
    for m in (seq, fun):
        m.compile(loss="mse", optimizer=keras.optimizers.SGD(0.05, momentum=0.9))
        m.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(seq.get_weights(), fun.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_summary_lists_connections_and_counts():
    lines = []
    _two_input_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in text and "a[0][0]" in text and "b[0][0]" in text and "cat[0][0]" in text
    assert "Total params: 82" in text  # (7 * 8 + 8) + (8 * 2 + 2)
    assert "(None, 7)" in text


def test_shared_layer_and_add_merge():
    a = keras.Input(shape=(3,))
    b = keras.Input(shape=(3,))
    shared = L.Dense(2, name="shared")
    out = L.Add()([shared(a), shared(b)])
    model = keras.Model([a, b], out)
    assert model.count_params() == 8  # one set of weights for two calls
    W, bias = shared.get_weights()
    xa, xb = np.ones((2, 3), np.float32), np.full((2, 3), 2.0, np.float32)
    np.testing.assert_allclose(model.predict([xa, xb]), xa @ W + xb @ W + 2 * bias, rtol=1e-6)


def test_multi_output_predicts_but_does_not_train():
    x = keras.Input(shape=(3,))
    model = keras.Model(x, [L.Dense(2)(x), L.Dense(1)(x)])
    outs = model.predict(np.ones((4, 3), np.float32))
    assert [o.shape for o in outs] == [(4, 2), (4, 1)]
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="multi-output"):
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)


def test_graph_errors():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = L.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)
    d = L.Dense(2)
    d(keras.Input(shape=(3,)))
    with pytest.raises(ValueError, match="incompatible"):
        d(keras.Input(shape=(4,)))
    x = keras.Input(shape=(3,))
    with pytest.raises(ValueError, match="used 2 times"):
        keras.Model(x, L.Dense(1, name="same")(L.Dense(3, name="same")(x)))
    model = _two_input_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match="2 inputs"):
        model.fit(np.ones((4, 4)), np.zeros(4), verbose=0)
    with pytest.raises(ValueError, match="Input 1 of model"):
        model.predict([np.ones((4, 4)), np.ones((4, 5))])
    with pytest.raises(TypeError, match="subclassed"):
        keras.Model()


def test_sequential_still_takes_input_first():
    model = keras.Sequential()
    model.add(keras.Input(shape=(6,)))
    model.add(L.Dense(2))
    assert model.output_shape == (None, 2)
    model = keras.Sequential([keras.Input(shape=(5,)), L.Dense(3)])
    assert model.count_params() == 18


def test_embedding_rnn_text_model_trains():
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 20, size=(128, 6))
    y = (tokens == 3).any(axis=1).astype(np.float32)
    inp = keras.Input(shape=(6,))
    h = L.GRU(8)(L.Embedding(20, 8)(inp))
    model = keras.Model(inp, L.Dense(1, activation="sigmoid")(h))
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.03), metrics=["accuracy"])
    hist = model.fit(tokens, y, epochs=12, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.6 * hist.history["loss"][0]


def test_model_to_dot_and_plot_model_without_dot(tmp_path, monkeypatch):
    model = _two_input_model()
    src = keras.utils.model_to_dot(model, show_shapes=True).source
    for edge in ("a -> cat", "b -> cat", "cat -> hidden", "hidden -> out"):
        assert edge in src
    assert "(None, 7)" in src
    monkeypatch.setenv("PATH", str(tmp_path))  # no Graphviz 'dot' on this PATH
    with pytest.raises(RuntimeError, match="plot_model.*Install Graphviz"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "model.png"), show_shapes=True)
    assert not (tmp_path / "model.png").exists()

"""keras layers Embedding, SimpleRNN, LSTM, GRU, global pooling, merge: Keras 2.2's formulas written in NumPy here."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_course as tc
from tinygrad_course import keras
from tinygrad_course.keras import layers as L


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    tc.manual_seed(0)


# ----------------------------------------------------------------------------- Keras 2.2 in NumPy
def hard_sigmoid(x):
    """Keras 2.2's backend.hard_sigmoid: clip(0.2 x + 0.5, 0, 1)."""
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def ref_simple_rnn(x, W, U, b):
    """h_t = tanh(x_t W + b + h_{t-1} U)."""
    h = np.zeros((x.shape[0], U.shape[0]))
    seq = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W + b + h @ U)
        seq.append(h)
    return np.stack(seq, 1), h


def ref_lstm(x, W, U, b, h=None, c=None):
    """Keras 2.2 LSTM, kernel blocks i, f, c, o; recurrent_activation hard_sigmoid, activation tanh."""
    u = U.shape[0]
    h = np.zeros((x.shape[0], u)) if h is None else h
    c = np.zeros((x.shape[0], u)) if c is None else c
    seq = []
    for t in range(x.shape[1]):
        z = x[:, t] @ W + h @ U + b
        i = hard_sigmoid(z[:, :u])
        f = hard_sigmoid(z[:, u:2 * u])
        c = f * c + i * np.tanh(z[:, 2 * u:3 * u])
        o = hard_sigmoid(z[:, 3 * u:])
        h = o * np.tanh(c)
        seq.append(h)
    return np.stack(seq, 1), h, c


def ref_gru(x, W, U, b):
    """Keras 2.2 GRU, reset_after=False, kernel blocks z, r, h:
    z = hs(x W_z + h U_z + b_z); r = hs(x W_r + h U_r + b_r); hh = tanh(x W_h + (r h) U_h + b_h);
    h = z h + (1 - z) hh."""
    u = U.shape[0]
    h = np.zeros((x.shape[0], u))
    seq = []
    for t in range(x.shape[1]):
        xw = x[:, t] @ W + b
        z = hard_sigmoid(xw[:, :u] + h @ U[:, :u])
        r = hard_sigmoid(xw[:, u:2 * u] + h @ U[:, u:2 * u])
        hh = np.tanh(xw[:, 2 * u:] + (r * h) @ U[:, 2 * u:])
        h = z * h + (1 - z) * hh
        seq.append(h)
    return np.stack(seq, 1), h


def ref_gru_reset_after(x, W, U, b):
    """GRU with reset_after=True: bias (2, 3u) = [input; recurrent]; hh = tanh(x W_h + b_h + r (h U_h + b'_h))."""
    u = U.shape[0]
    h = np.zeros((x.shape[0], u))
    for t in range(x.shape[1]):
        xw = x[:, t] @ W + b[0]
        hu = h @ U + b[1]
        z = hard_sigmoid(xw[:, :u] + hu[:, :u])
        r = hard_sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
        hh = np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])
        h = z * h + (1 - z) * hh
    return h


def _random_weights(layer, rng):
    ws = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(ws)
    return ws


def _run(layer, x):
    with tc.no_grad():
        return layer(tc.tensor(x, dtype=tc.float32))


# ----------------------------------------------------------------------------- recurrent layers
def test_simple_rnn_matches_formula_and_layout():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 5, 4))
    layer = L.SimpleRNN(6, return_sequences=True)
    layer.build((5, 4))
    assert [w.shape for w in layer.get_weights()] == [(4, 6), (6, 6), (6,)]
    W, U, b = _random_weights(layer, rng)
    seq, _ = ref_simple_rnn(x, W, U, b)
    np.testing.assert_allclose(_run(layer, x).numpy(), seq, rtol=1e-5, atol=1e-5)


def test_lstm_matches_keras22_formula_with_hard_sigmoid():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 7, 3))
    layer = L.LSTM(5, return_sequences=True, return_state=True)
    assert layer.recurrent_activation is keras.activations.hard_sigmoid
    layer.build((7, 3))
    assert [w.shape for w in layer.get_weights()] == [(3, 20), (5, 20), (20,)]
    W, U, b = _random_weights(layer, rng)
    seq, h, c = ref_lstm(x, W, U, b)
    out, h_t, c_t = _run(layer, x)
    np.testing.assert_allclose(out.numpy(), seq, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h_t.numpy(), h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c_t.numpy(), c, rtol=1e-5, atol=1e-5)


def test_lstm_default_initialisation_is_keras22():
    layer = L.LSTM(4)
    layer.build((3, 2))
    _, R, b = layer.get_weights()
    # unit_forget_bias: the forget block (second of i, f, c, o) starts at 1, the rest at 0
    np.testing.assert_array_equal(b, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    # orthogonal recurrent kernel: (units, 4 units) with orthonormal rows
    np.testing.assert_allclose(R @ R.T, np.eye(4), atol=1e-5)


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_matches_keras22_formula(reset_after):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 6, 3))
    layer = L.GRU(5, reset_after=reset_after)
    layer.build((6, 3))
    shapes = [w.shape for w in layer.get_weights()]
    assert shapes == [(3, 15), (5, 15), (2, 15) if reset_after else (15,)]
    W, U, b = _random_weights(layer, rng)
    want = ref_gru_reset_after(x, W, U, b) if reset_after else ref_gru(x, W, U, b)[1]
    np.testing.assert_allclose(_run(layer, x).numpy(), want, rtol=1e-5, atol=1e-5)


def test_go_backwards_reads_the_sequence_reversed():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 3))
    layer = L.SimpleRNN(4, go_backwards=True)
    layer.build((5, 3))
    W, U, b = _random_weights(layer, rng)
    _, h = ref_simple_rnn(x[:, ::-1], W, U, b)
    np.testing.assert_allclose(_run(layer, x).numpy(), h, rtol=1e-5, atol=1e-5)


def test_lstm_initial_state_is_used():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 4, 3))
    layer = L.LSTM(3)
    layer.build((4, 3))
    W, U, b = _random_weights(layer, rng)
    h0, c0 = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    _, h, _ = ref_lstm(x, W, U, b, h0, c0)
    with tc.no_grad():
        out = layer(tc.tensor(x, dtype=tc.float32), initial_state=[tc.tensor(h0, dtype=tc.float32),
                                                                  tc.tensor(c0, dtype=tc.float32)])
    np.testing.assert_allclose(out.numpy(), h, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cls", [L.SimpleRNN, L.LSTM, L.GRU])
def test_recurrent_gradients_float64(cls):
    old = tc.get_default_dtype()
    tc.set_default_dtype(tc.float64)
    try:
        layer = cls(3, return_sequences=True)
        layer.build((4, 2))
        rng = np.random.default_rng(6)
        _random_weights(layer, rng)
        x = tc.tensor(rng.normal(size=(2, 4, 2)), dtype=tc.float64, requires_grad=True)
        kernel = layer.kernel  # the layer's own parameter, checked through the layer
        assert tc.autograd.gradcheck(lambda x: layer(x), (x,))
        assert tc.autograd.gradgradcheck(lambda x: layer(x), (x,))
        out = layer(x).sum()
        (g,) = tc.autograd.grad(out, [kernel])
        assert g.shape == kernel.shape and np.all(np.isfinite(g.numpy()))
    finally:
        tc.set_default_dtype(old)


@given(units=st.integers(1, 4), steps=st.integers(1, 4), feats=st.integers(1, 3), seq=st.booleans())
def test_recurrent_output_shapes(units, steps, feats, seq):
    for cls in (L.SimpleRNN, L.LSTM, L.GRU):
        layer = cls(units, return_sequences=seq)
        out = layer(tc.zeros(2, steps, feats))
        assert tuple(out.shape) == ((2, steps, units) if seq else (2, units))
        assert layer.output_shape == ((None, steps, units) if seq else (None, units))


def test_recurrent_bad_input_raises_valueerror():
    layer = L.LSTM(3)
    with pytest.raises(ValueError, match="ndim=3"):
        layer(tc.zeros(2, 3))
    with pytest.raises(ValueError, match="stateful"):
        L.GRU(3, stateful=True)
    with pytest.raises(ValueError, match="units"):
        L.SimpleRNN(0)


def test_recurrent_dropout_only_in_training():
    layer = L.LSTM(4, dropout=0.5, recurrent_dropout=0.5)
    x = tc.randn(3, 5, 2)
    layer.eval()
    a, b = layer(x).detach().numpy(), layer(x).detach().numpy()
    np.testing.assert_array_equal(a, b)
    layer.train()
    assert not np.allclose(layer(x).detach().numpy(), a)


def test_lstm_sequence_model_learns():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 6, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = keras.Sequential([L.LSTM(8, input_shape=(6, 1)), L.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02), metrics=["accuracy"])
    hist = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert hist.history["accuracy"][-1] > 0.85


# ----------------------------------------------------------------------------- Embedding
def test_embedding_lookup_and_gradient():
    layer = L.Embedding(10, 3, input_length=4)
    idx = np.array([[1, 2, 2, 9], [0, 0, 5, 1]])
    out = layer(tc.tensor(idx.astype(np.float32)))  # fit hands floats over: truncated to ints as Keras casts
    (E,) = layer.get_weights()
    assert E.shape == (10, 3) and np.all(np.abs(E) <= 0.05)  # 'uniform' = U(-0.05, 0.05)
    np.testing.assert_allclose(out.detach().numpy(), E[idx])
    out.sum().backward()
    counts = np.bincount(idx.ravel(), minlength=10)[:, None] * np.ones((1, 3))
    np.testing.assert_allclose(layer.embeddings.grad.numpy(), counts)  # repeated indices accumulate


def test_embedding_out_of_range_and_mask_zero():
    layer = L.Embedding(5, 2)
    with pytest.raises(IndexError, match="index 7 is not in \\[0, 5\\)"):
        layer(tc.tensor([[1, 7]]))
    with pytest.raises(ValueError, match="mask_zero"):
        L.Embedding(5, 2, mask_zero=True)


# ----------------------------------------------------------------------------- pooling and merging
def test_global_pooling_and_average_pooling():
    x = np.random.default_rng(7).normal(size=(2, 4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(L.GlobalAveragePooling2D()(tc.tensor(x)).numpy(), x.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(L.GlobalMaxPooling2D()(tc.tensor(x)).numpy(), x.max(axis=(1, 2)))
    np.testing.assert_allclose(L.GlobalAveragePooling1D()(tc.tensor(x[:, 0])).numpy(), x[:, 0].mean(axis=1),
                               rtol=1e-6)
    kept = L.GlobalAveragePooling2D(keepdims=True)(tc.tensor(x))
    assert tuple(kept.shape) == (2, 1, 1, 3)
    pooled = L.AveragePooling2D(pool_size=2)(tc.tensor(x)).numpy()
    np.testing.assert_allclose(pooled, x[:, :4, :4].reshape(2, 2, 2, 2, 2, 3).mean(axis=(2, 4)), rtol=1e-6)
    with pytest.raises(ValueError, match="ndim=4"):
        L.GlobalAveragePooling2D()(tc.zeros(2, 3))


def test_merge_layers_values_and_errors():
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32)
    ta, tb = tc.tensor(a), tc.tensor(b)
    np.testing.assert_allclose(L.Add()([ta, tb]).numpy(), a + b)
    np.testing.assert_allclose(L.Subtract()([ta, tb]).numpy(), a - b)
    np.testing.assert_allclose(L.Average()([ta, tb]).numpy(), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(L.Concatenate()([ta, tb]).numpy(), np.concatenate([a, b], -1))
    np.testing.assert_allclose(L.concatenate([ta, tc.tensor(a[:, :1])]).numpy(), np.concatenate([a, a[:, :1]], -1))
    with pytest.raises(ValueError, match="same shape"):
        L.Add()([ta, tc.zeros(2, 4)])
    with pytest.raises(ValueError, match="list of at least 2"):
        L.Add()(ta)
    with pytest.raises(ValueError, match="matching shapes except"):
        L.Concatenate(axis=1)([tc.zeros(2, 3, 4), tc.zeros(2, 3, 5)])


def test_new_layers_configs_round_trip():
    for layer in (L.LSTM(3, return_sequences=True, go_backwards=True), L.GRU(2, reset_after=True),
                  L.SimpleRNN(4, activation="relu"), L.Embedding(7, 2, input_length=3), L.Concatenate(axis=1),
                  L.GlobalAveragePooling2D(keepdims=True), L.Add()):
        config = layer.get_config()
        clone = type(layer).from_config(config)
        assert clone.get_config() == config

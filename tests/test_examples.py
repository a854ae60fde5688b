"""Smoke tests for examples/keras_mnist.py, cnn.py and rnn.py: each runs with --quick in a subprocess."""
import os
import re

import numpy as np

from _helpers import EXAMPLES, HAVE_MPL, load_example, run_example, written


def test_keras_mnist(tmp_path):
    out = run_example("keras_mnist.py", tmp_path)
    assert "Total params: 407,050" in out  # the lecture's summary
    assert "Epoch 2/2" in out and "val_accuracy=" in out  # the tqdm bar of verbose=1
    loss, acc = map(float, re.search(r"Test loss/accuracy: (\S+), (\S+)", out).groups())
    assert acc > 0.6 and np.isfinite(loss)
    assert written(tmp_path) == (["keras_mnist.png"] if HAVE_MPL else [])


def test_keras_mnist_keeps_the_lecture_code_verbatim():
    with open(os.path.join(EXAMPLES, "keras_mnist.py")) as f:
        src = f.read()
    for line in ['model.add(Dense(512, activation="relu", input_shape=(784,)))',
                 'model.add(Dense(n_classes, activation="softmax"))', 'model.compile(loss="categorical_crossentropy",',
                 "optimizer=RMSprop(),", "shuffle=False,", "validation_data=(X_test, y_test_b))",
                 "score = model.evaluate(X_test, y_test_b, verbose=0)"]:
        assert line in src


def test_digits_upsampled_to_mnist_shape():
    mod = load_example("keras_mnist")
    x_tr, y_tr, x_te, y_te = mod.digits_as_mnist()
    assert x_tr.shape[1] == 784 and len(x_tr) + len(x_te) == 1797
    assert x_tr.min() >= 0 and x_tr.max() <= 1
    img = x_tr.reshape(-1, 28, 28)
    assert np.all(img[:, :4] == 0) and np.all(img[:, :, -4:] == 0)  # MNIST's empty border
    # bilinear upsampling keeps constant images constant
    np.testing.assert_allclose(mod.upsample(np.ones((1, 8, 8)), 20), 1.0)


def test_cnn(tmp_path):
    out = run_example("cnn.py", tmp_path)
    assert "epoch 2/2" in out
    acc = float(re.search(r"test accuracy: (\S+)", out).group(1))
    assert 0 <= acc <= 1
    assert written(tmp_path) == (["cnn.png"] if HAVE_MPL else [])


def test_cnn_mnist_missing_exits_2(tmp_path, monkeypatch):
    mod = load_example("cnn")

    def offline(**kwargs):
        raise FileNotFoundError("load_mnist: missing train-images-idx3-ubyte")

    monkeypatch.setattr(mod, "load_mnist", offline)
    assert mod.main(["--dataset", "mnist", "--out", str(tmp_path)]) == 2
    assert written(tmp_path) == []


def test_lenet_shapes():
    import tinygrad_course as tc

    mod = load_example("cnn")
    model = mod.LeNet()
    assert model(tc.zeros(2, 1, 28, 28)).shape == (2, 10)
    conv = (6 * 25 + 6) + (16 * 6 * 25 + 16)
    bn = 2 * 6 + 2 * 16
    fc = (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert sum(p.numel() for p in model.parameters()) == conv + bn + fc == 61750


def test_rnn(tmp_path):
    out = run_example("rnn.py", tmp_path)
    assert "LSTM:" in out and "GRU:" in out
    assert written(tmp_path) == (["rnn.png"] if HAVE_MPL else [])


def test_rnn_learns_the_next_value():
    import tinygrad_course as tc

    mod = load_example("rnn")
    model, losses = mod.train("GRU", 60)
    assert losses[-10:].mean() < 0.2 * losses[:5].mean()
    wave = mod.sine_batch(np.random.default_rng(0), 8)
    gen = model.generate(wave[:, :mod.T], 5)
    assert gen.shape == (8, 5) and np.all(np.isfinite(gen))
    with tc.no_grad():
        pred, _ = model(tc.from_numpy(wave[:, :mod.T, None]))
    np.testing.assert_allclose(gen[:, 0], pred.numpy()[:, -1, 0], rtol=1e-6)

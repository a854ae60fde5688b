"""The lecture's Keras code, verbatim but for the imports: a 784 -> 512 -> 10 MLP trained with RMSprop.

It runs on MNIST when the four MNIST files are already on disk (``tc.datasets.load_mnist``'s cache,
no download here), else on the bundled UCI digits, each 8x8 image upsampled to MNIST's 28x28 (a
20x20 digit box centred in 28x28, as MNIST's) so that ``input_shape=(784,)`` stays as on the slide.
Writes the loss/accuracy curves to ``keras_mnist.png``.

    python examples/keras_mnist.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
from tinygrad_course.datasets import load_digits, load_mnist
from tinygrad_course.keras.layers import Dense
from tinygrad_course.keras.models import Sequential
from tinygrad_course.keras.optimizers import RMSprop
from tinygrad_course.keras.utils import to_categorical

from _common import example_parser


def upsample(images: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (N, h, w) images to (N, size, size): out = M @ img @ M^T, M the interpolation matrix."""
    h = images.shape[1]
    pos = (np.arange(size) + 0.5) * h / size - 0.5  # pixel centres of the output, in input coordinates
    M = np.maximum(0, 1 - np.abs(pos[:, None] - np.arange(h)[None, :]))
    M /= M.sum(1, keepdims=True)
    return M @ images @ M.T


def digits_as_mnist(seed: int = 0):
    """UCI digits as 28x28 MNIST look-alikes, flattened to 784 values in [0, 1]; a seeded 80/20 split."""
    X, y = load_digits()
    img = np.pad(upsample(X.reshape(-1, 8, 8) / 16.0, 20), ((0, 0), (4, 4), (4, 4)))
    X = img.reshape(-1, 784).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = len(X) // 5
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def load_data():
    """MNIST if its files are already on disk, else the digits; returns (name, X_train, y_train, X_test, y_test)."""
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(download=False)
    except (FileNotFoundError, RuntimeError, ValueError):
        return ("digits (upsampled to 28x28)",) + digits_as_mnist()
    return ("MNIST", x_train.reshape(-1, 784).astype(np.float32) / 255, y_train,
            x_test.reshape(-1, 784).astype(np.float32) / 255, y_test)


def main(argv=None):
    ap = example_parser(__doc__, "folder for keras_mnist.png", "a fast smoke run (2 epochs on 600 samples)")
    args = ap.parse_args(argv)

    tc.manual_seed(0)
    name, X_train, y_train, X_test, y_test = load_data()
    if args.quick:
        X_train, y_train, X_test, y_test = X_train[:600], y_train[:600], X_test[:200], y_test[:200]
    print(f"data: {name}, {len(X_train)} training and {len(X_test)} test images")
    n_classes = 10
    y_train_b = to_categorical(y_train, n_classes)
    y_test_b = to_categorical(y_test, n_classes)

    # ---------------------------------------------------------------- the lecture's code
    # Specify model
    model = Sequential()
    model.add(Dense(512, activation="relu", input_shape=(784,)))
    model.add(Dense(n_classes, activation="softmax"))

    # Print model and compile it
    model.summary()
    model.compile(loss="categorical_crossentropy",
                  optimizer=RMSprop(),
                  metrics=[ "accuracy" ])  # noqa: E201

    # Parameters
    batch_size = 128
    epochs = 20
    if args.quick:
        epochs = 2

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
    # ---------------------------------------------------------- end of the lecture's code

    try:
        from tinygrad_course.viz import plot_history

        path = os.path.join(args.out, "keras_mnist.png")
        plot_history(history, path, title=f"Keras MLP 784-512-10 on {name}, RMSprop")
        print(f"wrote {path}")
    except ImportError as e:  # matplotlib is optional
        print(f"no plot: {e}")
    return score


if __name__ == "__main__":
    main()

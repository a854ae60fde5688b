"""Keras 2 example style: an MLP on MNIST-shaped data trained with ``Adadelta``.

``Sequential`` of ``Dense(…, activation='relu', input_shape=(784,))``, ``Dropout(0.2)``
twice and a softmax ``Dense``; labels through ``keras.utils.to_categorical``;
``model.summary()``, ``compile(loss='categorical_crossentropy', optimizer=Adadelta(),
metrics=['accuracy'])``, ``fit(..., validation_data=...)`` and ``evaluate``. Runs on
``tinygrad_course.keras`` (there is no Keras oracle here).
"""
import contextlib
import io

from corpus_common import classification_data


def main(keras, steps: int = 4, batch_size: int = 16) -> list:
    """Train for ``steps`` epochs; return the training loss per epoch then the test loss."""
    Sequential = keras.models.Sequential
    Dense, Dropout = keras.layers.Dense, keras.layers.Dropout
    num_classes = 10

    x, y = classification_data(80, 160, (28, 28), num_classes)
    x_train, y_train, x_test, y_test = x[:128], y[:128], x[128:], y[128:]
    x_train = x_train.reshape(128, 784).astype("float32")
    x_test = x_test.reshape(32, 784).astype("float32")
    # the example scales pixels to [0, 1]; these inputs are standard normal already
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Dense(64, activation="relu", input_shape=(784,)))
    model.add(Dropout(0.2))
    model.add(Dense(64, activation="relu"))
    model.add(Dropout(0.2))
    model.add(Dense(num_classes, activation="softmax"))
    with contextlib.redirect_stdout(io.StringIO()) as summary:
        model.summary()
    if "Total params" not in summary.getvalue():
        raise AssertionError("summary() printed no parameter count")

    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adadelta(), metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=steps,
                        verbose=1 if __name__ == "__main__" else 0, validation_data=(x_test, y_test))
    score = model.evaluate(x_test, y_test, verbose=0)
    if __name__ == "__main__":
        print("Test loss:", score[0])
        print("Test accuracy:", score[1])
    return list(history.history["loss"]) + [score[0]]


if __name__ == "__main__":
    from tinygrad_course import keras
    main(keras)

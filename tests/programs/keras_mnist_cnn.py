"""Keras 2 example style: a CNN on MNIST-shaped data trained with ``Adadelta``.

Channels-last images reshaped according to ``K.image_data_format()``, ``Conv2D(…, kernel_size=(3, 3),
activation='relu', input_shape=…)``, a second ``Conv2D``, ``MaxPooling2D(pool_size=(2, 2))``,
``Dropout(0.25)``, ``Flatten``, ``Dense`` with ``Dropout(0.5)`` and a softmax ``Dense``;
``compile(loss=keras.losses.categorical_crossentropy, optimizer=keras.optimizers.Adadelta(),
metrics=['accuracy'])``. Images are 12x12. Runs on ``tinygrad_course.keras``.
"""
from corpus_common import classification_data


def main(keras, steps: int = 4, batch_size: int = 16) -> list:
    """Train for ``steps`` epochs; return the training loss per epoch then the test loss."""
    Sequential = keras.models.Sequential
    Dense, Dropout, Flatten = keras.layers.Dense, keras.layers.Dropout, keras.layers.Flatten
    Conv2D, MaxPooling2D = keras.layers.Conv2D, keras.layers.MaxPooling2D
    K = keras.backend
    num_classes = 10
    img_rows, img_cols = 12, 12

    x, y = classification_data(81, 160, (img_rows, img_cols), num_classes)
    x_train, y_train, x_test, y_test = x[:128], y[:128], x[128:], y[128:]
    if K.image_data_format() == "channels_first":
        x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
        x_test = x_test.reshape(x_test.shape[0], 1, img_rows, img_cols)
        input_shape = (1, img_rows, img_cols)
    else:
        x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
        x_test = x_test.reshape(x_test.shape[0], img_rows, img_cols, 1)
        input_shape = (img_rows, img_cols, 1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Conv2D(8, kernel_size=(3, 3), activation="relu", input_shape=input_shape))
    model.add(Conv2D(16, (3, 3), activation="relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(32, activation="relu"))
    model.add(Dropout(0.5))
    model.add(Dense(num_classes, activation="softmax"))

    model.compile(loss=keras.losses.categorical_crossentropy, optimizer=keras.optimizers.Adadelta(),
                  metrics=["accuracy"])
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

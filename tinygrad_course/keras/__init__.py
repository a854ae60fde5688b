"""``tc.keras``: the lecture's Keras code on top of ``tc.nn`` and ``tc.optim`` (not a second engine).

>>> from tinygrad_course.keras.models import Sequential
>>> from tinygrad_course.keras.layers import Dense
>>> from tinygrad_course.keras.optimizers import RMSprop
>>> model = Sequential()
>>> model.add(Dense(512, activation="relu", input_shape=(784,)))
>>> model.add(Dense(10, activation="softmax"))
>>> model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
"""
from . import activations, backend, callbacks, initializers, layers, losses, metrics, models, optimizers, saving, utils
from .layers import Input
from .models import Model, Sequential, load_model

__all__ = ["Sequential", "Model", "Input", "load_model", "layers", "models", "optimizers", "losses", "metrics",
           "callbacks", "utils", "activations", "initializers", "backend", "saving"]


def __dir__():
    return list(__all__)

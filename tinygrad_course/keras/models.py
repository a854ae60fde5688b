"""``keras.models``: the two model classes and saving / loading whole models.

``Sequential`` (a stack of layers, ``sequential.py``) and the functional ``Model`` (a graph of
layers, ``functional.py``) share one training loop, saving and weights API (``base_model.py``).

>>> model = Sequential()
>>> model.add(Dense(512, activation="relu", input_shape=(784,)))
>>> model.add(Dense(10, activation="softmax"))
>>> model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
"""
from .config import model_from_config, model_from_json
from .functional import Model
from .saving import load_model, save_model
from .sequential import Sequential

__all__ = ["Sequential", "Model", "load_model", "save_model", "model_from_config", "model_from_json"]


def __dir__():
    return list(__all__)

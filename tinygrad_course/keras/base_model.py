"""``BaseModel``: what ``Sequential`` and the functional ``Model`` share, as Keras' one ``Model`` class.

Training (``compile`` / ``fit`` / ``evaluate`` / ``predict`` / ``*_on_batch``: ``TrainingMixin``),
saving (``save`` / ``save_weights`` / ``load_weights`` / ``to_json``: ``SavingMixin``), the weights
and the frame of ``summary()``. A model class adds its layers, ``forward``, ``get_config`` and the
hooks ``TrainingMixin`` names.

>>> from tinygrad_course import keras
>>> keras.Sequential.fit is keras.Model.fit
True
"""
from typing import Callable, List, Optional, Sequence

import numpy as np

from ..autograd.tensor import Tensor
from ..nn.module import Module
from . import activations
from .archive import SavingMixin, _set_layer_weights, weights_error
from .training import TrainingMixin

__all__ = ["BaseModel"]

# last-layer activations whose input (the logits) the losses use for a stable log
_LOGIT_ACTIVATIONS = (activations.softmax, activations.sigmoid)


def call_with_logits(layer, x: Tensor):
    """``(layer(x), logits, activation)``: the logits when the layer ends in softmax/sigmoid, else None.

    >>> from tinygrad_course.keras import layers
    >>> dense = layers.Dense(3, activation="softmax"); dense.build((4,))
    >>> out, z, act = call_with_logits(dense, tc.ones(2, 4))
    >>> act.__name__, tuple(z.shape)
    ('softmax', (2, 3))
    """
    act = layer.final_activation
    if act in _LOGIT_ACTIVATIONS:
        z = layer.pre_activation(x)
        return act(z), z, act
    return layer(x), None, None


class BaseModel(SavingMixin, TrainingMixin, Module):
    """The base of ``Sequential`` and ``Model``: training, saving, weights, ``summary``'s table.

    >>> from tinygrad_course import keras
    >>> issubclass(keras.Sequential, BaseModel) and issubclass(keras.Model, BaseModel)
    True
    """

    _config_class_name = None  # "Sequential" or "Model": the class_name of saved configs

    def __init__(self):
        super().__init__()
        self._compiled = False
        self.optimizer = None
        self.loss = None
        self.history = None
        self.stop_training = False

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"This model has not yet been built ({what}). Build the model first by giving "
                             "input_shape to the first layer, calling build(), or calling it on a batch of data.")

    # ----------------------------------------------------------------- weights
    @property
    def weights(self) -> List[Tensor]:
        """All the layers' weights (trainable first), as Keras lists them."""
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self) -> List[Tensor]:
        """The weights the optimizer updates."""
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> List[Tensor]:
        """The weights that are not trained (frozen layers, batch-norm statistics)."""
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    def get_weights(self) -> List[np.ndarray]:
        """Every layer's weights (Keras order and layout) as NumPy copies.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> [w.shape for w in model.get_weights()]
        [(3, 2), (2,)]
        """
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: Sequence) -> None:
        """Load a ``get_weights()`` list; all shapes are checked before anything is copied.

        >>> from tinygrad_course.keras import layers, models
        >>> a, b = (models.Sequential([layers.Dense(2, input_shape=(3,))]) for _ in range(2))
        >>> b.set_weights(a.get_weights())
        """
        _set_layer_weights(self.layers, list(weights), self._weights_error)

    def _weights_error(self, want, got, layer=None) -> str:
        return weights_error(f"Model.set_weights() ({self.name!r})")(want, got, layer)

    def count_params(self) -> int:
        """Number of scalars in all weights (trainable or not).

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.count_params()
        8
        """
        self._require_built("count_params")
        return sum(layer.count_params() for layer in self.layers)

    # ----------------------------------------------------------------- summary
    def _print_summary(self, line_length: int, fractions: Sequence[float], header: Sequence[str],
                       groups: Sequence[Sequence[Sequence]], print_fn: Optional[Callable[[str], None]]) -> None:
        """Keras' summary table: ``header``, then per layer its rows (``groups``), then the parameter totals."""
        print_fn = print_fn or print
        cols = [int(line_length * p) for p in fractions]

        def row(fields):
            line = ""
            for field, end in zip(fields, cols):
                line += str(field)
                line = line.ljust(end) if len(line) < end else line + " "
            return line.rstrip()

        lines = [f'Model: "{self.name}"', "_" * line_length, row(header), "=" * line_length]
        for i, rows in enumerate(groups):
            lines += [row(fields) for fields in rows]
            lines.append("=" * line_length if i == len(groups) - 1 else "_" * line_length)
        trainable = sum(int(np.prod(w.shape)) for w in self.trainable_weights)
        total = self.count_params()
        lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                  f"Non-trainable params: {total - trainable:,}", "_" * line_length]
        for line in lines:
            print_fn(line)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def __dir__():
    return list(__all__)

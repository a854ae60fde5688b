"""``Sequential``: a stack of Keras layers, itself an ``nn.Module`` (``parameters()``, ``state_dict()`` work).

>>> model = Sequential()
>>> model.add(Dense(512, activation="relu", input_shape=(784,)))
>>> model.add(Dense(10, activation="softmax"))
>>> model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
"""
from typing import Callable, List, Optional, Sequence

import numpy as np

from ..autograd.factories import from_numpy
from ..autograd.tensor import Tensor
from ..nn.module import Module
from . import activations
from .layers.base import Layer, shape_str
from .layers.core import InputLayer
from .naming import unique_name
from .functional import Model
from .saving import SavingMixin, load_model, model_from_config, model_from_json, save_model
from .training import TrainingMixin, _inputs

__all__ = ["Sequential", "Model", "load_model", "save_model", "model_from_config", "model_from_json"]

# last-layer activations whose input (the logits) the losses use for a stable log
_LOGIT_ACTIVATIONS = (activations.softmax, activations.sigmoid)


class Sequential(SavingMixin, TrainingMixin, Module):
    """Layers applied one after the other; shapes are inferred from the first layer's ``input_shape``
    (or ``Input``) as layers are added, else from the first batch of data.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(8, activation='relu', input_shape=(4,)), layers.Dense(2)])
    >>> model.output_shape
    (None, 2)
    """

    def __init__(self, layers: Optional[Sequence[Layer]] = None, name: Optional[str] = None):
        super().__init__()
        self.name = name if name is not None else unique_name("sequential")
        self._input_shape = None  # without batch
        self._out_shape = None
        self._compiled = False
        self.optimizer = None
        self.loss = None
        self.history = None
        self.stop_training = False
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------------ layers
    @property
    def layers(self) -> List[Layer]:
        """The model's layers in order (without the implicit input layer)."""
        return list(self._modules.values())

    @property
    def built(self) -> bool:
        """True once the model's layers have been built (its input shape is known)."""
        return self._out_shape is not None

    def add(self, layer: Layer) -> None:
        """Append a layer (building it now when the input shape is already known)."""
        if getattr(layer, "_is_keras_tensor", False):
            layer = layer._node.layer  # keras.Input(shape) first declares the input shape
        if isinstance(layer, InputLayer):
            if self.layers:
                raise ValueError("Sequential.add(): an Input must come before every other layer")
            self._input_shape = layer._in_shape
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add(): the added layer must be a keras layer (tc.keras.layers.*), got "
                            f"{type(layer).__name__}")
        if any(layer is other for other in self.layers):
            raise ValueError(f"Sequential.add(): layer {layer.name!r} is already in the model")
        if not self.layers and layer._input_shape_arg is not None:
            self._input_shape = layer._input_shape_arg
        if self.built:
            shape = self._out_shape
            if layer.built and layer._in_shape != tuple(shape):
                raise ValueError(f"Sequential.add(): layer {layer.name!r} was built for inputs "
                                 f"{shape_str((None,) + layer._in_shape)} but receives {shape_str((None,) + shape)}")
            if not layer.built:
                layer.build(shape)  # raises (and the layer is not added) when the shapes do not fit
            self._out_shape = layer._out_shape
        self.add_module(str(len(self._modules)), layer)
        if not self.built and self._input_shape is not None:
            self._build_layers(self._input_shape)

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        key = next(reversed(self._modules))
        layer = self._modules.pop(key)
        if self.built:
            self._out_shape = self.layers[-1]._out_shape if self.layers else None
        return layer

    def _build_layers(self, shape) -> None:
        # build every layer, or none: a failing layer leaves the model unbuilt and its layers untouched
        shapes, s = [], tuple(shape)
        for layer in self.layers:
            if layer.built:
                if layer._in_shape != s:
                    raise ValueError(f"Input of layer {layer.name!r} is incompatible: it was built for "
                                     f"{shape_str((None,) + layer._in_shape)}, receives {shape_str((None,) + s)}")
                s = layer._out_shape
            else:
                s = tuple(layer.compute_output_shape(s))
            shapes.append(s)
        s = tuple(shape)
        for layer, out in zip(self.layers, shapes):
            if not layer.built:
                layer.build(s)
            s = out
        self._input_shape, self._out_shape = tuple(shape), s

    def build(self, input_shape=None) -> None:
        """Create every layer's weights for inputs of ``input_shape`` = (batch, ...) (batch may be None)."""
        if input_shape is None:
            if self._input_shape is None:
                raise ValueError("Sequential.build(): give input_shape=(None, ...) or an input_shape to the first layer")
            input_shape = (None,) + tuple(self._input_shape)
        self._ensure_built(tuple(input_shape)[1:])

    def _ensure_built(self, shape) -> None:
        if not self.layers:
            raise ValueError(f"Sequential model {self.name!r} has no layers; add some with model.add(...)")
        shape = tuple(shape)
        if self.built:
            if self._input_shape != shape:
                raise ValueError(f"Input 0 of model {self.name!r} is incompatible: expected shape "
                                 f"{shape_str((None,) + self._input_shape)}, found shape {shape_str((None,) + shape)}")
            return
        self._build_layers(shape)

    @property
    def input_shape(self):
        """The model's input shape, with ``None`` for the batch dimension."""
        self._require_built("input_shape")
        return (None,) + self._input_shape

    @property
    def output_shape(self):
        """The model's output shape, with ``None`` for the batch dimension."""
        self._require_built("output_shape")
        return (None,) + self._out_shape

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(f"This model has not yet been built ({what}). Build the model first by giving "
                             "input_shape to the first layer, calling build(), or calling it on a batch of data.")

    # ----------------------------------------------------------------- calling
    def forward(self, x) -> Tensor:
        if not isinstance(x, Tensor):
            x = from_numpy(_inputs(x, "call"))
        self._ensure_built(tuple(x.shape[1:]))
        for layer in self.layers:
            x = layer(x)
        return x

    def _forward_parts(self, x: Tensor):
        """(output, logits, activation): logits = the last layer's input to its softmax/sigmoid, else None."""
        self._ensure_built(tuple(x.shape[1:]))
        layers = self.layers
        for layer in layers[:-1]:
            x = layer(x)
        last = layers[-1]
        act = last.final_activation
        if act in _LOGIT_ACTIVATIONS:
            z = last.pre_activation(x)
            return act(z), z, act
        return last(x), None, None

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
        """Every layer's weights (Keras order and layout) as NumPy copies."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: Sequence) -> None:
        """Load a ``get_weights()`` list; all shapes are checked before anything is copied."""
        weights = list(weights)
        counts = [len(layer._keras_weights()) for layer in self.layers]
        if len(weights) != sum(counts):
            raise ValueError(f"Sequential.set_weights(): the model {self.name!r} expects {sum(counts)} weights, "
                             f"but the given list has {len(weights)}")
        chunks, i = [], 0
        for layer, n in zip(self.layers, counts):
            chunk = weights[i:i + n]
            i += n
            for (t, p, _), w in zip(layer._keras_weights(), chunk):
                want = tuple(t.shape[k] for k in p) if p else tuple(t.shape)
                got = tuple(np.shape(w.detach().numpy() if isinstance(w, Tensor) else w))
                if got != want:
                    raise ValueError(f"Layer {layer.name!r} weight shape {shape_str(want)} is not compatible with "
                                     f"provided weight shape {shape_str(got)}.")
            chunks.append(chunk)
        for layer, chunk in zip(self.layers, chunks):
            layer.set_weights(chunk)

    def count_params(self) -> int:
        """Number of scalars in all weights (trainable or not)."""
        self._require_built("count_params")
        return sum(layer.count_params() for layer in self.layers)

    # save / save_weights / load_weights / get_config / to_json: SavingMixin (keras/saving.py)

    # ----------------------------------------------------------------- summary
    def summary(self, line_length: int = 65, print_fn: Optional[Callable[[str], None]] = None) -> None:
        """Print a Keras-style table: Layer (type), Output Shape, Param #, and the parameter totals."""
        self._require_built("summary")
        print_fn = print_fn or print
        cols = [int(line_length * p) for p in (0.45, 0.85, 1.0)]

        def row(fields):
            line = ""
            for field, end in zip(fields, cols):
                line += str(field)
                line = line.ljust(end) if len(line) < end else line + " "
            return line.rstrip()

        lines = [f'Model: "{self.name}"', "_" * line_length, row(["Layer (type)", "Output Shape", "Param #"]),
                 "=" * line_length]
        for i, layer in enumerate(self.layers):
            lines.append(row([f"{layer.name} ({type(layer).__name__})", shape_str(layer.output_shape),
                              layer.count_params()]))
            lines.append("=" * line_length if i == len(self.layers) - 1 else "_" * line_length)
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

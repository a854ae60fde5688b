"""``Sequential``: a stack of Keras layers, itself an ``nn.Module`` (``parameters()``, ``state_dict()`` work).

Training, saving and weights come from ``BaseModel`` (shared with the functional ``Model``).

>>> model = Sequential()
>>> model.add(Dense(512, activation="relu", input_shape=(784,)))
>>> model.add(Dense(10, activation="softmax"))
>>> model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
"""
from typing import Callable, List, Optional, Sequence

import numpy as np

from ..autograd.factories import from_numpy
from ..autograd.tensor import Tensor
from .base_model import BaseModel, call_with_logits
from .layers.base import Layer, _serialize, shape_str
from .layers.core import InputLayer
from .naming import unique_name
from .training import _inputs

__all__ = ["Sequential"]


class Sequential(BaseModel):
    """Layers applied one after the other; shapes are inferred from the first layer's ``input_shape``
    (or ``Input``) as layers are added, else from the first batch of data.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(8, activation='relu', input_shape=(4,)), layers.Dense(2)])
    >>> model.output_shape
    (None, 2)
    """

    _config_class_name = "Sequential"

    def __init__(self, layers: Optional[Sequence[Layer]] = None, name: Optional[str] = None):
        super().__init__()
        self.name = name if name is not None else unique_name("sequential")
        self._input_shape = None  # without batch
        self._out_shape = None
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

    # ----------------------------------------------------------------- calling
    def forward(self, x) -> Tensor:
        if not isinstance(x, Tensor):
            x = from_numpy(_inputs(x, "call"))
        self._ensure_built(tuple(x.shape[1:]))
        for layer in self.layers:
            x = layer(x)
        return x

    # ------------------------------------------------------- the training hooks
    def _as_inputs(self, x, where: str) -> List[np.ndarray]:
        return [_inputs(x, where)]

    def _build_for(self, xs: List[np.ndarray]) -> None:
        self._ensure_built(tuple(xs[0].shape[1:]))

    def _forward_parts(self, xts: List[Tensor]):
        """(output, logits, activation): logits = the last layer's input to its softmax/sigmoid, else None."""
        x = xts[0]
        self._ensure_built(tuple(x.shape[1:]))
        layers = self.layers
        for layer in layers[:-1]:
            x = layer(x)
        return call_with_logits(layers[-1], x)

    def _predict_batch(self, xts: List[Tensor]) -> List[Tensor]:
        return [self(xts[0])]

    def _output_shapes(self) -> List[tuple]:
        return [self._out_shape]

    # ----------------------------------------------------------------- weights
    def _weights_error(self, want, got, layer=None) -> str:
        if layer is None:
            return (f"Sequential.set_weights(): the model {self.name!r} expects {want} weights, but the given list "
                    f"has {got}")
        return (f"Layer {layer.name!r} weight shape {shape_str(want)} is not compatible with provided weight shape "
                f"{shape_str(got)}.")

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        """The layers' configs and the input shape, JSON-ready (``keras.models.model_from_config``).

        >>> from tinygrad_course.keras import layers, models
        >>> models.Sequential([layers.Dense(2, input_shape=(3,))]).get_config()["build_input_shape"]
        [None, 3]
        """
        layers = [{"class_name": type(l).__name__, "config": l.get_config()} for l in self.layers]
        shape = None if self._input_shape is None else [None] + _serialize(self._input_shape, "Sequential")
        return {"name": self.name, "layers": layers, "build_input_shape": shape}

    # ----------------------------------------------------------------- summary
    def summary(self, line_length: int = 65, print_fn: Optional[Callable[[str], None]] = None) -> None:
        """Print a Keras-style table: Layer (type), Output Shape, Param #, and the parameter totals."""
        self._require_built("summary")
        groups = [[[f"{layer.name} ({type(layer).__name__})", shape_str(layer.output_shape), layer.count_params()]]
                  for layer in self.layers]
        self._print_summary(line_length, (0.45, 0.85, 1.0), ["Layer (type)", "Output Shape", "Param #"], groups,
                            print_fn)


def __dir__():
    return list(__all__)

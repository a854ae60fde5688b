"""``Layer``: a Keras layer is an ``nn.Module`` that creates its ``nn`` sub-modules on ``build``.

Shapes here follow Keras: without the batch dimension inside the code, with a leading ``None`` in
``input_shape`` / ``output_shape`` as shown by ``summary()``. Weights live in the wrapped ``nn``
modules in PyTorch's layout; ``get_weights`` / ``set_weights`` speak Keras' layout (a Dense kernel
is (in, out), a Conv2D kernel (kh, kw, in, out)).
"""
import inspect
from typing import List, Optional, Sequence, Tuple

import numpy as np

from ...autograd import _array, _bump_version
from ...autograd.tensor import Tensor
from ...nn.module import Module
from .. import activations, initializers
from ..naming import to_snake_case, unique_name
from .node import record_call

__all__ = ["Layer", "Shape", "shape_str"]

Shape = Tuple[Optional[int], ...]


def shape_str(shape: Sequence) -> str:
    """``(None, 512)`` as Keras prints it."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _as_shape(shape, who: str) -> Tuple[int, ...]:
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        raise TypeError(f"{who}: input_shape must be a tuple of ints, got {shape!r}") from None
    if any(d is not None and d <= 0 for d in shape):
        raise ValueError(f"{who}: input_shape must hold positive sizes, got {shape!r}")
    return shape


def _is_symbolic(x) -> bool:
    """True for a functional-API placeholder (a ``KerasTensor``) or a list holding one."""
    if isinstance(x, (list, tuple)):
        return any(getattr(v, "_is_keras_tensor", False) for v in x)
    return getattr(x, "_is_keras_tensor", False)


_SKIP_PARAMS = {"self", "name", "input_shape", "trainable"}  # input_dim: only layers storing it (Embedding)


def _serialize(value, who: str):
    """A JSON-ready value: activations and initializers by Keras name, tuples as lists."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value.item() if isinstance(value, (np.integer, np.floating)) else value
    if isinstance(value, (list, tuple)):
        return [_serialize(v, who) for v in value]
    if callable(value):
        for name, fn in activations._BY_NAME.items():
            if fn is value:
                return name
        for name, fn in initializers._BY_NAME.items():
            if fn is value:
                return name
        name = getattr(value, "__name__", None)
        if name:  # a user function: loaded back through custom_objects={name: fn}
            return name
    raise TypeError(f"{who}: cannot serialize {value!r} ({type(value).__name__}) to the model config")


def layer_config(layer) -> dict:
    """A layer's constructor arguments read from its attributes (see ``Layer.get_config``).

    >>> from tinygrad_course.keras import layers
    >>> layer_config(layers.Dense(3, name="d"))["units"]
    3
    """
    who = f"get_config() of layer {layer.name!r}"
    config = {"name": layer.name, "trainable": layer.trainable}
    if layer._input_shape_arg is not None:
        config["batch_input_shape"] = [None] + _serialize(layer._input_shape_arg, who)
    for pname, p in inspect.signature(type(layer).__init__).parameters.items():
        if pname in _SKIP_PARAMS or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or pname in config:
            continue
        if pname in layer.__dict__ or hasattr(type(layer), pname) and not callable(getattr(type(layer), pname)):
            config[pname] = _serialize(getattr(layer, pname), who)
    return config


class Layer(Module):
    """Base of the Keras layers: lazy ``build(input_shape)``, then ``call(x)`` on tc Tensors.

    Subclasses define ``_build(shape)`` (create ``nn`` modules), ``compute_output_shape(shape)``,
    ``call(x)`` and, when they hold weights, ``_keras_weights()``.

    >>> from tinygrad_course.keras import layers, models
    >>> layer = layers.Dense(3)
    >>> layer(tc.zeros(2, 5)).shape, layer.input_shape
    (tinygrad_course.Size([2, 3]), (None, 5))
    """

    def __init__(self, name: Optional[str] = None, input_shape=None, trainable: bool = True, **kwargs):
        super().__init__()
        kwargs.pop("dtype", None)  # accepted for Keras compatibility; weights use the default dtype
        if "batch_input_shape" in kwargs:
            input_shape = tuple(kwargs.pop("batch_input_shape"))[1:]
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {', '.join(sorted(kwargs))}")
        self.name = name if name is not None else unique_name(to_snake_case(type(self).__name__))
        self._input_shape_arg = None if input_shape is None else _as_shape(input_shape, self.name)
        self.built = False
        self._in_shape = None
        self._out_shape = None
        self._trainable = bool(trainable)

    # ------------------------------------------------------------------ building
    def build(self, input_shape) -> None:
        """Create the weights for inputs of ``input_shape`` (without the batch dimension)."""
        shape = _as_shape(input_shape, self.name)
        out = self.compute_output_shape(shape)  # validates before anything is created
        self._build(shape)
        self._in_shape, self._out_shape = shape, tuple(out)
        self.built = True
        if not self._trainable:
            self.trainable = False

    def _build(self, shape: Tuple[int, ...]) -> None:
        """Create sub-modules (nothing for weightless layers)."""

    def compute_output_shape(self, shape: Tuple[int, ...]) -> Tuple[int, ...]:
        """The output shape (without batch) for an input shape (without batch)."""
        return shape

    @property
    def input_shape(self) -> Shape:
        """The input shape with ``None`` for the batch (AttributeError before the layer is built)."""
        if not self.built:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined input shape.")
        return (None,) + self._in_shape

    @property
    def output_shape(self) -> Shape:
        """The output shape with ``None`` for the batch (AttributeError before the layer is built)."""
        if not self.built:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined output shape.")
        return (None,) + self._out_shape

    # ------------------------------------------------------------------- calling
    def forward(self, x: Tensor) -> Tensor:
        if not self.built:
            self.build(tuple(x.shape[1:]))
        return self.call(x)

    def call(self, x: Tensor) -> Tensor:
        """The layer's computation on a batch ``x`` (a Tensor whose first dimension is the batch)."""
        return x

    # Layers whose output is ``act(z)`` expose ``z`` so losses can be computed from logits.
    final_activation = None

    def pre_activation(self, x: Tensor) -> Tensor:
        """The layer's output before its final activation (identity when it has none)."""
        return self.call(x)

    # ------------------------------------------------------------------- weights
    def _keras_weights(self) -> List[Tuple[Tensor, Optional[Tuple[int, ...]], bool]]:
        """``(tensor, permutation from PyTorch to Keras layout or None, trainable)`` per Keras weight."""
        return []

    @property
    def weights(self) -> List[Tensor]:
        """The layer's weights (trainable first)."""
        return [t for t, _, _ in self._keras_weights()]

    @property
    def trainable_weights(self) -> List[Tensor]:
        """The weights training updates (empty when ``trainable`` is False)."""
        return [t for t, _, tr in self._keras_weights() if tr and self._trainable]

    @property
    def non_trainable_weights(self) -> List[Tensor]:
        """The weights training leaves alone."""
        return [t for t, _, tr in self._keras_weights() if not (tr and self._trainable)]

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer's weights (settable, as in Keras)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for t, _, tr in self._keras_weights():
            if tr:
                t.requires_grad_(self._trainable)

    def get_weights(self) -> List[np.ndarray]:
        """Copies of the weights as NumPy arrays, in Keras' order and layout."""
        return [np.array(_array(t).transpose(p) if p else _array(t)) for t, p, _ in self._keras_weights()]

    def set_weights(self, weights: Sequence) -> None:
        """Load NumPy arrays in Keras' order and layout; everything is checked before anything is copied."""
        own = self._keras_weights()
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"Layer {self.name!r} expects {len(own)} weights, but the given list has {len(weights)} weights."
            )
        staged = []
        for (t, p, _), w in zip(own, weights):
            w = np.asarray(w.detach().numpy() if isinstance(w, Tensor) else w)
            keras_shape = tuple(t.shape[i] for i in p) if p else tuple(t.shape)
            if w.shape != keras_shape:
                raise ValueError(
                    f"Layer {self.name!r} weight shape {shape_str(keras_shape)} is not compatible with "
                    f"provided weight shape {shape_str(w.shape)}."
                )
            if p:
                w = w.transpose(np.argsort(p))
            staged.append((t, w.astype(_array(t).dtype)))
        for t, w in staged:
            _array(t)[...] = w
            _bump_version(t)  # in-place change, as load_state_dict does

    def count_params(self) -> int:
        """Number of scalars in the layer's weights (trainable or not)."""
        if not self.built:
            raise ValueError(f"You tried to call count_params on layer {self.name!r}, but the layer isn't built.")
        return sum(int(np.prod(t.shape)) for t, _, _ in self._keras_weights())

    def get_config(self) -> dict:
        """The constructor arguments that recreate this layer (without weights), JSON-ready.

        Read from the attributes named like the ``__init__`` parameters (Keras' convention), with
        activations and initializers by their Keras names.

        >>> Dense(3, activation="relu").get_config()["activation"]
        'relu'
        """
        return layer_config(self)

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """A new layer from ``get_config()``'s dict: ``cls(**config)``."""
        return cls(**config)

    def __call__(self, *args, **kwargs):
        # a symbolic input (from keras.Input) records a node of a functional model instead of computing
        if args and _is_symbolic(args[0]):
            return self._call_symbolic(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def _call_symbolic(self, *args, **kwargs):
        """``layer(keras_tensor(s))``: build the layer for the symbolic shapes, record a Node, return KerasTensor(s)."""
        first = args[0]
        if isinstance(first, (list, tuple)) and not all(getattr(v, "_is_keras_tensor", False) for v in first):
            raise TypeError(f"Layer {self.name!r}: a list of inputs must hold only symbolic tensors (from keras.Input "
                            f"or other layers), got {[type(v).__name__ for v in first]}")
        if not self.built:
            if isinstance(first, (list, tuple)):
                self.build([tuple(kt.shape[1:]) for kt in first])
            else:
                self.build(tuple(first.shape[1:]))
        self._check_input_compat(args)
        return record_call(self, args, kwargs)

    def _check_input_compat(self, args) -> None:
        """Keras' 'Input 0 of layer ... is incompatible' check against the shape the layer was built for."""
        if not self.built or not args or not getattr(args[0], "_is_keras_tensor", False):
            return
        want = self._in_shape
        if not isinstance(want, tuple):
            return
        got = tuple(args[0].shape[1:])
        if len(want) != len(got) or any(a is not None and b is not None and a != b for a, b in zip(want, got)):
            raise ValueError(f"Input 0 of layer {self.name!r} ({type(self).__name__}) is incompatible with the "
                             f"layer: expected shape {shape_str((None,) + tuple(want))}, found shape "
                             f"{shape_str((None,) + got)}")

    def extra_repr(self) -> str:
        return f"name={self.name!r}"

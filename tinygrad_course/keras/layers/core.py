"""Dense, Activation, Dropout, Flatten, Reshape and InputLayer / Input."""
from typing import Optional

import numpy as np

from ... import nn
from ...autograd.dtypes import get_default_dtype
from ...autograd.grad_mode import no_grad
from .. import activations, initializers
from .base import Layer, _serialize, shape_str
from .node import KerasTensor, Node

__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "InputLayer", "Input"]


class Dense(Layer):
    """y = activation(x @ kernel + bias) on the last axis; wraps an ``nn.Linear``.

    >>> layer = Dense(512, activation="relu", input_shape=(784,))
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", input_shape=None, input_dim: Optional[int] = None, **kwargs):
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        super().__init__(input_shape=input_shape, **kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def compute_output_shape(self, shape):
        if len(shape) < 1 or shape[-1] is None:
            raise ValueError(f"Dense {self.name!r}: the last input dimension must be known, got input shape "
                             f"{shape_str((None,) + tuple(shape))}")
        return tuple(shape[:-1]) + (self.units,)

    def _build(self, shape):
        linear = nn.Linear(shape[-1], self.units, bias=self.use_bias)
        with no_grad():
            self.kernel_initializer(linear.weight)
            if self.use_bias:
                self.bias_initializer(linear.bias)
        self.linear = linear

    @property
    def final_activation(self):
        """The layer's last activation function (``keras.activations.softmax`` ...), so a loss can work from the logits before it."""
        return self.activation

    def pre_activation(self, x):
        return self.linear(x)

    def call(self, x):
        return self.activation(self.linear(x))

    def _keras_weights(self):
        if not self.built:
            return []
        w = [(self.linear.weight, (1, 0), True)]
        if self.use_bias:
            w.append((self.linear.bias, None, True))
        return w

    def extra_repr(self):
        return f"name={self.name!r}, units={self.units}, activation={activations.serialize(self.activation)}"


class Activation(Layer):
    """Applies an activation by name (``'relu'``, ``'softmax'``, ...) or a callable.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Activation('relu')(tc.tensor([[-1., 2.]]))
    tensor([[0., 2.]])
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    @property
    def final_activation(self):
        """The layer's last activation function (``keras.activations.softmax`` ...), so a loss can work from the logits before it."""
        return self.activation

    def pre_activation(self, x):
        return x

    def call(self, x):
        return self.activation(x)

    def extra_repr(self):
        return f"name={self.name!r}, activation={activations.serialize(self.activation)}"


class Dropout(Layer):
    """Zero each input with probability ``rate`` during training, scale the rest by 1/(1 - rate).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Dropout(0.5)(tc.ones(2, 3)).shape
    tinygrad_course.Size([2, 3])
    """

    def __init__(self, rate: float, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate <= 1.0:
            raise ValueError(f"Dropout: rate must be a number in [0, 1], got {rate!r}")
        if noise_shape is not None:
            raise ValueError("Dropout: noise_shape is not supported (only element-wise dropout)")
        self.rate = float(rate)
        self.dropout = nn.Dropout(p=self.rate)

    def call(self, x):
        return self.dropout(x)

    def extra_repr(self):
        return f"name={self.name!r}, rate={self.rate}"


class Flatten(Layer):
    """Flatten every axis but the batch one (row-major, so channels-last images flatten as Keras does).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Flatten()(tc.zeros(2, 3, 4)).shape
    tinygrad_course.Size([2, 12])
    """

    def compute_output_shape(self, shape):
        if any(d is None for d in shape):
            raise ValueError(f"Flatten {self.name!r}: input shape must be fully known, got {shape_str((None,) + shape)}")
        return (int(np.prod(shape, dtype=np.int64)),)

    def call(self, x):
        return x.reshape(x.shape[0], -1)


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Reshape((3, 4))(tc.zeros(2, 12)).shape
    tinygrad_course.Size([2, 3, 4])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def compute_output_shape(self, shape):
        n = int(np.prod(shape, dtype=np.int64))
        target = list(self.target_shape)
        if target.count(-1) > 1:
            raise ValueError(f"Reshape {self.name!r}: at most one -1 in target_shape, got {self.target_shape}")
        if -1 in target:
            rest = int(np.prod([d for d in target if d != -1], dtype=np.int64))
            if rest == 0 or n % rest:
                raise ValueError(f"Reshape {self.name!r}: cannot reshape {shape_str(shape)} to {self.target_shape}")
            target[target.index(-1)] = n // rest
        if int(np.prod(target, dtype=np.int64)) != n:
            raise ValueError(f"Reshape {self.name!r}: total size of {shape_str(shape)} ({n}) differs from "
                             f"target_shape {self.target_shape}")
        return tuple(target)

    def call(self, x):
        return x.reshape((x.shape[0],) + self._out_shape)


class InputLayer(Layer):
    """Declares the model's input shape (without batch); ``Sequential.add`` records it, adds no layer.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.InputLayer(input_shape=(4,)), layers.Dense(2)])
    >>> model.input_shape
    (None, 4)
    """

    def __init__(self, input_shape=None, shape=None, batch_size=None, name=None, **kwargs):
        shape = shape if shape is not None else input_shape
        if shape is None:
            raise ValueError("InputLayer: give the input shape (without the batch dimension), e.g. shape=(784,)")
        super().__init__(name=name, input_shape=shape, **kwargs)
        self.build(self._input_shape_arg)

    def _call_symbolic(self, *args, **kwargs):
        raise TypeError(f"InputLayer {self.name!r} cannot be called on tensors; use keras.Input(shape) instead")

    def get_config(self) -> dict:
        """The input's name, shape (without batch) and dtype.

        >>> from tinygrad_course.keras import layers
        >>> layers.InputLayer(shape=(4,), name="x").get_config()["shape"]
        [4]
        """
        return {"name": self.name, "shape": _serialize(self._in_shape, f"get_config() of layer {self.name!r}"),
                "dtype": getattr(self, "dtype", None)}


def Input(shape=None, batch_size: Optional[int] = None, name: Optional[str] = None, dtype: Optional[str] = None,
          batch_shape=None, **kwargs) -> KerasTensor:
    """A symbolic model input of ``shape`` (without the batch dimension; ``None`` for a free size).

    Start a functional model with it, or give it first to a ``Sequential`` to declare the input shape.

    >>> x = Input(shape=(784,))
    >>> x.shape
    (None, 784)
    """
    if shape is None and batch_shape is not None:
        shape = tuple(batch_shape)[1:]
    layer = InputLayer(shape=shape, batch_size=batch_size, name=name, **kwargs)
    layer.dtype = str(dtype) if dtype is not None else get_default_dtype().name
    node = Node(layer, (), {})
    kt = KerasTensor((None,) + tuple(layer._in_shape), layer.dtype, node, 0, layer.name)
    node.outputs = [kt]
    return kt

"""Merge layers: a list of tensors in, one tensor out (``Add``, ``Concatenate``, ...), as Keras'.

Used in the functional API: ``Concatenate()([a, b])`` or the function forms ``concatenate([a, b])``.
"""
from functools import reduce
from typing import List, Sequence

from ...autograd.ops.join import cat
from ...autograd.tensor import Tensor
from .base import Layer, _as_shape, shape_str

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"]


def _fmt(shapes) -> str:
    return "[" + ", ".join(shape_str((None,) + tuple(s)) for s in shapes) + "]"


class _Merge(Layer):
    """Base: checks it receives a list of at least two (same-shaped) inputs, then folds ``_merge``."""

    _min_inputs = 2

    def _check_list(self, inputs, where: str) -> None:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < self._min_inputs:
            n = len(inputs) if isinstance(inputs, (list, tuple)) else "a single tensor"
            raise ValueError(f"A merge layer ({type(self).__name__} {self.name!r}) should be called on a list of at "
                             f"least {self._min_inputs} inputs, got {n} in {where}")

    def build(self, input_shape) -> None:
        """Check the input shapes (a list, without the batch dimension) and record them."""
        self._check_list(input_shape, "build()")
        shapes = [_as_shape(s, self.name) for s in input_shape]
        out = self.compute_output_shape(shapes)
        self._in_shape, self._out_shape = shapes, tuple(out)
        self.built = True

    def compute_output_shape(self, shapes):
        first = tuple(shapes[0])
        for s in shapes[1:]:
            if len(s) != len(first) or any(a is not None and b is not None and a != b for a, b in zip(first, s)):
                raise ValueError(f"{type(self).__name__} {self.name!r}: inputs must all have the same shape, got "
                                 f"{_fmt(shapes)}")
        return tuple(next((d for d in dims if d is not None), None) for dims in zip(*shapes))

    @property
    def input_shape(self):
        """The input shapes of the merged inputs, each with ``None`` for the batch."""
        if not self.built:
            raise AttributeError(f"The layer {self.name!r} has never been called and thus has no defined input shape.")
        return [(None,) + tuple(s) for s in self._in_shape]

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        self._check_list(inputs, "call()")
        shapes = [tuple(t.shape[1:]) for t in inputs]
        if not self.built:
            self.build(shapes)
        else:
            self.compute_output_shape(shapes)  # the same checks on every call: no NumPy broadcasting surprises
        if len({t.shape[0] for t in inputs}) != 1:
            raise ValueError(f"{type(self).__name__} {self.name!r}: inputs have different batch sizes "
                             f"{[t.shape[0] for t in inputs]}")
        return self.call(list(inputs))

    def call(self, inputs: List[Tensor]) -> Tensor:
        return reduce(self._merge, inputs)


class Add(_Merge):
    """out = x_1 + x_2 + ... (same shapes).

    >>> Add()([a, b])
    """

    @staticmethod
    def _merge(a, b):
        return a + b


class Subtract(_Merge):
    """out = x_1 - x_2 (exactly two inputs).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Subtract()([tc.tensor([[1., 5.]]), tc.tensor([[3., 2.]])])
    tensor([[-2., 3.]])
    """

    def _check_list(self, inputs, where):
        super()._check_list(inputs, where)
        if len(inputs) != 2:
            raise ValueError(f"A Subtract layer ({self.name!r}) should be called on exactly 2 inputs, got {len(inputs)}")

    @staticmethod
    def _merge(a, b):
        return a - b


class Multiply(_Merge):
    """out = x_1 * x_2 * ... element-wise.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Multiply()([tc.tensor([[1., 5.]]), tc.tensor([[3., 2.]])])
    tensor([[3., 10.]])
    """

    @staticmethod
    def _merge(a, b):
        return a * b


class Average(_Merge):
    """out = (x_1 + ... + x_n) / n.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Average()([tc.tensor([[1., 5.]]), tc.tensor([[3., 2.]])])
    tensor([[2.0000, 3.5000]])
    """

    def call(self, inputs):
        return reduce(lambda a, b: a + b, inputs) / len(inputs)


class Maximum(_Merge):
    """out = element-wise max of the inputs.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Maximum()([tc.tensor([[1., 5.]]), tc.tensor([[3., 2.]])])
    tensor([[3., 5.]])
    """

    @staticmethod
    def _merge(a, b):
        return a.maximum(b)


class Minimum(_Merge):
    """out = element-wise min of the inputs.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Minimum()([tc.tensor([[1., 5.]]), tc.tensor([[3., 2.]])])
    tensor([[1., 2.]])
    """

    @staticmethod
    def _merge(a, b):
        return a.minimum(b)


class Concatenate(_Merge):
    """Join the inputs along ``axis`` (default the last); the other axes must agree.

    >>> Concatenate()([a, b])   # (batch, 3) and (batch, 5) -> (batch, 8)
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int) or axis == 0:
            raise ValueError(f"Concatenate: axis must be a non-zero int (axis 0 is the batch), got {axis!r}")
        self.axis = axis

    def compute_output_shape(self, shapes):
        rank = len(shapes[0]) + 1
        if any(len(s) + 1 != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ValueError(f"Concatenate {self.name!r}: axis={self.axis} needs inputs of one rank > |axis|, got "
                             f"{_fmt(shapes)}")
        ax = (self.axis % rank) - 1  # axis without the batch dimension
        out = []
        for i, dims in enumerate(zip(*shapes)):
            if i == ax:
                out.append(None if any(d is None for d in dims) else sum(dims))
                continue
            known = {d for d in dims if d is not None}
            if len(known) > 1:
                raise ValueError(f"A Concatenate layer ({self.name!r}) requires inputs with matching shapes except "
                                 f"for the concatenation axis {self.axis}. Received: input_shape={_fmt(shapes)}")
            out.append(known.pop() if known else None)
        return tuple(out)

    def call(self, inputs):
        return cat(inputs, self.axis)

    def extra_repr(self):
        return f"name={self.name!r}, axis={self.axis}"


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.add([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[4., 7.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.subtract([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[-2.,  3.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: ``multiply([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.multiply([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[ 3., 10.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``: ``average([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.average([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[2. , 3.5]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: ``maximum([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.maximum([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[3., 5.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: ``minimum([a, b])``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.minimum([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[1., 2.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([a, b], axis=-1)``.

    >>> from tinygrad_course.keras import layers, models
    >>> x, y = layers.Input(shape=(2,)), layers.Input(shape=(2,))
    >>> models.Model([x, y], layers.concatenate([x, y])).predict([tc.tensor([[1., 5.]]).numpy(), tc.tensor([[3., 2.]]).numpy()], verbose=0)
    array([[1., 5., 3., 2.]], dtype=float32)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)

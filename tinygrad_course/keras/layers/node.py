"""The functional API's records: ``KerasTensor`` (a symbolic tensor) and ``Node`` (one layer call).

Calling a layer on a ``KerasTensor`` (what ``keras.Input`` returns) builds the layer and records a
``Node`` (layer, its inputs, its outputs); no data flows. ``keras.Model`` walks the nodes back from
its outputs. This file knows layers only by their methods, so ``Layer`` can import it.

>>> from tinygrad_course import keras
>>> y = keras.layers.Dense(2)(keras.Input(shape=(4,)))
>>> y._node.layer is y._keras_history[0]
True
"""
import itertools
from typing import Callable, List

import numpy as _np

from ...autograd.dtypes import get_default_dtype
from ...autograd.factories import zeros
from ...autograd.grad_mode import no_grad
from ...autograd.tensor import Tensor

__all__ = ["KerasTensor", "Node", "record_call"]

_node_ids = itertools.count()


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for the batch and unknown sizes) and the layer call that makes it.

    ``_keras_history = (layer, node_index, tensor_index)`` as in Keras.

    >>> from tinygrad_course import keras
    >>> keras.Input(shape=(784,), name="pixels")
    <KerasTensor shape=(None, 784), dtype=float32, name=pixels>
    """

    _is_keras_tensor = True

    def __init__(self, shape, dtype: str, node: "Node", index: int, name: str):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name
        self._node = node
        self._index = index

    @property
    def _keras_history(self):
        return self._node.layer, self._node.layer._inbound_nodes.index(self._node), self._index

    @property
    def ndim(self) -> int:
        """Number of dimensions, the batch included."""
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no truth value (it holds no data): it only describes a model's "
                        "input or a layer's output")


class Node:
    """One call of a layer in the graph: ``layer(*args, **kwargs)`` -> ``outputs`` (KerasTensors).

    >>> from tinygrad_course import keras
    >>> node = keras.layers.Dense(2)(keras.Input(shape=(3,)))._node
    >>> len(node.input_tensors), len(node.outputs)
    (1, 1)
    """

    def __init__(self, layer, args: tuple, kwargs: dict):
        self.id = next(_node_ids)
        self.layer, self.args, self.kwargs = layer, args, kwargs
        self.outputs: List[KerasTensor] = []
        self.multi_output = False
        if not hasattr(layer, "_inbound_nodes"):
            layer._inbound_nodes = []
        layer._inbound_nodes.append(self)

    @property
    def input_tensors(self) -> List[KerasTensor]:
        """The KerasTensors the call consumed, in order."""
        return [kt for kt in _flatten((self.args, self.kwargs))]


def _flatten(obj) -> List[KerasTensor]:
    """Every KerasTensor inside nested lists/tuples/dicts, in order."""
    out, stack = [], [obj]
    while stack:
        o = stack.pop()
        if getattr(o, "_is_keras_tensor", False):
            out.append(o)
        elif isinstance(o, dict):
            stack.extend(reversed(list(o.values())))
        elif isinstance(o, (list, tuple)):
            stack.extend(reversed(o))
    return out


def _substitute(obj, fn: Callable):
    """``obj`` with every KerasTensor replaced by ``fn(kt)`` (lists, tuples and dicts one level deep or more)."""
    if getattr(obj, "_is_keras_tensor", False):
        return fn(obj)
    if isinstance(obj, dict):
        return {k: _substitute(v, fn) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_substitute(v, fn) for v in obj)
    return obj


def _dummy(shape, fill: int, dtype) -> Tensor:
    return zeros(tuple(fill if d is None else d for d in shape), dtype=dtype)


def _infer_shapes(layer, args, kwargs):
    """Output shapes (without batch) by running the layer on zeros, twice when sizes are unknown.

    A dimension that follows the unknown input sizes (2 on one run, 3 on the other) is ``None``.
    """
    dtype = get_default_dtype()
    has_none = any(d is None for kt in _flatten((args, kwargs)) for d in kt.shape[1:])
    results = []
    was_training = layer.training
    layer.eval()  # no batch statistics updated, no dropout randomness consumed
    try:
        with no_grad(), _np.errstate(all="ignore"):
            for fill in ((2, 3) if has_none else (2,)):
                def make(kt, fill=fill):
                    return _dummy((fill,) + tuple(kt.shape[1:]), fill, dtype)
                out = layer(*_substitute(args, make), **_substitute(kwargs, make))
                results.append(out)
    finally:
        layer.train(was_training)
    multi = isinstance(results[0], (list, tuple))
    outs = [list(r) if multi else [r] for r in results]
    for o in outs[0]:
        if not isinstance(o, Tensor):
            raise TypeError(f"Layer {layer.name!r} returned {type(o).__name__}, not a Tensor (or a list of them)")
    shapes = []
    for k, o in enumerate(outs[0]):
        s = list(o.shape[1:])
        if len(outs) == 2:
            s = [a if a == b else None for a, b in zip(s, outs[1][k].shape[1:])]
        shapes.append(tuple(s))
    return shapes, multi, [o.dtype.name for o in outs[0]]


def record_call(layer, args: tuple, kwargs: dict):
    """Record ``layer(*args, **kwargs)`` on KerasTensors (the layer already built): a Node and its outputs.

    Returns the output KerasTensor, or a list of them for a layer with several outputs.

    >>> from tinygrad_course import keras
    >>> d = keras.layers.Dense(2); d.build((3,))
    >>> record_call(d, (keras.Input(shape=(3,)),), {}).shape
    (None, 2)
    """
    shapes, multi, dtypes = _infer_shapes(layer, args, kwargs)
    node = Node(layer, args, kwargs)
    node.multi_output = multi
    name = layer.name
    node.outputs = [KerasTensor((None,) + s, dt, node, i, name if len(shapes) == 1 else f"{name}/{i}")
                    for i, (s, dt) in enumerate(zip(shapes, dtypes))]
    return list(node.outputs) if multi else node.outputs[0]

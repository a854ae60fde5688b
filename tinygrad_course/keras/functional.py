"""The functional API: ``Input(shape)``, layers called on symbolic tensors, ``Model(inputs, outputs)``.

>>> a = Input(shape=(4,)); b = Input(shape=(3,))
>>> h = Dense(8, activation="relu")(Concatenate()([a, b]))
>>> model = Model(inputs=[a, b], outputs=Dense(1)(h))
>>> model.compile(loss="mse", optimizer="adam"); model.fit([xa, xb], y, epochs=2, verbose=0)

Calling a layer on a ``KerasTensor`` (what ``Input`` returns) builds the layer and records a
``Node`` (``layers/node.py``). ``Model`` walks the nodes back from its outputs and, when called on
real tensors, replays them in creation order (a valid topological order, since a node can only
consume tensors that existed before it). Training, saving and weights: ``BaseModel``.
"""
from typing import Callable, Dict, List, Optional, Sequence

import numpy as _np

from ..autograd.factories import from_numpy
from ..autograd.tensor import Tensor
from .base_model import BaseModel, call_with_logits
from .layers.base import Layer, _serialize, shape_str
from .layers.core import Input, InputLayer
from .layers.node import KerasTensor, Node, _substitute
from .naming import unique_name
from .training import _inputs

__all__ = ["KerasTensor", "Input", "Model"]


def _as_list(x, what: str) -> List[KerasTensor]:
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    if not items:
        raise ValueError(f"Model(): {what} must not be empty")
    for kt in items:
        if not getattr(kt, "_is_keras_tensor", False):
            raise TypeError(f"Model(): {what} must be symbolic tensors (from keras.Input and layer calls), got "
                            f"{type(kt).__name__}")
    return items


class Model(BaseModel):
    """A model from a graph of layers: ``Model(inputs, outputs)``, with Keras' training API.

    ``inputs``: one ``Input`` tensor or a list; ``outputs``: the tensor(s) computed from them.
    Multi-input models take ``x`` as a list of arrays (in ``inputs`` order) or a dict by input name
    in ``fit`` / ``evaluate`` / ``predict``. Models with several outputs predict (a list of arrays)
    but cannot be trained (one loss per output is not implemented).

    >>> inp = Input(shape=(784,))
    >>> out = Dense(10, activation="softmax")(Dense(64, activation="relu")(inp))
    >>> model = Model(inputs=inp, outputs=out)
    """

    _config_class_name = "Model"

    def __init__(self, inputs=None, outputs=None, name: Optional[str] = None, trainable: bool = True, **kwargs):
        super().__init__()
        if "input" in kwargs or "output" in kwargs:  # Keras 1 spellings
            inputs = kwargs.pop("input", inputs)
            outputs = kwargs.pop("output", outputs)
        if kwargs:
            raise TypeError(f"Model(): unexpected keyword argument(s) {', '.join(sorted(kwargs))}")
        if inputs is None or outputs is None:
            raise TypeError("Model(): give inputs and outputs (the functional API: Model(inputs=Input(...), "
                            "outputs=...)); subclassed models are not supported")
        self.name = name if name is not None else unique_name("model")
        self._single_input = not isinstance(inputs, (list, tuple))
        self._single_output = not isinstance(outputs, (list, tuple))
        self.inputs = _as_list(inputs, "inputs")
        self.outputs = _as_list(outputs, "outputs")
        for kt in self.inputs:
            if not isinstance(kt._node.layer, InputLayer):
                raise ValueError(f"Model(): input tensors must come from keras.Input; {kt.name!r} is the output of "
                                 f"layer {kt._node.layer.name!r}")
        if len({id(kt) for kt in self.inputs}) != len(self.inputs):
            raise ValueError("Model(): the same Input appears twice in inputs")
        self._nodes = self._collect_nodes()
        self._layer_list: List[Layer] = []
        for node in [kt._node for kt in self.inputs] + self._nodes:
            if not any(node.layer is l for l in self._layer_list):
                self._layer_list.append(node.layer)
        names = [l.name for l in self._layer_list]
        for n in names:
            if names.count(n) > 1:
                raise ValueError(f"The name {n!r} is used {names.count(n)} times in the model. All layer names "
                                 "should be unique.")
        for layer in self._layer_list:
            self.add_module(layer.name, layer)
        self._input_shapes = [tuple(kt.shape[1:]) for kt in self.inputs]
        self._out_shape = tuple(self.outputs[0].shape[1:])
        if not trainable:
            for layer in self._layer_list:
                layer.trainable = False

    def _collect_nodes(self) -> List[Node]:
        """The nodes the outputs depend on, in creation order; ValueError if an input is missing."""
        input_ids = {id(kt) for kt in self.inputs}
        seen: Dict[int, Node] = {}
        stack = list(self.outputs)
        reached = []
        while stack:
            kt = stack.pop()
            if id(kt) in input_ids:
                continue
            node = kt._node
            if isinstance(node.layer, InputLayer):
                raise ValueError(f"Graph disconnected: cannot obtain value for tensor {kt!r} at layer "
                                 f"{node.layer.name!r}: it is not among the model's inputs "
                                 f"{[k.name for k in self.inputs]}")
            if node.id in seen:
                continue
            seen[node.id] = node
            reached.append(node.layer.name)
            stack.extend(node.input_tensors)
        return sorted(seen.values(), key=lambda n: n.id)

    def _own_nodes(self, layer: Layer) -> List[Node]:
        """The calls of ``layer`` that belong to this model's graph (a shared layer may be called elsewhere too)."""
        ids = {n.id for n in self._nodes} | {kt._node.id for kt in self.inputs}
        return [n for n in layer._inbound_nodes if n.id in ids]

    # ------------------------------------------------------------------ layers
    @property
    def layers(self) -> List[Layer]:
        """Every layer, the ``InputLayer``s first."""
        return list(self._layer_list)

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """A layer by name or by index in ``layers``."""
        if index is not None:
            if not -len(self._layer_list) <= index < len(self._layer_list):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self._layer_list)} layers.")
            return self._layer_list[index]
        for layer in self._layer_list:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in self._layer_list]}.")

    @property
    def built(self) -> bool:
        """True once the model's layers have been built (its input shape is known)."""
        return True

    @property
    def input_shape(self):
        """The model's input shape, with ``None`` for the batch dimension."""
        shapes = [(None,) + s for s in self._input_shapes]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        """The model's output shape, with ``None`` for the batch dimension."""
        shapes = [tuple(kt.shape) for kt in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_names(self) -> List[str]:
        """The names of the model's Input layers, in order."""
        return [kt._node.layer.name for kt in self.inputs]

    @property
    def output_names(self) -> List[str]:
        """The names of the layers producing the model's outputs, in order."""
        return [kt._node.layer.name for kt in self.outputs]

    # ------------------------------------------------------------------ running
    def _run(self, xs: Sequence[Tensor], logits: bool = False):
        """Replay the graph on real tensors; with ``logits``, also return the output layer's pre-activation."""
        values = {id(kt): x for kt, x in zip(self.inputs, xs)}
        last = self._nodes[-1] if self._nodes else None
        z, act = None, None
        for node in self._nodes:
            args = _substitute(node.args, lambda kt: values[id(kt)])
            kwargs = _substitute(node.kwargs, lambda kt: values[id(kt)])
            layer = node.layer
            if (logits and node is last and not node.multi_output and not kwargs and len(args) == 1
                    and isinstance(args[0], Tensor)):
                out, z, act = call_with_logits(layer, args[0])
            else:
                out = layer(*args, **kwargs)
            outs = list(out) if node.multi_output else [out]
            for kt, o in zip(node.outputs, outs):
                values[id(kt)] = o
        results = [values[id(kt)] for kt in self.outputs]
        if logits:
            if z is not None and results[0] is not values[id(last.outputs[0])]:
                z, act = None, None
            return results, z, act
        return results

    def _check_shape(self, i: int, shape) -> None:
        want = self._input_shapes[i]
        if len(want) != len(shape) or any(a is not None and a != b for a, b in zip(want, shape)):
            raise ValueError(f"Input {i} of model {self.name!r} is incompatible: expected shape "
                             f"{shape_str((None,) + want)}, found shape {shape_str((None,) + tuple(shape))}")

    def forward(self, *xs):
        """Run the model: one tensor per input (or one list of them); returns a tensor or a list."""
        if len(xs) == 1 and isinstance(xs[0], (list, tuple)):
            xs = tuple(xs[0])
        if len(xs) == 1 and isinstance(xs[0], dict):
            xs = tuple(self._from_dict(xs[0], "call"))
        if len(xs) != len(self.inputs):
            raise ValueError(f"Model {self.name!r} expects {len(self.inputs)} input(s), but it received {len(xs)} "
                             "input tensors")
        xs = [x if isinstance(x, Tensor) else from_numpy(_inputs(x, "call")) for x in xs]
        for i, x in enumerate(xs):
            self._check_shape(i, tuple(x.shape[1:]))
        outs = self._run(xs)
        return outs[0] if self._single_output and len(outs) == 1 else outs

    # ------------------------------------------------------- the training hooks
    def _from_dict(self, x: dict, where: str) -> list:
        missing = [n for n in self.input_names if n not in x]
        if missing:
            raise ValueError(f"{where}(): missing data for input(s) {missing}; the model's inputs are "
                             f"{self.input_names}")
        return [x[n] for n in self.input_names]

    def _as_inputs(self, x, where: str) -> list:
        """x as a list of arrays, one per input, checked against the input shapes."""
        if isinstance(x, dict):
            x = self._from_dict(x, where)
        if len(self.inputs) == 1:
            if isinstance(x, (list, tuple)) and len(x) == 1 and isinstance(x[0], (_np.ndarray, Tensor)):
                x = x[0]
            arrays = [_inputs(x, where)]
        else:
            if not isinstance(x, (list, tuple)) or len(x) != len(self.inputs):
                got = f"{len(x)} arrays" if isinstance(x, (list, tuple)) else "a single array"
                raise ValueError(f"{where}(): model {self.name!r} has {len(self.inputs)} inputs "
                                 f"{self.input_names}; pass x as a list of {len(self.inputs)} arrays or a dict by "
                                 f"input name, got {got}")
            arrays = [_inputs(a, where) for a in x]
        for i, a in enumerate(arrays):
            self._check_shape(i, a.shape[1:])
        if len({len(a) for a in arrays}) > 1:
            raise ValueError(f"{where}(): Data cardinality is ambiguous: x sizes: {[len(a) for a in arrays]}. "
                             "Make sure all arrays contain the same number of samples.")
        return arrays

    def _build_for(self, xs: List[_np.ndarray]) -> None:
        for i, a in enumerate(xs):
            self._check_shape(i, a.shape[1:])

    def _forward_parts(self, xts: List[Tensor]):
        outs, z, act = self._run(xts, logits=True)
        return outs[0], z, act

    def _predict_batch(self, xts: List[Tensor]) -> List[Tensor]:
        return self._run(xts)

    def _output_shapes(self) -> List[tuple]:
        return [tuple(kt.shape[1:]) for kt in self.outputs]

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        """The graph as a JSON-ready dict: each layer's config and calls (``keras.models.model_from_config``).

        >>> from tinygrad_course import keras
        >>> x = keras.Input(shape=(3,), name="x")
        >>> keras.Model(x, keras.layers.Dense(2)(x)).get_config()["input_layers"]
        [['x', 0, 0]]
        """
        def ref(kt):
            layer = kt._node.layer
            return [layer.name, self._own_nodes(layer).index(kt._node), kt._index]

        def encode(obj):
            if getattr(obj, "_is_keras_tensor", False):
                return {"__keras_tensor__": ref(obj)}
            if isinstance(obj, dict):
                return {k: encode(v) for k, v in obj.items()}
            if isinstance(obj, (list, tuple)):
                return [encode(v) for v in obj]
            return _serialize(obj, f"model {self.name!r}")

        layers = []
        for layer in self.layers:
            nodes = [] if isinstance(layer, InputLayer) else self._own_nodes(layer)
            layers.append({"class_name": type(layer).__name__, "name": layer.name, "config": layer.get_config(),
                           "inbound_nodes": [{"args": encode(list(n.args)), "kwargs": encode(n.kwargs)}
                                             for n in nodes]})
        return {"name": self.name, "layers": layers,
                "input_layers": [ref(kt) for kt in self.inputs], "output_layers": [ref(kt) for kt in self.outputs],
                "single_input": self._single_input, "single_output": self._single_output}

    # ----------------------------------------------------------------- summary
    def summary(self, line_length: int = 98, print_fn: Optional[Callable[[str], None]] = None) -> None:
        """Print Keras 2's functional table: Layer (type), Output Shape, Param #, Connected to; then totals."""
        groups = []
        for layer in self._layer_list:
            nodes = self._own_nodes(layer)
            shapes = [tuple(kt.shape) for n in nodes[:1] for kt in n.outputs]
            shape = shape_str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(shape_str(s) for s in shapes) + "]"
            sources = []
            for n in nodes:
                for kt in n.input_tensors:
                    src, node_index, tensor_index = kt._keras_history
                    sources.append(f"{src.name}[{node_index}][{tensor_index}]")
            params = layer.count_params() if layer.built else 0
            groups.append([[f"{layer.name} ({type(layer).__name__})", shape, params, sources[0] if sources else ""]]
                          + [["", "", "", s] for s in sources[1:]])
        self._print_summary(line_length, (0.33, 0.55, 0.67, 1.0), ["Layer (type)", "Output Shape", "Param #",
                                                                    "Connected to"], groups, print_fn)


def __dir__():
    return list(__all__)

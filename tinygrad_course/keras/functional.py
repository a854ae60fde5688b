"""The functional API: ``Input(shape)``, layers called on symbolic tensors, ``Model(inputs, outputs)``.

>>> a = Input(shape=(4,)); b = Input(shape=(3,))
>>> h = Dense(8, activation="relu")(Concatenate()([a, b]))
>>> model = Model(inputs=[a, b], outputs=Dense(1)(h))
>>> model.compile(loss="mse", optimizer="adam"); model.fit([xa, xb], y, epochs=2, verbose=0)

Calling a layer on a ``KerasTensor`` (what ``Input`` returns) builds the layer and records a
``Node`` (layer, its inputs, its outputs); no data flows. ``Model`` walks the nodes back from its
outputs and, when called on real tensors, replays them in creation order (a valid topological
order, since a node can only consume tensors that existed before it).
"""
import inspect
import itertools
from typing import Callable, Dict, List, Optional, Sequence

import numpy as _np

from ..autograd.dtypes import get_default_dtype
from ..autograd.factories import from_numpy, zeros
from ..autograd.grad_mode import no_grad
from ..autograd.tensor import Tensor
from ..nn.module import Module
from . import activations
from .layers.base import Layer, shape_str
from .layers.core import InputLayer
from .naming import unique_name
from .saving import SavingMixin, _set_layer_weights
from .training import TrainingMixin, _batch_size, _inputs

__all__ = ["KerasTensor", "Input", "Model"]

_node_ids = itertools.count()
# last-layer activations whose input (the logits) the losses use for a stable log
_LOGIT_ACTIVATIONS = (activations.softmax, activations.sigmoid)


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for the batch and unknown sizes) and the layer call that makes it.

    ``_keras_history = (layer, node_index, tensor_index)`` as in Keras.
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
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no truth value (it holds no data): it only describes a model's "
                        "input or a layer's output")


class Node:
    """One call of a layer in the graph: ``layer(*args, **kwargs)`` -> ``outputs`` (KerasTensors)."""

    def __init__(self, layer: Layer, args: tuple, kwargs: dict):
        self.id = next(_node_ids)
        self.layer, self.args, self.kwargs = layer, args, kwargs
        self.outputs: List[KerasTensor] = []
        self.multi_output = False
        if not hasattr(layer, "_inbound_nodes"):
            layer._inbound_nodes = []
        layer._inbound_nodes.append(self)

    @property
    def input_tensors(self) -> List[KerasTensor]:
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


# --------------------------------------------------------------------------- calling a layer symbolically
def _dummy(shape, fill: int, dtype) -> Tensor:
    return zeros(tuple(fill if d is None else d for d in shape), dtype=dtype)


def _infer_shapes(layer: Layer, args, kwargs):
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


def _check_input_compat(layer: Layer, args) -> None:
    """Keras' 'Input 0 of layer ... is incompatible' check against the shape the layer was built for."""
    if not layer.built or not args or not getattr(args[0], "_is_keras_tensor", False):
        return
    want = layer._in_shape
    if not isinstance(want, tuple):
        return
    got = tuple(args[0].shape[1:])
    if len(want) != len(got) or any(a is not None and b is not None and a != b for a, b in zip(want, got)):
        raise ValueError(f"Input 0 of layer {layer.name!r} ({type(layer).__name__}) is incompatible with the layer: "
                         f"expected shape {shape_str((None,) + tuple(want))}, found shape {shape_str((None,) + got)}")


def call_symbolic(layer: Layer, *args, **kwargs):
    """``layer(keras_tensor(s))``: build the layer for the symbolic shapes, record a Node, return KerasTensor(s)."""
    if isinstance(layer, InputLayer):
        raise TypeError(f"InputLayer {layer.name!r} cannot be called on tensors; use keras.Input(shape) instead")
    first = args[0]
    if isinstance(first, (list, tuple)) and not all(getattr(v, "_is_keras_tensor", False) for v in first):
        raise TypeError(f"Layer {layer.name!r}: a list of inputs must hold only symbolic tensors (from keras.Input "
                        f"or other layers), got {[type(v).__name__ for v in first]}")
    if not layer.built:
        if isinstance(first, (list, tuple)):
            layer.build([tuple(kt.shape[1:]) for kt in first])
        else:
            layer.build(tuple(first.shape[1:]))
    _check_input_compat(layer, args)
    shapes, multi, dtypes = _infer_shapes(layer, args, kwargs)
    node = Node(layer, args, kwargs)
    node.multi_output = multi
    name = layer.name
    node.outputs = [KerasTensor((None,) + s, dt, node, i, name if len(shapes) == 1 else f"{name}/{i}")
                    for i, (s, dt) in enumerate(zip(shapes, dtypes))]
    return list(node.outputs) if multi else node.outputs[0]


# --------------------------------------------------------------------------- Model
def _as_list(x, what: str) -> List[KerasTensor]:
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    if not items:
        raise ValueError(f"Model(): {what} must not be empty")
    for kt in items:
        if not getattr(kt, "_is_keras_tensor", False):
            raise TypeError(f"Model(): {what} must be symbolic tensors (from keras.Input and layer calls), got "
                            f"{type(kt).__name__}")
    return items


class Model(SavingMixin, TrainingMixin, Module):
    """A model from a graph of layers: ``Model(inputs, outputs)``, with Keras' training API.

    ``inputs``: one ``Input`` tensor or a list; ``outputs``: the tensor(s) computed from them.
    Multi-input models take ``x`` as a list of arrays (in ``inputs`` order) or a dict by input name
    in ``fit`` / ``evaluate`` / ``predict``. Models with several outputs predict (a list of arrays)
    but cannot be trained (one loss per output is not implemented).

    >>> inp = Input(shape=(784,))
    >>> out = Dense(10, activation="softmax")(Dense(64, activation="relu")(inp))
    >>> model = Model(inputs=inp, outputs=out)
    """

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
        self._compiled = False
        self.optimizer = None
        self.loss = None
        self.history = None
        self.stop_training = False
        self._packed = None  # per-input shapes while fit/evaluate pass several inputs as one array
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
                    and isinstance(args[0], Tensor) and layer.final_activation in _LOGIT_ACTIVATIONS):
                act = layer.final_activation
                z = layer.pre_activation(args[0])
                out = act(z)
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

    def _split(self, x: Tensor) -> List[Tensor]:
        """The per-input tensors of a packed (N, sum of sizes) batch."""
        out, start = [], 0
        for shape in self._packed:
            size = int(_np.prod(shape, dtype=_np.int64))
            out.append(x[:, start:start + size].reshape((x.shape[0],) + tuple(shape)))
            start += size
        return out

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
    def _ensure_built(self, shape) -> None:
        shape = tuple(shape)
        if self._packed is not None:
            want = (sum(int(_np.prod(s, dtype=_np.int64)) for s in self._packed),)
            if shape != want:
                raise ValueError(f"Inputs of model {self.name!r}: packed width {shape} differs from {want}")
            return
        if len(self.inputs) != 1:
            raise ValueError(f"Model {self.name!r} has {len(self.inputs)} inputs: pass x as a list of "
                             f"{len(self.inputs)} arrays (or a dict by input name)")
        self._check_shape(0, shape)

    def _forward_parts(self, x: Tensor):
        self._ensure_built(tuple(x.shape[1:]))
        xs = self._split(x) if self._packed is not None else [x]
        outs, z, act = self._run(xs, logits=True)
        return outs[0], z, act

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

    def _pack(self, x, where: str):
        """One (N, sum of sizes) array for several inputs, so the shared loop batches and shuffles them together."""
        arrays = self._as_inputs(x, where)
        if len(arrays) == 1:
            return arrays[0], None
        shapes = [tuple(a.shape[1:]) for a in arrays]
        return _np.concatenate([a.reshape(len(a), -1) for a in arrays], axis=1), shapes

    def _check_single_output(self, where: str) -> None:
        if len(self.outputs) != 1:
            raise ValueError(f"{where}(): model {self.name!r} has {len(self.outputs)} outputs; training and "
                             "evaluating multi-output models is not supported (predict() works)")

    def _with_packed(self, method, where: str, x, bound_args: dict):
        self._check_single_output(where)
        packed, shapes = self._pack(x, where)
        val = bound_args.get("validation_data")
        if val is not None and isinstance(val, (tuple, list)) and len(val) in (2, 3):
            packed_val, val_shapes = self._pack(val[0], where)
            if val_shapes != shapes:
                raise ValueError(f"{where}(): validation inputs have shapes {val_shapes}, training inputs {shapes}")
            bound_args["validation_data"] = (packed_val,) + tuple(val[1:])
        old = self._packed
        self._packed = shapes
        try:
            return method(packed, **bound_args)
        finally:
            self._packed = old

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras' ``fit`` (see ``TrainingMixin.fit``); ``x`` a list of arrays (or dict) for several inputs."""
        bound = inspect.signature(TrainingMixin.fit).bind(self, x, y, *args, **kwargs).arguments
        bound.pop("self")
        bound.pop("x")
        return self._with_packed(lambda px, **kw: TrainingMixin.fit(self, px, **kw), "fit", x, bound)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """Keras' ``evaluate``; ``x`` a list of arrays (or dict) for several inputs."""
        bound = inspect.signature(TrainingMixin.evaluate).bind(self, x, y, *args, **kwargs).arguments
        bound.pop("self")
        bound.pop("x")
        return self._with_packed(lambda px, **kw: TrainingMixin.evaluate(self, px, **kw), "evaluate", x, bound)

    def train_on_batch(self, x, y):
        """One optimizer step on (x, y); returns the batch loss (and metrics)."""
        return self._with_packed(lambda px, **kw: TrainingMixin.train_on_batch(self, px, **kw), "train_on_batch",
                                 x, {"y": y})

    def test_on_batch(self, x, y):
        """Loss (and metrics) on one batch, inference mode."""
        n = len(self._as_inputs(x, "test_on_batch")[0])
        return self.evaluate(x, y, batch_size=max(n, 1), verbose=0)

    def predict(self, x, batch_size: Optional[int] = None, verbose=0):
        """The outputs for ``x`` (inference mode, batch by batch): an array, or a list for several outputs."""
        bs = _batch_size(batch_size, "predict")
        arrays = self._as_inputs(x, "predict")
        n = len(arrays[0])
        was_training = self.training
        self.eval()
        outs: List[List[_np.ndarray]] = [[] for _ in self.outputs]
        try:
            with no_grad():
                for start in range(0, n, bs):
                    res = self._run([from_numpy(a[start:start + bs]) for a in arrays])
                    for k, r in enumerate(res):
                        outs[k].append(r.numpy())
        finally:
            self.train(was_training)
        result = [_np.concatenate(o) if o else _np.zeros((0,) + tuple(1 if d is None else d for d in kt.shape[1:]),
                                                          dtype=arrays[0].dtype)
                  for o, kt in zip(outs, self.outputs)]
        return result[0] if len(result) == 1 else result

    def predict_on_batch(self, x):
        """Outputs for one batch, inference mode."""
        return self.predict(x, batch_size=max(len(self._as_inputs(x, "predict_on_batch")[0]), 1))

    # ----------------------------------------------------------------- weights
    @property
    def weights(self) -> List[Tensor]:
        """All the layers' weights (trainable first), as Keras lists them."""
        return [w for layer in self._layer_list for w in layer.weights]

    @property
    def trainable_weights(self) -> List[Tensor]:
        """The weights the optimizer updates."""
        return [w for layer in self._layer_list for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> List[Tensor]:
        """The weights that are not trained (frozen layers, batch-norm statistics)."""
        return [w for layer in self._layer_list for w in layer.non_trainable_weights]

    def get_weights(self) -> List[_np.ndarray]:
        """Every layer's weights (Keras order and layout) as NumPy copies."""
        return [w for layer in self._layer_list for w in layer.get_weights()]

    def set_weights(self, weights: Sequence) -> None:
        """Load a ``get_weights()`` list; all shapes are checked before anything is copied."""
        _set_layer_weights(self._layer_list, list(weights), f"Model.set_weights() ({self.name!r})")

    def count_params(self) -> int:
        """Number of scalars in all weights (trainable or not)."""
        return sum(layer.count_params() for layer in self._layer_list)

    # ----------------------------------------------------------------- summary
    def summary(self, line_length: int = 98, print_fn: Optional[Callable[[str], None]] = None) -> None:
        """Print Keras 2's functional table: Layer (type), Output Shape, Param #, Connected to; then totals."""
        print_fn = print_fn or print
        cols = [int(line_length * p) for p in (0.33, 0.55, 0.67, 1.0)]

        def row(fields):
            line = ""
            for field, end in zip(fields, cols):
                line += str(field)
                line = line.ljust(end) if len(line) < end else line + " "
            return line.rstrip()

        lines = [f'Model: "{self.name}"', "_" * line_length,
                 row(["Layer (type)", "Output Shape", "Param #", "Connected to"]), "=" * line_length]
        node_ids = {n.id for n in self._nodes} | {kt._node.id for kt in self.inputs}
        for i, layer in enumerate(self._layer_list):
            nodes = [n for n in layer._inbound_nodes if n.id in node_ids]
            shapes = [tuple(kt.shape) for n in nodes[:1] for kt in n.outputs]
            shape = shape_str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(shape_str(s) for s in shapes) + "]"
            sources = []
            for n in nodes:
                for kt in n.input_tensors:
                    src, node_index, tensor_index = kt._keras_history
                    sources.append(f"{src.name}[{node_index}][{tensor_index}]")
            params = layer.count_params() if layer.built else 0
            lines.append(row([f"{layer.name} ({type(layer).__name__})", shape, params, sources[0] if sources else ""]))
            for s in sources[1:]:
                lines.append(row(["", "", "", s]))
            lines.append("=" * line_length if i == len(self._layer_list) - 1 else "_" * line_length)
        trainable = sum(int(_np.prod(w.shape)) for w in self.trainable_weights)
        total = self.count_params()
        lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
                  f"Non-trainable params: {total - trainable:,}", "_" * line_length]
        for line in lines:
            print_fn(line)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def __dir__():
    return list(__all__)

"""``to_categorical``, ``normalize``, ``plot_model`` and ``model_to_dot``, as in ``keras.utils``."""
import os
from typing import Optional

import numpy as np

from ..autograd.tensor import Tensor
from . import activations
from .functional import Model
from .layers.base import shape_str
from .layers.core import InputLayer
from .sequential import Sequential

__all__ = ["to_categorical", "normalize", "plot_model", "model_to_dot"]


def to_categorical(y, num_classes: Optional[int] = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode class indices: shape ``y.shape + (num_classes,)`` (a trailing axis of 1 is dropped).

    >>> to_categorical([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y.detach().numpy() if isinstance(y, Tensor) else y)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("to_categorical: class labels must be integers, got non-integer values such as "
                             f"{y[~np.isfinite(y) | (y != np.round(y))].ravel()[:3].tolist()}")
    elif y.dtype.kind not in "biu":
        raise ValueError(f"to_categorical: class labels must be integers, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"to_categorical: num_classes must be a positive integer, got {num_classes!r}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = int(y.min()) if y.min() < 0 else int(y.max())
        raise ValueError(f"to_categorical: label {bad} is outside the valid range [0, {num_classes}) "
                         f"for num_classes={num_classes}")
    out = np.zeros(y.shape + (int(num_classes),), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """x / ||x||_order along ``axis`` (zero vectors stay zero)."""
    x = np.asarray(x.detach().numpy() if isinstance(x, Tensor) else x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def _record(text: str) -> str:
    """Escape the characters Graphviz record labels treat as structure."""
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text


def _shape_text(shapes) -> str:
    if isinstance(shapes, list):
        return "[" + ", ".join(shape_str(s) for s in shapes) + "]" if len(shapes) != 1 else shape_str(shapes[0])
    return shape_str(shapes)


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 96, subgraph: bool = False,
                 show_layer_activations: bool = False):
    """A ``graphviz.Digraph`` of the model: one record node per layer, an edge per connection.

    With ``show_shapes`` each node shows its input and output shapes, as Keras 2's.

    >>> print(model_to_dot(model, show_shapes=True).source)
    """
    import graphviz  # optional: only model_to_dot needs it

    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR', got {rankdir!r}")
    dot = graphviz.Digraph(name=model.name, graph_attr={"rankdir": rankdir, "concentrate": "true", "dpi": str(dpi)},
                           node_attr={"shape": "record"})

    def label(layer, name, cls, in_shapes, out_shapes, dtype=None):
        text = f"{name}: {cls}" if show_layer_names else cls
        act = getattr(layer, "activation", None) if layer is not None else None
        if show_layer_activations and callable(act):
            text += f" | {activations.serialize(act)}"
        if show_dtype and dtype:
            text += f" | {dtype}"
        text = _record(text) if not show_layer_activations and not show_dtype else text
        if show_shapes:
            return (f"{text}\\n|{{input:|output:}}|{{{{{_record(_shape_text(in_shapes))}}}|"
                    f"{{{_record(_shape_text(out_shapes))}}}}}")
        return text

    if isinstance(model, Sequential):
        if not model.built:
            raise ValueError("model_to_dot: the Sequential model is not built; give an input_shape or call build()")
        layers = model.layers
        prev = None
        if model._input_shape is not None:  # Keras 2 draws the implicit input layer of a Sequential
            prev = f"{layers[0].name}_input"
            shape = (None,) + tuple(model._input_shape)
            dot.node(prev, label(None, prev, "InputLayer", shape, shape))
        for layer in layers:
            dot.node(layer.name, label(layer, layer.name, type(layer).__name__, layer.input_shape,
                                       layer.output_shape))
            if prev is not None:
                dot.edge(prev, layer.name)
            prev = layer.name
        return dot
    if not isinstance(model, Model):
        raise TypeError(f"model_to_dot: expected a keras Sequential or Model, got {type(model).__name__}")
    for layer in model.layers:
        nodes = model._own_nodes(layer)
        outs = [tuple(kt.shape) for kt in nodes[0].outputs]
        ins = [tuple(kt.shape) for kt in nodes[0].input_tensors] or outs
        dtype = nodes[0].outputs[0].dtype
        dot.node(layer.name, label(layer, layer.name, type(layer).__name__, ins if len(ins) > 1 else ins[0],
                                   outs if len(outs) > 1 else outs[0], dtype))
        if isinstance(layer, InputLayer):
            continue
        for n in nodes:
            for kt in n.input_tensors:
                dot.edge(kt._node.layer.name, layer.name)
    return dot


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 96,
               show_layer_activations: bool = False) -> None:
    """Draw the model with Graphviz into ``to_file`` (format from its extension: png, svg, pdf...).

    Needs Graphviz's ``dot`` program; without it a ``RuntimeError`` says how to install it
    (``model_to_dot(model).source`` still gives the DOT text).

    >>> plot_model(model, to_file="model.png", show_shapes=True)
    """
    from ..viz.render import render  # the drawing stack loads only for plot_model

    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations)
    fmt = os.path.splitext(os.fspath(to_file))[1][1:].lower() or "png"
    try:
        render(dot, to_file, format=fmt)
    except RuntimeError as e:
        raise RuntimeError(f"plot_model(to_file={os.fspath(to_file)!r}): {e}") from e


def __dir__():
    return list(__all__)

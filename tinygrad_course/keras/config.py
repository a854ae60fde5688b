"""A Keras model's architecture as JSON (``get_config``, ``to_json``, ``model_from_config``,
``model_from_json``): the half of ``saving`` that holds no weights."""
import inspect as _inspect
import json as _json
from typing import Dict, Optional

import numpy as _np


_SKIP_PARAMS = {"self", "name", "input_shape", "trainable"}  # input_dim: only layers storing it (Embedding)


def _serialize(value, who: str):
    """A JSON-ready value: activations and initializers by Keras name, tuples as lists."""
    from . import activations, initializers

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, _np.integer, _np.floating)):
        return value.item() if isinstance(value, (_np.integer, _np.floating)) else value
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
    """A layer's constructor arguments read from its attributes (see ``Layer.get_config``)."""
    from .layers.core import InputLayer

    who = f"get_config() of layer {layer.name!r}"
    if isinstance(layer, InputLayer):
        return {"name": layer.name, "shape": _serialize(layer._in_shape, who),
                "dtype": getattr(layer, "dtype", None)}
    config = {"name": layer.name, "trainable": layer.trainable}
    if layer._input_shape_arg is not None:
        config["batch_input_shape"] = [None] + _serialize(layer._input_shape_arg, who)
    for pname, p in _inspect.signature(type(layer).__init__).parameters.items():
        if pname in _SKIP_PARAMS or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or pname in config:
            continue
        if pname in layer.__dict__ or hasattr(type(layer), pname) and not callable(getattr(type(layer), pname)):
            config[pname] = _serialize(getattr(layer, pname), who)
    return config


def _layer_classes(custom_objects: Optional[dict]) -> Dict[str, type]:
    from . import layers as _layers
    from .layers.base import Layer

    classes = {n: getattr(_layers, n) for n in _layers.__all__
               if isinstance(getattr(_layers, n), type) and issubclass(getattr(_layers, n), Layer)}
    classes.update({k: v for k, v in (custom_objects or {}).items() if isinstance(v, type)})
    return classes


def _resolve(value, custom_objects: Optional[dict]):
    """Strings naming a custom object become that object (nested lists included)."""
    if not custom_objects:
        return value
    if isinstance(value, str) and value in custom_objects:
        return custom_objects[value]
    if isinstance(value, list):
        return [_resolve(v, custom_objects) for v in value]
    return value


def _layer_from_config(entry: dict, custom_objects: Optional[dict]):
    class_name = entry["class_name"]
    cls = _layer_classes(custom_objects).get(class_name)
    if cls is None:
        raise ValueError(f"Unknown layer: {class_name!r}. Please ensure this object is passed to the "
                         "`custom_objects` argument.")
    config = {k: _resolve(v, custom_objects) for k, v in entry["config"].items()}
    return cls.from_config(config)


def model_config(model) -> dict:
    """``{"class_name": ..., "config": ...}`` for a Sequential or functional model (no weights)."""
    from .functional import Model
    from .models import Sequential

    if isinstance(model, Sequential):
        layers = [{"class_name": type(l).__name__, "config": l.get_config()} for l in model.layers]
        shape = None if model._input_shape is None else [None] + _serialize(model._input_shape, "Sequential")
        return {"class_name": "Sequential", "config": {"name": model.name, "layers": layers,
                                                      "build_input_shape": shape}}
    if not isinstance(model, Model):
        raise TypeError(f"cannot serialize a {type(model).__name__}: only Sequential and functional Model are supported")
    node_ids = {n.id for n in model._nodes} | {kt._node.id for kt in model.inputs}

    def local_nodes(layer):
        return [n for n in layer._inbound_nodes if n.id in node_ids]

    def ref(kt):
        layer = kt._node.layer
        return [layer.name, local_nodes(layer).index(kt._node), kt._index]

    def encode(obj):
        if getattr(obj, "_is_keras_tensor", False):
            return {"__keras_tensor__": ref(obj)}
        if isinstance(obj, dict):
            return {k: encode(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [encode(v) for v in obj]
        return _serialize(obj, f"model {model.name!r}")

    layers = []
    for layer in model.layers:
        nodes = [] if type(layer).__name__ == "InputLayer" else local_nodes(layer)
        layers.append({"class_name": type(layer).__name__, "name": layer.name, "config": layer.get_config(),
                       "inbound_nodes": [{"args": encode(list(n.args)), "kwargs": encode(n.kwargs)} for n in nodes]})
    return {"class_name": "Model", "config": {
        "name": model.name, "layers": layers,
        "input_layers": [ref(kt) for kt in model.inputs], "output_layers": [ref(kt) for kt in model.outputs],
        "single_input": model._single_input, "single_output": model._single_output}}


def model_from_config(config: dict, custom_objects: Optional[dict] = None):
    """A new (uncompiled, freshly initialised) model from ``model.get_config()``-style ``{"class_name", "config"}``.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
    >>> models.model_from_config({'class_name': 'Sequential', 'config': model.get_config()}).output_shape
    (None, 2)
    """
    from .functional import Input, Model
    from .models import Sequential

    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError("model_from_config: expected a dict with 'class_name' and 'config'")
    kind, cfg = config["class_name"], config["config"]
    if kind == "Sequential":
        model = Sequential(name=cfg.get("name"))
        for entry in cfg["layers"]:
            model.add(_layer_from_config(entry, custom_objects))
        if cfg.get("build_input_shape") is not None and not model.built:
            model.build(tuple(cfg["build_input_shape"]))
        return model
    if kind not in ("Model", "Functional"):
        raise ValueError(f"model_from_config: unknown model class {kind!r} (Sequential or Model)")
    tensors: Dict[tuple, object] = {}
    layers, pending = {}, []
    for entry in cfg["layers"]:
        if entry["class_name"] == "InputLayer":
            c = entry["config"]
            tensors[(entry["name"], 0, 0)] = Input(shape=tuple(c["shape"]), name=c.get("name", entry["name"]),
                                                   dtype=c.get("dtype"))
            continue
        layers[entry["name"]] = _layer_from_config(entry, custom_objects)
        pending += [(entry["name"], k, node) for k, node in enumerate(entry["inbound_nodes"])]
    done = {name: 0 for name in layers}

    def refs(obj):
        if isinstance(obj, dict):
            if "__keras_tensor__" in obj:
                return [tuple(obj["__keras_tensor__"])]
            return [r for v in obj.values() for r in refs(v)]
        if isinstance(obj, list):
            return [r for v in obj for r in refs(v)]
        return []

    def decode(obj):
        if isinstance(obj, dict):
            if "__keras_tensor__" in obj:
                return tensors[tuple(obj["__keras_tensor__"])]
            return {k: decode(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [decode(v) for v in obj]
        return obj

    while pending:  # a shared layer's later call may need layers listed after it: repeat until done
        progress = False
        for item in list(pending):
            name, k, node = item
            if done[name] != k or not all(r in tensors for r in refs(node)):
                continue
            out = layers[name](*decode(node["args"]), **decode(node["kwargs"]))
            for i, o in enumerate(out if isinstance(out, list) else [out]):
                tensors[(name, k, i)] = o
            done[name] += 1
            pending.remove(item)
            progress = True
        if not progress:
            raise ValueError(f"model_from_config: the layer graph cannot be rebuilt (unresolved calls of "
                             f"{sorted({p[0] for p in pending})})")
    inputs = [tensors[tuple(r)] for r in cfg["input_layers"]]
    outputs = [tensors[tuple(r)] for r in cfg["output_layers"]]
    return Model(inputs=inputs[0] if cfg.get("single_input") and len(inputs) == 1 else inputs,
                 outputs=outputs[0] if cfg.get("single_output") and len(outputs) == 1 else outputs, name=cfg.get("name"))


def model_from_json(json_string: str, custom_objects: Optional[dict] = None):
    """A new model from ``model.to_json()``.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
    >>> models.model_from_json(model.to_json()).output_shape
    (None, 2)
    """
    try:
        config = _json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError(f"model_from_json: not a JSON model description: {e}") from None
    return model_from_config(config, custom_objects)

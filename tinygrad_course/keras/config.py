"""A Keras model rebuilt from its architecture: ``model_from_config``, ``model_from_json``.

The other direction is each model's ``get_config()`` (``to_json()``); a layer's own config is
``Layer.get_config`` / ``from_config``. Nothing here holds weights (see ``saving.load_model``).

>>> same_architecture = model_from_json(model.to_json())
"""
import json as _json
from typing import Dict, Optional

from . import layers as _layers
from .functional import Model
from .layers.base import Layer
from .layers.core import Input
from .sequential import Sequential

__all__ = ["model_from_config", "model_from_json"]


def _layer_classes(custom_objects: Optional[dict]) -> Dict[str, type]:
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


def model_from_config(config: dict, custom_objects: Optional[dict] = None):
    """A new (uncompiled, freshly initialised) model from ``model.get_config()``-style ``{"class_name", "config"}``.

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
    >>> models.model_from_config({'class_name': 'Sequential', 'config': model.get_config()}).output_shape
    (None, 2)
    """
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


def __dir__():
    return list(__all__)

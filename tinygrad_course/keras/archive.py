"""The model file format: ``save_model``, ``model.save_weights`` / ``load_weights``; no pickle.

A file is a zip archive (written atomically, so never half-written) holding

- ``metadata.json``: ``{"format": "tinygrad_course.keras", "format_version": 1, "content": "model" | "weights"}``
- ``config.json`` (models only): the architecture (``model.get_config()``) and the compile settings
- ``weights.json``: one entry per layer with weights: its name, class and each array's file, shape, dtype
- ``weights/<layer>_<k>.npy``: the arrays in Keras' layout (``layer.get_weights()``)
- ``optimizer.json`` + ``optimizer/<k>.npy`` (models saved with ``include_optimizer=True``): the
  optimizer's class, config, iteration count and the state of the underlying ``tc.optim`` optimizer.

Reading never unpickles (``allow_pickle=False``), checks every array's declared shape and dtype
against the model *before* reading it, and turns any damaged, truncated or foreign file into a
``ValueError`` naming the file (a missing file stays ``FileNotFoundError``). Rebuilding a whole
model from a file (``load_model``) needs the model classes: it is in ``saving.py``, above them.

>>> model.save("m.keras")
>>> model.save_weights("w.weights.npz"); model.load_weights("w.weights.npz")
"""
import io as _io
import json as _json
import os as _os
import re as _re
import warnings as _warnings
import zipfile as _zipfile
import zlib as _zlib
from typing import Callable, Optional

import numpy as _np

from ..autograd.tensor import Tensor as _Tensor
from ..utils.atomic import atomic_write as _atomic_write
from . import losses, optimizers

__all__ = ["save_model", "model_config", "SavingMixin"]

FORMAT = "tinygrad_course.keras"
FORMAT_VERSION = 1
_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
_MAX_JSON = 64 << 20  # a JSON entry larger than this is not one of ours


# =========================================================================== weights in and out
def _layers_with_weights(model) -> list:
    return [l for l in model.layers if l._keras_weights()]


def _keras_shape(t, perm) -> tuple:
    return tuple(t.shape[i] for i in perm) if perm else tuple(t.shape)


def _set_layer_weights(layers, weights: list, error: Callable[..., str]) -> None:
    """Set a flat ``get_weights()`` list on ``layers``; every shape is checked before anything is copied.

    ``error(want, got)`` is the message for a wrong count, ``error(want, got, layer)`` for a wrong shape.
    """
    counts = [len(l._keras_weights()) for l in layers]
    if len(weights) != sum(counts):
        raise ValueError(error(sum(counts), len(weights)))
    chunks, i = [], 0
    for layer, n in zip(layers, counts):
        chunk = weights[i:i + n]
        i += n
        for (t, p, _), w in zip(layer._keras_weights(), chunk):
            got = tuple(_np.shape(w.detach().numpy() if isinstance(w, _Tensor) else w))
            if got != _keras_shape(t, p):
                raise ValueError(error(_keras_shape(t, p), got, layer))
        chunks.append(chunk)
    for layer, chunk in zip(layers, chunks):
        if chunk:
            layer.set_weights(chunk)


def weights_error(who: str) -> Callable[..., str]:
    """The ``error`` of ``_set_layer_weights`` whose messages start with ``who``.

    >>> weights_error("load_weights()")(4, 3)
    'load_weights(): the model expects 4 weights, but the given list has 3'
    """
    def error(want, got, layer=None) -> str:
        if layer is None:
            return f"{who}: the model expects {want} weights, but the given list has {got}"
        return f"{who}: layer {layer.name!r} weight shape {want} is not compatible with provided weight shape {got}."
    return error


def model_config(model) -> dict:
    """``{"class_name": ..., "config": model.get_config()}`` for a Sequential or functional model (no weights).

    >>> from tinygrad_course.keras import layers, models
    >>> model_config(models.Sequential([layers.Dense(2, input_shape=(3,))]))["class_name"]
    'Sequential'
    """
    class_name = getattr(type(model), "_config_class_name", None)
    if class_name is None:
        raise TypeError(f"cannot serialize a {type(model).__name__}: only Sequential and functional Model are supported")
    return {"class_name": class_name, "config": model.get_config()}


def _npy_bytes(arr: _np.ndarray) -> bytes:
    buf = _io.BytesIO()
    _np.lib.format.write_array(buf, _np.asarray(arr, order="C"), allow_pickle=False)  # keeps 0-d arrays 0-d
    return buf.getvalue()


def _jsonable(v):
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (_np.integer, _np.floating, _np.bool_)):
        return v.item()
    return v


def _optimizer_entries(model, arrays: dict) -> Optional[dict]:
    """The optimizer's JSON description; its state buffers go into ``arrays``. None when not saveable."""
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    if isinstance(opt, optimizers._Wrapped) or not isinstance(opt, optimizers.Optimizer):
        _warnings.warn(f"save(): the optimizer {type(opt).__name__} is a ready tc.optim optimizer, not a Keras one; "
                       "its state is not saved (the loaded model is compiled without it)", stacklevel=3)
        return None
    config = _jsonable(opt.get_config())
    for k in ("clipnorm", "clipvalue", "global_clipnorm"):
        if getattr(opt, k, None) is not None:
            config[k] = float(getattr(opt, k))
    entry = {"class_name": type(opt).__name__, "config": config, "iterations": int(opt.iterations),
             "state": None, "param_groups": None, "scheduler": None}
    if opt.torch_optimizer is not None:
        sd = opt.torch_optimizer.state_dict()
        state = {}
        for idx, st in sd["state"].items():
            packed = {}
            for key, v in st.items():
                if isinstance(v, (_Tensor, _np.ndarray)):
                    arr = v.detach().numpy() if isinstance(v, _Tensor) else v
                    name = f"optimizer/{len(arrays):05d}.npy"
                    arrays[name] = arr
                    packed[key] = {"file": name, "shape": list(arr.shape), "dtype": arr.dtype.name}
                else:
                    packed[key] = {"value": _jsonable(v)}
            state[str(idx)] = packed
        entry["state"] = state
        entry["param_groups"] = _jsonable(sd["param_groups"])
        if opt.scheduler is not None:
            entry["scheduler"] = _jsonable(opt.scheduler.state_dict())
    return entry


def _compile_config(model) -> Optional[dict]:
    if not getattr(model, "_compiled", False):
        return None
    loss = model.loss
    metrics = model._metric_ids
    if metrics is not None and not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return {"loss": getattr(loss, "name", None), "from_logits": bool(getattr(loss, "from_logits", False)),
            "metrics": None if metrics is None else [m if isinstance(m, str) else getattr(m, "__name__", str(m))
                                                     for m in metrics]}


def _write_archive(filepath, content: str, weights_of, config=None, optimizer=None, arrays=None) -> str:
    arrays = dict(arrays or {})
    manifest = []
    for li, layer in enumerate(weights_of):
        entries = []
        for k, w in enumerate(layer.get_weights()):
            name = f"weights/{li:04d}_{k}.npy"
            arrays[name] = w
            entries.append({"file": name, "shape": list(w.shape), "dtype": w.dtype.name})
        manifest.append({"name": layer.name, "class_name": type(layer).__name__, "weights": entries})
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "content": content}

    def write(f):
        with _zipfile.ZipFile(f, "w", compression=_zipfile.ZIP_STORED) as zf:
            zf.writestr("metadata.json", _json.dumps(meta))
            if config is not None:
                zf.writestr("config.json", _json.dumps(config))
            zf.writestr("weights.json", _json.dumps({"layers": manifest}))
            if optimizer is not None:
                zf.writestr("optimizer.json", _json.dumps(optimizer))
            for name, arr in arrays.items():
                zf.writestr(name, _npy_bytes(arr))

    return _atomic_write(filepath, write)


def _check_overwrite(filepath, overwrite: bool, who: str) -> None:
    if not overwrite and _os.path.exists(filepath):
        raise FileExistsError(f"{who}: {_os.fspath(filepath)!r} exists and overwrite=False")


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True, **kwargs) -> None:
    """Write the architecture, the weights and (``include_optimizer``) the optimizer state to ``filepath``.

    Keras' ``save_format`` (``'h5'``, ``'tf'``, ``'keras'``) is accepted and ignored: the file is
    always our zip format, whatever its extension.

    >>> save_model(model, "m.keras")
    """
    unknown = sorted(set(kwargs) - {"save_format", "signatures", "options", "save_traces"})
    if unknown:
        raise TypeError(f"save(): unexpected keyword argument(s) {', '.join(unknown)}")
    _check_overwrite(filepath, overwrite, "save()")
    config = {"model": model_config(model), "compile": _compile_config(model)}
    arrays: dict = {}
    optimizer = _optimizer_entries(model, arrays) if include_optimizer and config["compile"] else None
    _write_archive(filepath, "model", _layers_with_weights(model), config=config, optimizer=optimizer, arrays=arrays)


# --------------------------------------------------------------------------- reading
class _Archive:
    """A zip file opened for reading, every failure turned into a ValueError naming the file."""

    def __init__(self, filepath, who: str):
        self.path, self.who = _os.fspath(filepath), who
        if not _os.path.exists(self.path):
            raise FileNotFoundError(2, f"{who}: no such file: {self.path!r}", self.path)
        if _os.path.isdir(self.path):
            raise ValueError(f"{who}: {self.path!r} is a folder, not a model or weights file")
        try:
            self.zf = _zipfile.ZipFile(self.path)
        except (_zipfile.BadZipFile, _zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
            raise self.error(f"not a zip archive, or a truncated one ({e})") from None
        self.names = set(self.zf.namelist())

    def error(self, what: str) -> ValueError:
        return ValueError(f"{self.who}: {self.path!r} is not a valid tinygrad_course Keras file: {what}")

    def close(self) -> None:
        self.zf.close()

    def read(self, name: str, limit: int) -> bytes:
        if name not in self.names:
            raise self.error(f"the entry {name!r} is missing")
        info = self.zf.getinfo(name)
        if info.file_size > limit:
            raise self.error(f"the entry {name!r} claims {info.file_size} bytes, more than the {limit} expected")
        try:
            return self.zf.read(name)
        except (_zipfile.BadZipFile, _zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as e:
            raise self.error(f"the entry {name!r} is damaged ({e})") from None

    def json(self, name: str):
        try:
            return _json.loads(self.read(name, _MAX_JSON).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            if isinstance(e, ValueError) and str(e).startswith(self.who):
                raise
            raise self.error(f"the entry {name!r} is not valid JSON ({e})") from None

    def array(self, name: str, shape, dtype: str) -> _np.ndarray:
        """The array ``name``, which must have ``shape`` and ``dtype`` (checked before and after reading)."""
        nbytes = int(_np.prod(shape, dtype=_np.int64)) * _np.dtype(dtype).itemsize
        data = self.read(name, nbytes + 4096)  # .npy header: at most a few hundred bytes
        try:
            arr = _np.lib.format.read_array(_io.BytesIO(data), allow_pickle=False)
        except (ValueError, EOFError, OSError, TypeError) as e:
            raise self.error(f"the array {name!r} is damaged ({e})") from None
        if tuple(arr.shape) != tuple(shape) or arr.dtype.name != dtype:
            raise self.error(f"the array {name!r} has shape {arr.shape} and dtype {arr.dtype}, but its manifest "
                             f"says {tuple(shape)} {dtype}")
        return arr


def _check_entry(arc: _Archive, entry) -> tuple:
    """(file, shape, dtype) of a manifest entry, validated."""
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise arc.error(f"malformed array entry {entry!r}")
    shape, dtype = entry.get("shape"), entry.get("dtype")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2 ** 40
                                               for d in shape) or dtype not in _DTYPES:
        raise arc.error(f"malformed array entry {entry!r}")
    return entry["file"], tuple(shape), dtype


def _open(filepath, who: str, content: Optional[str] = None) -> _Archive:
    arc = _Archive(filepath, who)
    try:
        legacy = arc.names and all(_re.fullmatch(r"arr_\d+\.npy", n) for n in arc.names)
        if legacy:  # the plain .npz of earlier save_weights versions
            arc.meta = {"content": "legacy"}
            return arc
        if "metadata.json" not in arc.names:
            raise arc.error("no metadata.json (a zip archive, but not one this library wrote)")
        meta = arc.json("metadata.json")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise arc.error(f"unknown format {meta.get('format') if isinstance(meta, dict) else meta!r}")
        if not isinstance(meta.get("format_version"), int) or meta["format_version"] > FORMAT_VERSION:
            raise arc.error(f"format version {meta.get('format_version')!r} is newer than this library's "
                            f"({FORMAT_VERSION})")
        if content is not None and meta.get("content") != content:
            raise arc.error(f"it holds {meta.get('content')!r}, not a whole model: use model.load_weights()")
        arc.meta = meta
        return arc
    except BaseException:
        arc.close()
        raise


def _read_weights(arc: _Archive, model, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Load the archive's weights into ``model`` (layer by layer in order, or by name)."""
    who = f"{arc.who}: {arc.path!r}"
    targets = _layers_with_weights(model)
    if arc.meta.get("content") == "legacy":
        n = len(arc.names)
        own = [(l, t, p) for l in targets for t, p, _ in l._keras_weights()]
        if n != len(own):
            raise ValueError(f"{who} holds {n} arrays but model {model.name!r} has {len(own)} weights")
        weights = []
        for i, (layer, t, p) in enumerate(own):
            shape = _keras_shape(t, p)
            name = f"arr_{i}.npy"
            info = arc.zf.getinfo(name)
            if info.file_size > int(_np.prod(shape, dtype=_np.int64)) * 8 + 4096:
                raise arc.error(f"{name!r} is larger than layer {layer.name!r}'s weight {shape}")
            try:
                arr = _np.lib.format.read_array(_io.BytesIO(arc.read(name, info.file_size)), allow_pickle=False)
            except (ValueError, EOFError, OSError, TypeError) as e:
                raise arc.error(f"the array {name!r} is damaged ({e})") from None
            weights.append(arr)
        _set_layer_weights(targets, weights, weights_error(who))
        return
    manifest = arc.json("weights.json")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("layers"), list):
        raise arc.error("weights.json has no 'layers' list")
    saved = manifest["layers"]
    for s in saved:
        if not isinstance(s, dict) or not isinstance(s.get("weights"), list) or not isinstance(s.get("name"), str):
            raise arc.error(f"malformed layer entry in weights.json: {s!r}"[:300])
    if by_name:
        by = {s["name"]: s for s in saved}
        pairs = [(l, by[l.name]) for l in targets if l.name in by]
    else:
        if len(saved) != len(targets):
            raise ValueError(f"{who}: you are trying to load a weight file containing {len(saved)} layers into a "
                             f"model with {len(targets)} layers (model {model.name!r})")
        pairs = list(zip(targets, saved))
    staged = []
    for layer, s in pairs:
        own = layer._keras_weights()
        entries = [_check_entry(arc, e) for e in s["weights"]]
        shapes_ok = len(entries) == len(own) and all(shape == _keras_shape(t, p)
                                                     for (t, p, _), (_, shape, _) in zip(own, entries))
        if not shapes_ok:
            if by_name and skip_mismatch:
                _warnings.warn(f"load_weights(): skipping layer {layer.name!r}: weight shapes differ", stacklevel=3)
                continue
            raise ValueError(f"{who}: layer {layer.name!r} ({type(layer).__name__}) expects weights of shapes "
                             f"{[_keras_shape(t, p) for t, p, _ in own]}, the file holds "
                             f"{[shape for _, shape, _ in entries]} (saved layer {s['name']!r})")
        staged.append((layer, [arc.array(f, shape, dt) for f, shape, dt in entries]))
    for layer, ws in staged:
        layer.set_weights(ws)


def _make_optimizer(entry: dict, custom_objects: Optional[dict]):
    cls = (custom_objects or {}).get(entry["class_name"]) or getattr(optimizers, entry["class_name"], None)
    if not (isinstance(cls, type) and issubclass(cls, optimizers.Optimizer)):
        raise ValueError(f"Unknown optimizer: {entry['class_name']!r}. Please ensure this object is passed to the "
                         "`custom_objects` argument.")
    return cls(**entry["config"])


def _restore_optimizer(arc: _Archive, model, entry: dict) -> None:
    """Give the (compiled) model's optimizer its saved iteration count and buffers."""
    opt = model.optimizer
    if entry.get("state") is None:
        return
    params = [p for p in model.parameters() if p.requires_grad]
    if opt.torch_optimizer is None or [id(p) for p in opt._params] != [id(p) for p in params]:
        opt.build(params)
    ref = dict(enumerate(opt._params))
    state = {}
    for idx, st in entry["state"].items():
        p = ref.get(int(idx))
        if p is None or not isinstance(st, dict):
            raise arc.error(f"optimizer state for parameter {idx} but the model has {len(ref)} trainable parameters")
        packed = {}
        for key, v in st.items():
            if isinstance(v, dict) and "file" in v:
                f, shape, dt = _check_entry(arc, v)
                if int(_np.prod(shape, dtype=_np.int64)) > max(int(_np.prod(p.shape, dtype=_np.int64)), 1):
                    raise arc.error(f"optimizer buffer {key!r} of shape {shape} is larger than its parameter "
                                    f"{tuple(p.shape)}")
                packed[key] = arc.array(f, shape, dt)
            else:
                packed[key] = v["value"]
        state[int(idx)] = packed
    opt.torch_optimizer.load_state_dict({"state": state, "param_groups": entry["param_groups"]})
    opt.iterations = int(entry.get("iterations", 0))
    if opt.scheduler is not None and entry.get("scheduler") is not None:
        opt.scheduler.load_state_dict(entry["scheduler"])


def _compile_from(model, compile_cfg: dict, custom_objects: Optional[dict], opt_entry) -> None:
    """``model.compile`` with the saved loss, metrics and optimizer (Keras' default RMSprop when none was saved)."""
    name = compile_cfg.get("loss")
    custom = custom_objects or {}
    if name in custom:
        loss = custom[name]
    elif name in losses._BY_NAME:
        cls = losses._BY_NAME[name]
        loss = cls(from_logits=True) if compile_cfg.get("from_logits") else cls()
    else:
        raise ValueError(f"Unknown loss function: {name!r}. Please ensure this object is passed to the "
                         "`custom_objects` argument.")
    metrics = compile_cfg.get("metrics")
    if metrics is not None:
        metrics = [custom.get(m, m) for m in metrics]
    optimizer = _make_optimizer(opt_entry, custom_objects) if opt_entry is not None else "rmsprop"
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)


# =========================================================================== the model methods
class SavingMixin:
    """``save``, ``save_weights``, ``load_weights``, ``to_json`` for Sequential and Model (each has ``get_config``).

    >>> from tinygrad_course.keras import layers, models
    >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
    >>> model.save("m.keras"); models.load_model("m.keras").count_params()
    8
    """

    def save(self, filepath, overwrite: bool = True, include_optimizer: bool = True, **kwargs) -> None:
        """Write architecture + weights + optimizer state to ``filepath`` (see ``keras.models.load_model``).

        >>> model.save("m.keras")
        """
        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Write every layer's weights (Keras layout) to ``filepath`` (atomically).

        >>> model.save_weights("w.weights.npz")
        """
        unknown = sorted(set(kwargs) - {"save_format", "options"})
        if unknown:
            raise TypeError(f"save_weights(): unexpected keyword argument(s) {', '.join(unknown)}")
        _check_overwrite(filepath, overwrite, "save_weights()")
        _write_archive(filepath, "weights", _layers_with_weights(self))

    def load_weights(self, filepath, by_name: bool = False, skip_mismatch: bool = False, **kwargs) -> None:
        """Read weights written by ``save_weights`` (or ``save``): layer by layer in order, or ``by_name``.

        Nothing is changed unless every shape matches. A damaged or foreign file raises ``ValueError``
        naming it.

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> model.save_weights("w.weights.npz"); model.load_weights("w.weights.npz")
        """
        unknown = sorted(set(kwargs) - {"options"})
        if unknown:
            raise TypeError(f"load_weights(): unexpected keyword argument(s) {', '.join(unknown)}")
        if skip_mismatch and not by_name:
            raise ValueError("load_weights(): skip_mismatch=True only makes sense with by_name=True")
        arc = _open(filepath, "load_weights()")
        try:
            _read_weights(arc, self, by_name=by_name, skip_mismatch=skip_mismatch)
        finally:
            arc.close()

    def to_json(self, **kwargs) -> str:
        """The architecture as a JSON string (``keras.models.model_from_json`` rebuilds it).

        >>> from tinygrad_course.keras import layers, models
        >>> model = models.Sequential([layers.Dense(2, input_shape=(3,))])
        >>> models.model_from_json(model.to_json()).output_shape
        (None, 2)
        """
        return _json.dumps(model_config(self), **kwargs)


def __dir__():
    return list(__all__)

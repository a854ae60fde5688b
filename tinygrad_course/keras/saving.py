"""Keras' saving API: ``save_model`` / ``load_model`` and the architecture as JSON.

``load_model`` rebuilds the model (``config.model_from_config``) and reads its weights and optimizer
state from the file format of ``archive.py`` (a zip of JSON and ``.npy`` entries, no pickle).

>>> model.save("m.keras")
>>> same = load_model("m.keras")       # architecture + weights + optimizer state
>>> model.save_weights("w.weights.npz"); model.load_weights("w.weights.npz")
"""
from typing import Optional

from .archive import SavingMixin, _compile_from, _open, _read_weights, _restore_optimizer, save_model
from .config import model_from_config, model_from_json

__all__ = ["save_model", "load_model", "model_from_config", "model_from_json", "SavingMixin"]


def load_model(filepath, custom_objects: Optional[dict] = None, compile: bool = True, safe_mode: bool = True):
    """A model saved by ``model.save``: architecture, weights and (``compile=True``) loss, metrics, optimizer state.

    >>> model = load_model("m.keras", custom_objects={"my_loss": my_loss})
    """
    arc = _open(filepath, "load_model()", content="model")
    try:
        cfg = arc.json("config.json")
        if not isinstance(cfg, dict) or "model" not in cfg:
            raise arc.error("config.json has no 'model'")
        try:
            model = model_from_config(cfg["model"], custom_objects)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError) as e:
            raise ValueError(f"load_model(): cannot rebuild the model saved in {arc.path!r}: "
                             f"{type(e).__name__}: {e}") from None
        _read_weights(arc, model)
        if compile and cfg.get("compile"):
            opt_entry = arc.json("optimizer.json") if "optimizer.json" in arc.names else None
            try:
                _compile_from(model, cfg["compile"], custom_objects, opt_entry)
                if opt_entry is not None:
                    _restore_optimizer(arc, model, opt_entry)
            except (TypeError, KeyError, IndexError, AttributeError) as e:
                raise ValueError(f"load_model(): the compile/optimizer settings in {arc.path!r} are damaged: "
                                 f"{type(e).__name__}: {e}") from None
        return model
    finally:
        arc.close()


def __dir__():
    return list(__all__)

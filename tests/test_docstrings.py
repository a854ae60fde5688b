"""Every public callable documents itself: a one-line summary, and an example in the main namespaces.

The walk starts at ``tinygrad_course`` and follows its public subpackages (``tc.nn``, ``tc.optim``, ...):
a module's public names are its ``__all__`` when it has one, else its attributes without a leading
underscore that are defined inside the package. Each public function or class needs a docstring whose
first line is a summary; each public method of a public class (``tc.Tensor.exp``, ``nn.Linear.forward``
...) needs one too (``inspect.getdoc``, so an override inherits its base's text as in the docs site).
Functions and classes of the main namespaces also need an example: a ``>>>`` line or an "Example"
section. Run ``python tests/test_docstrings.py`` to list what is missing.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import types
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

import tinygrad_course as tc

PKG = "tinygrad_course"

# subpackages of tc (lazy ones included) that make up the public API
ROOTS = ["tinygrad_course"] + [f"{PKG}.{name}" for name in sorted(tc._LAZY)] + [f"{PKG}.autograd"]

# namespaces whose functions and classes must also show an example (the ones users browse first)
EXAMPLE_NAMESPACES = {
    PKG, f"{PKG}.nn", f"{PKG}.nn.functional", f"{PKG}.optim", f"{PKG}.autograd", f"{PKG}.data",
    f"{PKG}.keras", f"{PKG}.keras.layers", f"{PKG}.keras.models", f"{PKG}.keras.optimizers",
}

_EXAMPLE = re.compile(r"^\s*(>>>|Example)", re.M)

# Known gaps, each in a file another engineer owns right now (autograd/function.py and the package
# __init__.py); their text is written and waits for that owner. The list may only shrink: an entry
# that gets documented must leave it (test_pending_list_only_shrinks).
PENDING: set = set()  # nothing left undocumented


def _in_package(obj: object) -> bool:
    mod = getattr(obj, "__module__", None) or ""
    return mod == PKG or mod.startswith(PKG + ".")


def _public_names(mod: types.ModuleType) -> List[str]:
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return list(names)


def _walk_modules() -> Iterator[types.ModuleType]:
    seen = set()
    todo = [importlib.import_module(name) for name in ROOTS]
    while todo:
        mod = todo.pop(0)
        if mod.__name__ in seen:
            continue
        seen.add(mod.__name__)
        yield mod
        for name in _public_names(mod):
            try:
                sub = getattr(mod, name)
            except AttributeError:
                continue
            if isinstance(sub, types.ModuleType) and sub.__name__.startswith(PKG + "."):
                todo.append(sub)


def _is_api_callable(obj: object) -> bool:
    return (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.isbuiltin(obj)) and _in_package(obj)


def public_callables() -> Dict[str, Tuple[object, bool]]:
    """Map ``qualified.name`` -> (callable, needs_example) over the public API."""
    found: Dict[str, Tuple[object, bool]] = {}
    classes = {}
    for mod in _walk_modules():
        for name in _public_names(mod):
            obj = getattr(mod, name, None)
            if not _is_api_callable(obj):
                continue
            key = f"{mod.__name__}.{name}"
            # one entry per object: the first (shortest, most public) path names it
            if any(o is obj for o, _ in found.values()):
                continue
            found[key] = (obj, mod.__name__ in EXAMPLE_NAMESPACES)
            if inspect.isclass(obj):
                classes[key] = obj
    methods = set()
    for key, cls in classes.items():
        seen = set()
        # the class's own methods and those of its in-package bases (Tensor's op-family mixins)
        for attr, raw in [(a, r) for base in cls.__mro__ if _in_package(base) for a, r in vars(base).items()]:
            if attr.startswith("_") or attr in seen:
                continue
            seen.add(attr)
            fn = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
            if isinstance(fn, property):
                fn = fn.fget
            if inspect.isfunction(fn) and _in_package(fn) and id(fn) not in methods:
                methods.add(id(fn))  # an inherited method is checked once, under the first class
                found[f"{key}.{attr}"] = (getattr(cls, attr) if not isinstance(raw, property) else raw, False)
    return found


def _doc(obj: object) -> str:
    if isinstance(obj, property):
        return inspect.cleandoc(obj.__doc__ or "")
    return inspect.getdoc(obj) or ""


def problems() -> List[str]:
    out = []
    for key, (obj, needs_example) in sorted(public_callables().items()):
        doc = _doc(obj)
        first = doc.strip().splitlines()[0].strip() if doc.strip() else ""
        if not first:
            out.append(f"{key}: no docstring")
        elif needs_example and not _EXAMPLE.search(doc):
            out.append(f"{key}: no example ('>>>' line or 'Example' section)")
    return out


# Examples written before the doctest check below, illustrative rather than runnable (no imports,
# abbreviated outputs). They may only leave this list, by being made runnable.
ILLUSTRATIVE_EXAMPLES = {
    "serialization.load", "serialization.save",
    "autograd.Variable", "data.BatchSampler", "data.ChainDataset", "data.DataLoader", "data.Dataset",
    "data.IterableDataset", "data.RandomSampler", "data.Sampler", "data.SequentialSampler",
    "data.SubsetRandomSampler", "data.TensorDataset", "data.WeightedRandomSampler", "data.WorkerInfo",
    "data.default_collate", "data.get_worker_info", "data.random_split", "datasets.letters", "datasets.load_digits",
    "datasets.load_mnist", "datasets.make_circles", "datasets.make_moons", "datasets.make_regression_1d",
    "datasets.make_spirals", "datasets.read_idx", "datasets.write_idx", "distributions.Bernoulli",
    "distributions.Categorical", "distributions.Distribution", "distributions.Multinomial", "distributions.Normal",
    "distributions.Uniform", "distributions.kl_divergence", "distributions.register_kl", "keras.Input",
    "keras.Model", "keras.Sequential.save", "keras.Sequential.save_weights", "keras.backend.epsilon",
    "keras.backend.image_data_format", "keras.backend.set_epsilon", "keras.backend.set_floatx",
    "keras.callbacks.CSVLogger", "keras.callbacks.LearningRateScheduler", "keras.callbacks.ModelCheckpoint",
    "keras.callbacks.ReduceLROnPlateau", "keras.layers.Add", "keras.layers.Concatenate", "keras.layers.Dense",
    "keras.layers.Embedding", "keras.layers.GRU", "keras.layers.GlobalAveragePooling2D", "keras.layers.LSTM",
    "keras.layers.Layer.get_config", "keras.layers.SimpleRNN", "keras.load_model", "keras.models.save_model",
    "keras.optimizers.Adadelta", "keras.optimizers.Adagrad", "keras.optimizers.Adam", "keras.optimizers.Adamax",
    "keras.optimizers.Nadam", "keras.optimizers.RMSprop", "keras.optimizers.SGD", "keras.utils.model_to_dot",
    "keras.utils.plot_model", "keras.utils.to_categorical", "manual_seed", "nn.AdaptiveMaxPool1d",
    "nn.AdaptiveMaxPool2d", "nn.AlphaDropout", "nn.Conv2d", "nn.ConvTranspose1d", "nn.ConvTranspose2d",
    "nn.Dropout1d", "nn.Dropout2d", "nn.FeatureAlphaDropout", "nn.GRUCell", "nn.InstanceNorm1d",
    "nn.InstanceNorm2d", "nn.LSTMCell", "nn.LazyBatchNorm1d", "nn.LazyBatchNorm2d", "nn.LazyConv1d",
    "nn.LazyConv2d", "nn.LazyConvTranspose1d", "nn.LazyConvTranspose2d", "nn.LazyLinear", "nn.Linear", "nn.Module",
    "nn.MultiheadAttention", "nn.Parameter", "nn.RNNCell", "nn.Sequential", "nn.Transformer",
    "nn.TransformerDecoder", "nn.TransformerDecoderLayer", "nn.TransformerEncoder", "nn.TransformerEncoderLayer",
    "nn.UninitializedBuffer", "nn.UninitializedParameter", "nn.Upsample", "nn.UpsamplingBilinear2d",
    "nn.UpsamplingNearest2d", "nn.functional.adaptive_max_pool1d", "nn.functional.adaptive_max_pool2d",
    "nn.functional.alpha_dropout", "nn.functional.conv_transpose1d", "nn.functional.conv_transpose2d",
    "nn.functional.dropout1d", "nn.functional.dropout2d", "nn.functional.feature_alpha_dropout",
    "nn.functional.instance_norm", "nn.functional.interpolate", "nn.functional.multi_head_attention_forward",
    "nn.functional.scaled_dot_product_attention", "nn.functional.upsample", "nn.functional.upsample_bilinear",
    "nn.functional.upsample_nearest", "nn.utils.rnn.PackedSequence", "nn.utils.rnn.invert_permutation",
    "nn.utils.rnn.pack_padded_sequence", "nn.utils.rnn.pack_sequence", "nn.utils.rnn.pad_packed_sequence",
    "nn.utils.rnn.pad_sequence", "nn.utils.rnn.unpack_sequence", "nn.utils.rnn.unpad_sequence", "optim.ASGD",
    "optim.Adadelta", "optim.Adamax", "optim.Newton", "optim.RAdam", "optim.Rprop", "optim.SGD", "viz.ModuleTrace",
    "viz.draw_backward", "viz.draw_graph", "viz.plot_history", "viz.plot_trajectories", "viz.render",
    "viz.run_race", "viz.trace_modules",
}


# examples that need an optional extra: (name prefix, the module it needs)
_NEEDS = (("onnx.", "onnx"), ("interchange.onnx_export.", "onnx"))


def doctest_failures() -> Dict[str, str]:
    """Run every public docstring's ``>>>`` lines (tc, nn, F and np predefined, tc seeded with 0)."""
    import doctest
    import io
    import warnings

    import numpy as np

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    parser = doctest.DocTestParser()
    fails: Dict[str, str] = {}
    seen = set()
    for key, (obj, _) in sorted(public_callables().items()):
        doc = _doc(obj)
        if ">>>" not in doc or doc in seen:
            continue
        seen.add(doc)
        name = key[len(PKG) + 1:]
        if any(name.startswith(prefix) and importlib.util.find_spec(dep) is None for prefix, dep in _NEEDS):
            continue  # an optional extra that is not installed (the README's test command needs only [dev])
        globs = {"tc": tc, "nn": tc.nn, "F": tc.nn.functional, "np": np}
        test = parser.get_doctest(doc, globs, name, None, 0)
        tc.manual_seed(0)
        out = io.StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if runner.run(test, out=out.write).failed:
                fails[name] = out.getvalue()
    return fails


def test_examples_run_and_print_what_they_show(tmp_path):
    # in a child process: the examples seed the generator, create Keras layer names, switch modes ...
    import json
    import subprocess
    import sys

    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import test_docstrings as t; "
            "print(json.dumps(t.doctest_failures()))")
    # in a scratch folder: examples that save files (tc.onnx.export(..., "mlp.onnx")) write there
    res = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    fails = json.loads(res.stdout.strip().splitlines()[-1])
    new = {k: v for k, v in fails.items() if k not in ILLUSTRATIVE_EXAMPLES}
    assert not new, "docstring examples that do not run as shown:\n" + "\n".join(v[:800] for v in new.values())
    fixed = sorted(ILLUSTRATIVE_EXAMPLES - set(fails))
    assert not fixed, "these examples run now, remove them from ILLUSTRATIVE_EXAMPLES: " + ", ".join(fixed)


def test_walk_finds_the_public_api():
    # the walk itself must reach the namespaces it is meant to check
    names = public_callables()
    for key in ("tinygrad_course.tensor", "tinygrad_course.Tensor.exp", "tinygrad_course.nn.Linear",
                "tinygrad_course.nn.functional.relu", "tinygrad_course.optim.SGD",
                "tinygrad_course.autograd.grad", "tinygrad_course.keras.Sequential"):
        assert key in names, key
    assert len(names) > 500


def test_problems_catches_a_missing_docstring(monkeypatch):
    def undocumented(x):
        return x

    undocumented.__module__ = "tinygrad_course.nn.functional"
    monkeypatch.setattr(tc.nn.functional, "undocumented_probe", undocumented, raising=False)
    monkeypatch.setattr(tc.nn.functional, "__all__", list(tc.nn.functional.__all__) + ["undocumented_probe"])
    assert "tinygrad_course.nn.functional.undocumented_probe: no docstring" in problems()
    undocumented.__doc__ = "Return x.\n"
    assert any(p.startswith("tinygrad_course.nn.functional.undocumented_probe: no example") for p in problems())


def test_every_public_callable_has_a_docstring():
    missing = [p for p in problems() if p not in PENDING]
    assert not missing, f"{len(missing)} public callables lack docs:\n" + "\n".join(missing)


def test_pending_list_only_shrinks():
    fixed = sorted(PENDING - set(problems()))
    assert not fixed, "documented now, remove from PENDING:\n" + "\n".join(fixed)


if __name__ == "__main__":  # pragma: no cover
    for line in problems():
        print(line)

"""keras: Sequential and the functional Model share one training loop, and keras/ has no import circle.

The loop (compile / fit / evaluate / predict / *_on_batch) lives once, in ``TrainingMixin``, under
``BaseModel``; both model classes only supply their hooks. Same layers and weights must therefore
give the same numbers whichever class holds them, a multi-input model included.
"""
import ast
import os

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import keras
from tinygrad_course.keras import layers as L
from tinygrad_course.keras.base_model import BaseModel
from tinygrad_course.keras.training import TrainingMixin

KERAS_DIR = os.path.join(os.path.dirname(tc.__file__), "keras")
_SHARED = ["compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"]


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    tc.manual_seed(0)


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 7)).astype(np.float32)
    return x, (x[:, 0] + x[:, 4] > 0).astype(np.int64)


def _pair():
    """A Sequential and a functional Model with the same layers (Dropout included) and the same weights."""
    seq = keras.Sequential([L.Dense(6, activation="relu", input_shape=(7,)), L.Dropout(0.3),
                            L.Dense(2, activation="softmax")])
    inp = keras.Input(shape=(7,))
    fun = keras.Model(inp, L.Dense(2, activation="softmax")(L.Dropout(0.3)(L.Dense(6, activation="relu")(inp))))
    fun.set_weights(seq.get_weights())
    return seq, fun


def _train(model, x, y, **fit_kwargs):
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01),
                  metrics=["accuracy"])
    tc.manual_seed(7)  # the same shuffles and dropout masks for both models
    hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0, **fit_kwargs)
    return hist.history, model.evaluate(x, y, verbose=0), model.predict(x, batch_size=25)


def test_fit_evaluate_predict_are_one_implementation():
    for name in _SHARED:
        own = [cls.__name__ for cls in (keras.Sequential, keras.Model) if name in vars(cls)]
        assert not own, f"{name} is redefined in {own}"
        assert getattr(keras.Sequential, name) is getattr(keras.Model, name) is getattr(TrainingMixin, name)
    for name in ("weights", "get_weights", "set_weights", "count_params", "save", "save_weights", "to_json"):
        assert getattr(keras.Sequential, name) is getattr(keras.Model, name), name
    assert issubclass(keras.Sequential, BaseModel) and issubclass(keras.Model, BaseModel)


def test_sequential_and_functional_give_identical_histories():
    x, y = _data()
    seq, fun = _pair()
    h_s, ev_s, p_s = _train(seq, x, y, validation_split=0.25)
    h_f, ev_f, p_f = _train(fun, x, y, validation_split=0.25)
    assert set(h_s) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert h_s == h_f
    assert ev_s == ev_f
    np.testing.assert_array_equal(p_s, p_f)
    for a, b in zip(seq.get_weights(), fun.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(seq.predict_on_batch(x[:5]), fun.predict_on_batch(x[:5]))
    assert seq.test_on_batch(x[:8], y[:8]) == fun.test_on_batch(x[:8], y[:8])
    losses = []
    for model in (seq, fun):
        tc.manual_seed(3)  # the same dropout mask
        losses.append(model.train_on_batch(x[:8], y[:8]))
    assert losses[0] == losses[1]


def test_two_input_model_trains_like_a_sequential_on_the_joined_inputs():
    """The loop batches and shuffles a list of input arrays together: no packing, the same numbers."""
    x, y = _data()
    xa, xb = x[:, :4], x[:, 4:]
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(3,), name="b")
    hidden = L.Dense(6, activation="relu")(L.Concatenate()([a, b]))
    fun = keras.Model([a, b], L.Dense(2, activation="softmax")(hidden))
    seq = keras.Sequential([L.Dense(6, activation="relu", input_shape=(7,)), L.Dense(2, activation="softmax")])
    seq.set_weights(fun.get_weights())
    val = ([xa[:12], xb[:12]], y[:12])
    h_f, ev_f, p_f = _train(fun, {"a": xa, "b": xb}, y, validation_data=val)
    h_s, ev_s, p_s = _train(seq, x, y, validation_data=(x[:12], y[:12]))
    assert h_f == h_s and ev_f == ev_s
    np.testing.assert_array_equal(p_f, p_s)


def test_jit_compile_takes_the_list_of_inputs():
    x, y = _data(40)
    results = []
    for jit in (False, True):
        keras.backend.clear_session()
        tc.manual_seed(1)
        a, b = keras.Input(shape=(4,)), keras.Input(shape=(3,))
        model = keras.Model([a, b], L.Dense(2, activation="softmax")(L.Concatenate()([a, b])))
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", jit_compile=jit)
        results.append(model.fit([x[:, :4], x[:, 4:]], y, epochs=2, batch_size=16, verbose=0).history)
    assert results[0] == results[1]


def test_each_model_keeps_its_own_messages():
    seq, fun = _pair()
    with pytest.raises(ValueError, match=r"^Sequential.set_weights\(\): the model .* expects 4 weights"):
        seq.set_weights(seq.get_weights()[:3])
    with pytest.raises(ValueError, match=r"^Model.set_weights\(\) \('.*'\): the model expects 4 weights"):
        fun.set_weights(fun.get_weights()[:3])
    x = keras.Input(shape=(3,))
    two = keras.Model(x, [L.Dense(2)(x), L.Dense(1)(x)])
    two.compile(loss="mse", optimizer="sgd")
    for call in (lambda: two.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0),
                 lambda: two.evaluate(np.ones((4, 3)), np.ones((4, 2)), verbose=0),
                 lambda: two.train_on_batch(np.ones((4, 3)), np.ones((4, 2)))):
        with pytest.raises(ValueError, match="multi-output"):
            call()
    assert [o.shape for o in two.predict(np.ones((0, 3), np.float32))] == [(0, 2), (0, 1)]


def _keras_imports():
    """{module: [(imported keras module, at module level?)]} for every file under keras/."""
    mods = {}
    for folder, _, files in os.walk(KERAS_DIR):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                rel = os.path.relpath(path, KERAS_DIR)[:-3].replace(os.sep, ".")
                mods[rel.rpartition("__init__")[0].rstrip(".") if rel.endswith("__init__") else rel] = path
    graph = {}
    for mod, path in mods.items():
        package = mod if path.endswith("__init__.py") else mod.rpartition(".")[0]
        tree = ast.parse(open(path, encoding="utf-8").read())
        top = {id(n) for n in tree.body}
        edges = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package.split(".") if package else []
            base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
            if node.level - 1 > len(package.split(".")) - (0 if package else 1):
                continue  # above keras/ (the engine, nn, optim, compile, viz)
            target = ".".join(base + ([node.module] if node.module else []))
            subs = [f"{target}.".lstrip(".") + a.name for a in node.names]
            for t in [s for s in subs if s in mods] or [target]:
                edges.append((t, id(node) in top))
                outer = t.rpartition(".")[0]  # importing layers.base runs layers/__init__ first
                if outer and not (mod + ".").startswith(outer + "."):
                    edges.append((outer, id(node) in top))
        graph[mod] = edges
    return graph


def test_keras_imports_go_one_way():
    graph = _keras_imports()
    late = sorted((m, t) for m, edges in graph.items() for t, at_top in edges if not at_top)
    assert late == [], f"function-level imports inside keras/: {late}"
    state = {}

    def visit(mod, path):
        state[mod] = "open"
        for t, _ in graph[mod]:
            if t == mod or t not in graph:
                continue
            assert state.get(t) != "open", "import circle: " + " -> ".join(path + [t])
            if t not in state:
                visit(t, path + [t])
        state[mod] = "done"

    for mod in graph:
        if mod not in state:
            visit(mod, [mod])
    # the layers never reach up to the models, the models never to saving's loader
    below = {"layers", "layers.base", "layers.core", "layers.node", "training", "archive", "base_model"}
    for mod in below:
        assert not {t for t, _ in graph[mod]} & {"functional", "sequential", "models", "config", "saving"}, mod

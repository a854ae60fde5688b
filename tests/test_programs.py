"""The program corpus (tests/programs/): real-style PyTorch and Keras 2 programs run on our engine.

Every PyTorch-style program runs on tinygrad_course and must train (finite losses that go
down); with the oracle extra it also runs on real PyTorch from the same NumPy data and
initial weights, and both must give the same losses (rtol 1e-4 in float32, 1e-8 in
float64). Runs that draw random numbers inside the engine (dropout, ``randn_like``) are
compared with those made deterministic (p=0, NumPy noise); the random versions are
smoke-tested. The Keras programs run on ``tinygrad_course.keras`` only.
"""
from __future__ import annotations

import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import numpy as np
import pytest

import tinygrad_course as tc

PROGRAMS = Path(__file__).resolve().parent / "programs"

# name -> how to run it: "oracle" kwargs for the run compared with PyTorch (engine
# randomness off), "rtol", "parts" (how many equally long, independently trained runs the
# loss list concatenates, or their lengths), "trains": False for a walk-through that
# returns values rather than losses, "needs": a name still missing here (strict xfail).
TORCH_PROGRAMS: Dict[str, Dict[str, Any]] = {
    "tut_tensors": {"trains": False},
    "tut_autograd_polynomial": {},
    "tut_custom_function": {"parts": (200, 20)},
    "tut_function_setup_context": {},
    "tut_module_optim_data": {},
    "ex_mnist_cnn": {"oracle": {"dropout": (0.0, 0.0)}},
    "ex_vae": {"oracle": {"fixed_noise": True}},
    "ex_word_lm": {"oracle": {"dropout": 0.0}},
    "ex_time_sequence": {"rtol": 1e-8},
    "ex_transformer_lm": {"oracle": {"dropout": 0.0}},
    "book_preliminaries": {"trains": False},
    "book_linreg_scratch": {"oracle": {"shuffle": False}, "parts": 2},
    "book_softmax_scratch": {},
    "book_mlp": {"parts": 2},
    "book_dropout_scratch": {"oracle": {"dropout": (0.0, 0.0)}, "parts": 2},
    "book_weight_decay": {"parts": 2},
}
KERAS_PROGRAMS = ["keras_mnist_mlp", "keras_mnist_cnn"]

# torch >= 2.x warns on float() of a tensor that requires grad; the textbook code does
# exactly that, and the warning is PyTorch's, not ours.
TORCH_SCALAR_WARNING = "ignore:Converting a tensor with requires_grad=True to a scalar"


def cases(names):
    """pytest params, a strict xfail on programs that need a name this engine does not have yet."""
    out = []
    for n in names:
        needs = TORCH_PROGRAMS.get(n, {}).get("needs")
        marks = [pytest.mark.xfail(strict=True, reason=f"needs {needs}")] if needs else []
        out.append(pytest.param(n, marks=marks))
    return out


def load(name: str):
    """Import tests/programs/<name>.py as a fresh module (not as __main__, so it prints nothing)."""
    if str(PROGRAMS) not in sys.path:
        sys.path.insert(0, str(PROGRAMS))
    spec = importlib.util.spec_from_file_location(f"corpus_{name}", PROGRAMS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_trains(losses: List[float], parts: Union[int, Tuple[int, ...]] = 1, name: str = "") -> None:
    """Finite losses, and in each part the last quarter's mean is below the first quarter's."""
    assert losses, f"{name}: no losses returned"
    assert all(math.isfinite(v) for v in losses), f"{name}: non-finite loss in {losses}"
    if isinstance(parts, int):
        assert len(losses) % parts == 0, f"{name}: {len(losses)} losses do not split into {parts} parts"
        parts = (len(losses) // parts,) * parts
    assert sum(parts) == len(losses), f"{name}: {len(losses)} losses, expected parts of {parts}"
    bounds = np.cumsum((0,) + tuple(parts))
    for p in range(len(parts)):
        part = losses[bounds[p]:bounds[p + 1]]
        k = max(1, len(part) // 4)
        first, last = float(np.mean(part[:k])), float(np.mean(part[-k:]))
        assert last < first, f"{name} part {p}: loss did not go down ({first:.4g} -> {last:.4g}): {part}"


def test_every_program_is_listed():
    on_disk = {p.stem for p in PROGRAMS.glob("*.py") if p.stem != "corpus_common"}
    assert on_disk == set(TORCH_PROGRAMS) | set(KERAS_PROGRAMS)


@pytest.mark.parametrize("name", sorted(TORCH_PROGRAMS) + KERAS_PROGRAMS)
def test_program_gets_its_engine_as_a_parameter(name):
    # `import torch` inside a program would silently run real PyTorch in both runs of the
    # oracle comparison; only the script entry point may import an engine (ours).
    source = (PROGRAMS / f"{name}.py").read_text()
    body = source.split('if __name__ == "__main__":\n    import', 1)[0]
    assert not re.search(r"^\s*(import torch\b|from torch\b|import keras\b|from keras\b)", body, re.M), name
    assert re.search(r"^def main\((torch|keras)\b", source, re.M), f"{name} has no main(torch/keras, ...)"


@pytest.mark.parametrize("name", cases(sorted(TORCH_PROGRAMS)))
def test_program_trains_on_tinygrad_course(name):
    """Default run (dropout and engine noise on, as the program is written): it trains."""
    tc.manual_seed(0)
    losses = load(name).main(tc)
    if TORCH_PROGRAMS[name].get("trains", True):
        assert_trains(losses, TORCH_PROGRAMS[name].get("parts", 1), name)
    else:
        assert losses and all(math.isfinite(v) for v in losses), name


@pytest.mark.parametrize("name", [n for n in sorted(TORCH_PROGRAMS) if "oracle" in TORCH_PROGRAMS[n]])
def test_deterministic_variant_trains(name):
    losses = load(name).main(tc, **TORCH_PROGRAMS[name]["oracle"])
    assert_trains(losses, TORCH_PROGRAMS[name].get("parts", 1), name)


@pytest.mark.parametrize("name", KERAS_PROGRAMS)
def test_keras_program_trains(name):
    tc.manual_seed(0)
    losses = load(name).main(tc.keras)
    # the last entry is the held-out loss; training losses are per epoch
    assert_trains(losses[:-1], 1, name)
    assert math.isfinite(losses[-1])


@pytest.fixture
def torch_one_thread():
    """Real torch on one thread: on a shared 2-core machine its thread pool makes these tiny runs 30x slower."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(before)


@pytest.mark.oracle
@pytest.mark.filterwarnings(TORCH_SCALAR_WARNING)
@pytest.mark.parametrize("name", cases(sorted(TORCH_PROGRAMS)))
def test_program_matches_pytorch(name, torch_one_thread):
    torch = torch_one_thread
    spec = TORCH_PROGRAMS[name]
    kwargs = spec.get("oracle", {})
    ours = load(name).main(tc, **kwargs)
    theirs = load(name).main(torch, **kwargs)
    assert len(ours) == len(theirs), f"{name}: {len(ours)} losses vs PyTorch's {len(theirs)}"
    np.testing.assert_allclose(ours, theirs, rtol=spec.get("rtol", 1e-4), atol=0, err_msg=name)


@pytest.mark.oracle
def test_common_weights_are_the_same_for_both_engines():
    torch = pytest.importorskip("torch")
    common = load("corpus_common")

    def build(engine):
        return engine.nn.Sequential(engine.nn.Conv2d(1, 2, 3), engine.nn.BatchNorm2d(2), engine.nn.Flatten(),
                                    engine.nn.Linear(8, 3))

    ours, theirs = build(tc), build(torch)
    w_ours, w_theirs = common.draw_weights(ours, 5), common.draw_weights(theirs, 5)
    assert w_ours.keys() == w_theirs.keys()
    for k in w_ours:
        np.testing.assert_array_equal(w_ours[k], w_theirs[k])
    common.load_weights(tc, ours, w_ours)
    common.load_weights(torch, theirs, w_theirs)
    assert np.all(w_ours["1.weight"] == 1.0)  # a norm layer's weight starts at 1, as PyTorch's
    for (k, a), (k2, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert k == k2
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.slow
@pytest.mark.parametrize("name", cases(sorted(TORCH_PROGRAMS) + KERAS_PROGRAMS))
def test_program_runs_as_a_script(name):
    """``python tests/programs/<name>.py`` runs it with ``import tinygrad_course as torch``."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, str(PROGRAMS / f"{name}.py")], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-3000:]

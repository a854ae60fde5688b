"""Shared helpers for the program corpus: same data and same initial weights on every engine.

Each program in this folder defines ``main(torch, steps=..., ...) -> list[float]`` and is
written against the ``torch`` module it is given, so one source runs on
``tinygrad_course`` and on real PyTorch. The two engines draw different random
numbers, so everything random that decides the losses comes from NumPy here: the data,
the initial parameters (drawn per state-dict key, then loaded with ``load_state_dict``)
and, where a program needs it, the noise.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, Mapping

import numpy as np


def rng(seed: int) -> np.random.Generator:
    """A NumPy generator for a program's data; the same seed gives the same data on both engines.

    Example: ``x = rng(0).standard_normal((8, 3)).astype(np.float32)``.
    """
    return np.random.default_rng(seed)


def draw_weights(model: Any, seed: int = 0, dtype: Any = np.float32) -> Dict[str, np.ndarray]:
    """NumPy arrays for every parameter of ``model``, drawn as PyTorch's default init scale.

    Each parameter ``p`` gets ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` with ``fan_in`` the
    product of ``p.shape[1:]`` (or ``p.shape[0]`` for a vector); a 1-D ``weight`` (a norm
    layer's) starts at 1 as PyTorch's, so the arrays depend only on the parameter names
    and shapes, which are the same on both engines. Buffers are left out (they are computed
    identically by each program).

    Arguments: ``model`` an ``nn.Module`` of either engine; ``seed``; ``dtype`` of the arrays.
    Example: ``w = draw_weights(net, seed=1)``.
    """
    gen = np.random.default_rng(seed)
    out: Dict[str, np.ndarray] = {}
    # sorted by name: both engines list parameters in the same order, but sorting makes
    # the draw independent of registration order altogether.
    names = sorted(dict(model.named_parameters()).items(), key=lambda kv: kv[0])
    for name, p in names:
        shape = tuple(p.shape)
        leaf = name.rsplit(".", 1)[-1]
        if leaf == "weight" and len(shape) == 1:
            # a 1-D weight belongs to a norm layer: PyTorch starts it at 1
            arr = np.ones(shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else max(shape[0] if shape else 1, 1)
            bound = 1.0 / math.sqrt(fan_in)
            arr = gen.uniform(-bound, bound, size=shape)
        out[name] = np.asarray(arr, dtype=dtype)
    return out


def load_weights(torch: Any, model: Any, arrays: Mapping[str, np.ndarray]) -> None:
    """Load NumPy arrays into ``model`` through ``load_state_dict`` (buffers kept as they are).

    Arguments: ``torch`` the engine module; ``model`` its ``nn.Module``; ``arrays`` name -> array.
    Example: ``load_weights(torch, net, draw_weights(net))``.
    """
    state = model.state_dict()
    for name, arr in arrays.items():
        state[name] = torch.tensor(np.array(arr, copy=True))
    model.load_state_dict(state)


def init_model(torch: Any, model: Any, seed: int = 0) -> Any:
    """Give ``model`` NumPy-drawn initial parameters (see ``draw_weights``) and return it.

    Example: ``net = init_model(torch, Net(), seed=0)``.
    """
    dtype = np.float64 if any(str(p.dtype).endswith("float64") for p in model.parameters()) else np.float32
    load_weights(torch, model, draw_weights(model, seed, dtype))
    return model


def set_values(torch: Any, tensors: Iterable[Any], arrays: Iterable[np.ndarray]) -> None:
    """Overwrite leaf tensors in place (under ``no_grad``) with NumPy values of the same shape.

    Used by the from-scratch programs, which create their parameters with
    ``torch.normal(..., requires_grad=True)`` as the textbook does and then take common values.
    Example: ``set_values(torch, [w, b], [w0, b0])``.
    """
    with torch.no_grad():
        for t, a in zip(tensors, arrays):
            t.copy_(torch.tensor(np.asarray(a, dtype=np.float64 if str(t.dtype).endswith("float64") else np.float32)))


def classification_data(seed: int, n: int, shape: tuple, classes: int) -> tuple:
    """NumPy inputs ``(n, *shape)`` float32 and int64 labels that a small model can learn.

    Each class has a random prototype; an input is its class's prototype plus as much
    Gaussian noise, so the classes overlap a little and held-out accuracy means something.
    Example: ``x, y = classification_data(0, 32, (1, 12, 12), 10)``.
    """
    gen = np.random.default_rng(seed)
    protos = gen.standard_normal((classes,) + tuple(shape))
    y = gen.integers(0, classes, n).astype(np.int64)
    x = (protos[y] + gen.standard_normal((n,) + tuple(shape))).astype(np.float32)
    return x, y

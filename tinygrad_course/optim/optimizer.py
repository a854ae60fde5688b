"""Optimizer base class: parameter groups, per-parameter state, state_dict (PyTorch's format)."""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Iterable, Optional

import numpy as np

import tinygrad_course as tc

from ..autograd import _array, _bump_version  # noqa: F401  (_bump_version: the optimizers import it from here)
from ..autograd.tensor import Tensor
from ..autograd.effects import replayed as _replayed
__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Singleton marking a hyper-parameter that every param group must set."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _is_tensor(x: Any) -> bool:
    return isinstance(x, tc.Tensor)


def _scalar_dtype() -> np.dtype:
    """dtype of the 0-d ``step`` counters: float64 when that is the default dtype, else float32
    (PyTorch's ``_get_scalar_dtype``)."""
    return np.dtype(np.float64) if tc.get_default_dtype() == np.float64 else np.dtype(np.float32)


def _new_state_tensor(arr: np.ndarray):
    """Wrap a fresh numpy array as a (non-grad) Tensor sharing its memory."""
    return tc.from_numpy(arr)


def _to_array(value: Any) -> Optional[np.ndarray]:
    """Raw array of a Tensor, an ndarray, or a foreign tensor with .numpy() (torch); else None."""
    if isinstance(value, Tensor):  # (not _is_tensor: this runs per parameter and buffer in every step)
        return _array(value)
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # e.g. a torch.Tensor
        return np.asarray(value.detach().cpu().numpy())
    return None


def _loss_float(loss: Any) -> float:
    """A closure's loss (Tensor or number) as a Python float."""
    if _is_tensor(loss):
        return float(_array(loss))
    return float(loss)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """In place ``start += weight * (end - start)``, with PyTorch's two-branch formula for accuracy."""
    if weight < 0.5:
        diff = np.subtract(end, start)
        diff *= weight
        start += diff
    else:
        # start = end - (end - start) * (1 - weight)
        np.subtract(start, end, out=start)
        start *= 1.0 - weight
        start += end


class Optimizer:
    """Base class of all optimizers (``torch.optim.Optimizer``).

    ``param_groups`` is a list of dicts, each holding ``'params'`` (a list of
    Tensors) and that group's hyper-parameters (missing ones are taken from
    ``defaults``). ``state`` maps each parameter Tensor to a dict of buffers,
    created lazily on the first step that sees a gradient for it.

    Subclasses implement ``step``. Updates work on the raw numpy arrays
    (``_array(p)``, ``_array(p.grad)``: the accessors of ``tinygrad_course.autograd``) with
    in-place ufuncs, then ``_bump_version(p)``: no tape is recorded.
    Every step first validates all gradients and buffers of all groups, then
    updates, so a step that raises leaves the parameters unchanged.

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> opt.param_groups[0]['lr']
    0.1
    """

    #: names of per-parameter state buffers shaped like the parameter (checked before a step)
    _buffer_keys: tuple = ()

    def __init_subclass__(cls, **kwargs):
        # steps and zero_grad work on raw arrays, unseen by the tape: ``tc.compile`` replays
        # them as calls (autograd/effects.py), for every subclass, users' ones included
        super().__init_subclass__(**kwargs)
        for name in ("step", "zero_grad"):
            f = cls.__dict__.get(name)
            if f is not None and callable(f) and not hasattr(f, "__replayed__"):
                setattr(cls, name, _replayed(f))

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if _is_tensor(params):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {type(params).__name__}"
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a dict ``{'params': [...], **options}`` to ``param_groups``.

        Raises ``ValueError`` if a parameter is already in another group, is a
        non-leaf, or a required option is missing; ``TypeError`` for non-Tensors.
        Nothing is modified when it raises.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise KeyError("params: a param_group must have a 'params' entry")
        params = param_group["params"]
        if _is_tensor(params):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        for p in params:
            if not _is_tensor(p):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
        ids = [id(p) for p in params]
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if not existing.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        for g in self.param_groups:
            if bool(names) != ("param_names" in g):
                txt = "with names" if names else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {txt} to the optimizer"
                )
        if len(ids) != len(set(ids)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error; "
                "see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        # validated: now mutate and append the caller's dict, as PyTorch does
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    # ---------------------------------------------------------------- gradients
    @_replayed
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized Tensors (to ``None`` by default, else to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if g.grad_fn is not None or g.requires_grad:
                    g = g.detach()
                    p.grad = g
                ga = _array(g)
                if ga.flags.writeable:
                    ga.fill(0)
                else:  # e.g. a broadcast view: replace rather than write
                    p.grad = _new_state_tensor(np.zeros(_array(p).shape, dtype=ga.dtype))

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise RuntimeError(
            f"{type(self).__name__} does not implement step(): subclasses of Optimizer must override it"
        )

    def _eval_closure(self, closure):
        if closure is None:
            return None
        with tc.enable_grad():
            return closure()

    def _params_with_grad(self, group: dict[str, Any]) -> list:
        return [p for p in group["params"] if p.grad is not None]

    def _check_step_inputs(self) -> list:
        """Validate every gradient and state buffer of every group before any update.

        Returns, per param group, the list of ``(p, p_array, grad_array)`` of its parameters
        that have a gradient: the arrays a step updates, fetched once here.
        """
        name = type(self).__name__
        live_groups = []
        for gi, group in enumerate(self.param_groups):
            live = []
            live_groups.append(live)
            for pi, p in enumerate(group["params"]):
                g = p.grad
                if g is None:
                    continue
                ga, pa = _array(g), _array(p)
                live.append((p, pa, ga))
                if ga.shape != pa.shape:
                    raise RuntimeError(
                        f"{name}.step: gradient of parameter {pi} in param group {gi} has shape "
                        f"{tuple(ga.shape)} but the parameter has shape {tuple(pa.shape)}"
                    )
                if ga.dtype != pa.dtype:
                    raise RuntimeError(
                        f"{name}.step: gradient of parameter {pi} in param group {gi} has dtype "
                        f"{ga.dtype} but the parameter has dtype {pa.dtype}"
                    )
                if not pa.flags.writeable:
                    raise RuntimeError(
                        f"{name}.step: parameter {pi} in param group {gi} is a read-only array"
                    )
                st = self.state.get(p)
                if not st:
                    continue
                for key in self._buffer_keys:
                    buf = st.get(key)
                    if buf is None:
                        continue
                    arr = _to_array(buf)
                    if arr is None or arr.shape != pa.shape:
                        shape = None if arr is None else tuple(arr.shape)
                        raise RuntimeError(
                            f"{name}.step: state '{key}' of parameter {pi} in param group {gi} has "
                            f"shape {shape} but the parameter has shape {tuple(pa.shape)}"
                        )
        return live_groups

    @staticmethod
    def _step_tensor():
        """A fresh 0-d ``step`` counter (a Tensor, like PyTorch's)."""
        return _new_state_tensor(np.zeros((), dtype=_scalar_dtype()))

    @classmethod
    def _incr(cls, state: dict, key: str = "step") -> float:
        """``state[key] += 1`` in place on its 0-d Tensor; return the new value as a Python float."""
        counter = state.get(key)
        if not isinstance(counter, Tensor):  # a plain number, e.g. from an older state dict
            arr = _to_array(counter)
            value = 0.0 if counter is None else float(arr if arr is not None else counter)
            counter = cls._step_tensor()
            _array(counter)[...] = value
            state[key] = counter
        arr = _array(counter)
        arr += 1
        return float(arr)

    # -------------------------------------------------------------- state dict
    def state_dict(self) -> dict[str, Any]:
        """Return ``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        As in PyTorch, parameters are replaced by their position in the groups
        and the state buffers are returned by reference (not copied).
        """
        mapping: dict[int, int] = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(g) for g in self.param_groups]
        packed_state = {
            (mapping[id(k)] if _is_tensor(k) else k): v for k, v in self.state.items()
        }
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a dict from :meth:`state_dict` (deep-copied; floating buffers cast to the param dtype).

        Raises ``ValueError`` if the number of groups or their sizes differ;
        nothing is modified then. Buffers may also be numpy arrays or torch
        tensors (converted).
        """
        if not isinstance(state_dict, dict) or "state" not in state_dict \
                or "param_groups" not in state_dict:
            raise ValueError(
                "loaded state dict must be a dict with keys 'state' and 'param_groups'"
            )
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group "
                "that doesn't match the size of optimizer's group"
            )
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            arr = _to_array(value)
            if arr is not None:
                arr = np.array(arr, copy=True)
                # 'step' keeps its own dtype (PyTorch issue 74424); float buffers follow the param
                if key != "step" and np.issubdtype(_array(param).dtype, np.floating) \
                        and np.issubdtype(arr.dtype, np.floating):
                    arr = arr.astype(_array(param).dtype, copy=False)
                return _new_state_tensor(arr)
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return copy.deepcopy(value)

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = copy.deepcopy(v)
        new_groups = []
        for g, ng in zip(groups, saved_groups):
            ng["params"] = g["params"]
            if "param_names" in g and "param_names" not in ng:
                ng["param_names"] = g["param_names"]
            new_groups.append(ng)
        self._setstate(state, new_groups)

    def _setstate(self, state, param_groups) -> None:
        """Install loaded state/groups (subclasses fill in options older dicts lack)."""
        for g in param_groups:
            for k, v in self.defaults.items():
                g.setdefault(k, v)
        self.state = state
        self.param_groups = param_groups

    # ------------------------------------------------------------------- pickle
    def __getstate__(self) -> dict[str, Any]:
        # as PyTorch: only what defines the optimizer (not e.g. a scheduler's step wrapper)
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._on_setstate()

    def _on_setstate(self) -> None:
        """Rebuild derived attributes after unpickling (LBFGS, Newton: the parameter list)."""

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        s = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"


def _effective_grad(g: np.ndarray, w: np.ndarray, weight_decay: float, maximize: bool):
    """``(-g if maximize else g) + weight_decay * w`` (L2 penalty), and whether it is a fresh array.

    Never writes into ``g``: the caller may only modify the result in place when it is fresh.
    """
    if weight_decay != 0:
        d = np.multiply(w, weight_decay)
        if maximize:
            d -= g
        else:
            d += g
        return d, True
    if maximize:
        return np.negative(g), True
    return g, False


def _decayed_grad_arrays(w: np.ndarray, g: np.ndarray, lr: float, weight_decay: float, decoupled: bool,
                         maximize: bool) -> np.ndarray:
    """Gradient for the Adam family from the parameter's array ``w`` and its gradient's array ``g``:
    with ``decoupled`` the parameter shrinks in place (``theta *= 1 - lr * weight_decay``), else
    ``weight_decay * theta`` is added to the gradient.

    The result may be ``g`` itself: never modify it in place.
    """
    if weight_decay != 0 and decoupled:
        w *= 1 - lr * weight_decay
        weight_decay = 0
    g, _ = _effective_grad(g, w, weight_decay, maximize)
    return g


def _ema_sq_(avg: np.ndarray, g: np.ndarray, beta: float) -> np.ndarray:
    """In place ``avg = beta * avg + (1 - beta) * g^2``; return the ``(1 - beta) * g^2`` array,
    a fresh scratch buffer the caller may reuse."""
    avg *= beta
    g2 = np.multiply(g, g)
    g2 *= 1 - beta
    avg += g2
    return g2


def _zeros_state(state: dict, key: str, w: np.ndarray) -> None:
    """Create ``state[key]`` as a zero buffer shaped like ``w`` unless it exists (an option
    switched on after the first step starts from zero, as in PyTorch)."""
    if key not in state:
        state[key] = _new_state_tensor(np.zeros_like(w))


def _check_nonnegative(*checks: tuple[str, float]) -> None:
    """Raise ``ValueError("Invalid <what>: <value>")`` for the first ``(what, value)`` pair whose
    value is not ``>= 0`` (NaN included)."""
    for what, value in checks:
        if not 0.0 <= value:
            raise ValueError(f"Invalid {what}: {value}")

"""``trace_modules``: record which tape nodes each submodule call created, so ``draw_graph(...,
modules=model)`` can group them into labelled clusters.

During the ``with`` block every module of the traced models carries a forward pre-hook and a
forward hook; a call's nodes are those reachable from its outputs and not from its inputs. The time
steps inside ``nn.RNN``/``nn.LSTM``/``nn.GRU`` are recorded as calls too ("LSTM cell"), so repeated
steps can be drawn once with a count.
"""
from __future__ import annotations

import contextlib
import re
import weakref
from typing import Dict, Iterator, List, Optional

from ..autograd.tensor import Tensor

__all__ = ["trace_modules", "ModuleTrace"]

# a module of one of these kinds (its class or a base class) draws as one box unless expand=True
_FUSED = re.compile(r"^(Lazy)?(Conv\w*|ConvTranspose\w*|\w*Norm\w*|\w*Pool\w*|Linear|Bilinear|"
                    r"Embedding\w*|RNNBase|RNN|LSTM|GRU|\w*Cell|\w*Loss)$")
_EXCLUDE = {"Module", "Sequential", "ModuleList", "ModuleDict"}

# the latest trace of each traced root module, for draw_graph(..., modules=model)
_LATEST: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def is_fused(module) -> bool:
    """True for the module kinds drawn as one box (Conv*, *Norm*, *Pool*, Linear, Embedding,
    RNN/LSTM/GRU and their cells, *Loss)."""
    return any(c.__name__ not in _EXCLUDE and _FUSED.match(c.__name__) for c in type(module).__mro__)


# keyword arguments left at their usual default say nothing in a drawing
_DEFAULTS = re.compile(r",?\s*\b(stride=1|padding=0|dilation=1|ceil_mode=False|bias=True|affine=True|"
                       r"track_running_stats=True|eps=1e-05|momentum=0\.1|inplace=False|start_dim=1|end_dim=-1|"
                       r"elementwise_affine=True)(?=[,)])")


def short_repr(module) -> str:
    """A module's repr on one short line: ``Conv2d(1, 8, 3)``; containers by class name only."""
    if any(True for _ in module.children()):
        return type(module).__name__
    text = " ".join(repr(module).split())
    text = re.sub(r"\((\d+)(?:, \1)+\)", r"\1", text)  # (3, 3) -> 3
    text = re.sub(r"\b(kernel_size|in_features|out_features|num_features)=", "", text)
    text = _DEFAULTS.sub("", text)
    text = re.sub(r"\(\s*,\s*", "(", text)
    return text if len(text) <= 44 else text[:43] + "\u2026"


def _tensors(obj) -> List[Tensor]:
    """The tensors in a (nested) tuple/list/dict of outputs or arguments, in order, iteratively."""
    out, stack = [], [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            out.append(o)
        elif isinstance(o, (list, tuple)):
            stack.extend(reversed(o))
        elif isinstance(o, dict):
            stack.extend(reversed(list(o.values())))
    return out


class _Call:
    """One forward call: who, where it nests, and the tape nodes at its inputs and outputs."""

    __slots__ = ("name", "module", "label", "parent", "in_nodes", "out_nodes", "fused", "is_root")

    def __init__(self, name, module, label, parent, in_nodes, fused, is_root):
        self.name, self.module, self.label, self.parent = name, module, label, parent
        self.in_nodes, self.out_nodes, self.fused, self.is_root = in_nodes, [], fused, is_root


class ModuleTrace:
    """What ``trace_modules`` recorded: ``calls`` (in call order) and the shapes of the tensors that
    crossed a module boundary (by the id of their ``grad_fn``).

    Example
    -------
    >>> with tc.viz.trace_modules(model) as trace:
    ...     out = model(x)
    >>> tc.viz.draw_graph(out.sum(), modules=trace)
    """

    def __init__(self) -> None:
        self.calls: List[_Call] = []
        self.shapes: Dict[int, set] = {}
        self._stack: List[int] = []
        self._keep: list = []  # nodes whose ids are keys of shapes: keep them alive

    def _note(self, tensors) -> list:
        nodes = []
        for t in tensors:
            fn = t.grad_fn
            if fn is None:
                continue
            nodes.append(fn)
            if id(fn) not in self.shapes:
                self._keep.append(fn)
            self.shapes.setdefault(id(fn), set()).add(tuple(t.shape))
        return nodes

    def _enter(self, name, module, label, args, fused, is_root) -> None:
        parent = self._stack[-1] if self._stack else None
        self.calls.append(_Call(name, module, label, parent, self._note(_tensors(args)), fused, is_root))
        self._stack.append(len(self.calls) - 1)

    def _exit(self, out) -> None:
        if self._stack:
            self.calls[self._stack.pop()].out_nodes = self._note(_tensors(out))

    def __repr__(self) -> str:
        return f"ModuleTrace({len(self.calls)} calls)"


@contextlib.contextmanager
def trace_modules(*models) -> Iterator[ModuleTrace]:
    """Record, while the block runs, which tape nodes each submodule call of ``models`` creates.

    Args: one or more modules (e.g. the model and the loss module). Yields a ``ModuleTrace``; after
    the block ``draw_graph(loss, modules=model)`` (or ``modules=trace``) draws each submodule as a
    labelled cluster, fused kinds (Conv2d, BatchNorm2d, MaxPool2d, Linear, LSTM, losses) as one box.

    Example
    -------
    >>> with tc.viz.trace_modules(model):
    ...     loss = F.cross_entropy(model(x), y)
    >>> g = tc.viz.draw_graph(loss, modules=model)

    While the block runs, the loss functions of ``nn.functional`` (``F.mse_loss``, ...) are wrapped
    to record their calls too (so the loss is named), and RNN modules record each time step: trace
    from one thread at a time.
    """
    from ..nn.module import Module
    from ..nn.rnn import RNNBase

    if not models or not all(isinstance(m, Module) for m in models):
        got = ", ".join(type(m).__name__ for m in models) if models else "nothing"
        raise TypeError(f"trace_modules: expected one or more nn.Module, got {got}")
    trace = ModuleTrace()
    handles, patched = [], []
    for r, root in enumerate(models):
        for name, m in root.named_modules():
            is_root = name == ""
            label = name or (type(m).__name__ if r else "")

            def pre(mod, args, _name=label, _root=is_root):
                trace._enter(_name, mod, type(mod).__name__, args, is_fused(mod), _root)

            def post(mod, args, out):
                trace._exit(out)

            handles.append(m.register_forward_pre_hook(pre))
            handles.append(m.register_forward_hook(post))
            if isinstance(m, RNNBase) and "_cell" not in m.__dict__:
                patched.append(m)
                object.__setattr__(m, "_cell", _step_recorder(trace, m, label))
    for root in models:
        _LATEST[root] = trace
    # loss functions called as F.mse_loss(...) are recorded too, to name the loss by its op
    from ..nn import functional as F

    wrapped = {}
    for fname, cls in _LOSS_FUNCTIONS.items():
        fn = F.__dict__.get(fname)
        if callable(fn):
            wrapped[fname] = fn
            setattr(F, fname, _function_recorder(trace, fn, cls))
    try:
        yield trace
    finally:
        for fname, fn in wrapped.items():
            setattr(F, fname, fn)
        for h in handles:
            h.remove()
        for m in patched:
            m.__dict__.pop("_cell", None)
        trace._stack.clear()


_LOSS_FUNCTIONS = {"mse_loss": "MSELoss", "l1_loss": "L1Loss", "cross_entropy": "CrossEntropyLoss",
                   "nll_loss": "NLLLoss", "binary_cross_entropy": "BCELoss",
                   "binary_cross_entropy_with_logits": "BCEWithLogitsLoss", "smooth_l1_loss": "SmoothL1Loss",
                   "huber_loss": "HuberLoss", "kl_div": "KLDivLoss"}


def _function_recorder(trace: ModuleTrace, fn, cls: str):
    """Wrap a functional loss so its call is recorded like a loss module's (one box, named ``cls``)."""

    def call(*args, **kwargs):
        trace._enter("", None, cls, (args, kwargs), True, False)
        out = None
        try:
            out = fn(*args, **kwargs)
        finally:
            trace._exit(out)
        return out

    call.__wrapped__ = fn
    call.__name__ = getattr(fn, "__name__", cls)
    call.__doc__ = fn.__doc__
    return call


def _step_recorder(trace: ModuleTrace, module, name: str):
    """Wrap an RNN module's per-time-step ``_cell`` so each step is recorded as a call."""
    cell = type(module)._cell
    label = f"{type(module).__name__} cell"
    several = getattr(module, "num_layers", 1) > 1 or getattr(module, "bidirectional", False)
    layer_of = {id(p): n[len("weight_hh_"):] for n, p in module.named_parameters() if n.startswith("weight_hh_")}

    def step(xp_t, state, w_hh, *rest):
        # each layer and direction is its own run of steps: "LSTM cell l1_reverse x 12"
        tag = f"{label} {layer_of.get(id(w_hh), '')}".rstrip() if several else label
        trace._enter(f"{name}.cell" if name else "cell", module, tag, (xp_t, state), False, False)
        out = None
        try:
            out = cell(module, xp_t, state, w_hh, *rest)
        finally:
            trace._exit(out)
        return out

    return step


def latest_trace(module) -> Optional[ModuleTrace]:
    """The trace recorded by the last ``trace_modules`` block that covered ``module``, if any."""
    try:
        return _LATEST.get(module)
    except TypeError:
        return None

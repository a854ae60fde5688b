"""``tc.compile``: trace a function (a whole training step) once, replay it as flat NumPy calls.

How it works: the first call for a given input signature runs ``fn`` eagerly with a tracer
switched on (``_Mode.tracer``, this thread only). The tracer records

- every op's forward: its ``Function``, its ctx, which tensor each argument is (an input of
  ``fn``, an earlier op's output, a persistent tensor such as a parameter, or a constant) and
  where its outputs go;
- the backward, as the engine's walk ran it: each node's backward call, in order, and where
  every gradient it returned went (another node's buffer or a leaf's ``.grad``);
- the calls marked ``replayed`` (``autograd/effects.py``): optimizer ``step``/``zero_grad``,
  a Keras optimizer's ``apply``, gradient clipping, BatchNorm's running statistics, dropout's
  random mask, comparisons. They work on raw arrays, so replaying them is replaying the *call*
  (the optimizer reads the new ``.grad`` arrays and updates its parameters and state in place,
  exactly as eagerly; dropout draws a new mask from the same generator, so ``tc.manual_seed``
  gives the same numbers eagerly and compiled).

Code generation: the recorded list becomes one straight-line Python function (``codegen.py``;
``program.source`` shows it), with arrays in local variables, the backward's routing fixed,
and plain ``+ - *`` and ``tanh`` written as their NumPy expressions.

Later calls whose guards hold replay that list: no Tensor, no graph node, no dependency
counting; the same NumPy calls in the same order, so losses, gradients and parameters are the
same bit for bit. Guards: the tensor arguments' shapes, dtypes and ``requires_grad``, the
values of the other arguments, grad mode, every module's ``training`` flag, the identity of the
parameters and buffers of the modules and optimizers ``fn`` reaches (arguments, closure,
globals it names, ``self`` of a bound method). A failed guard traces again; up to
``cache_size`` programs are kept (least recently traced dropped first).

Refused at trace time (``Unsupported``, naming the line), or run eagerly with
``fullgraph=False``: reading a tensor's value into Python (``.item()``, ``.tolist()``,
``.numpy()``, ``bool()``, ``float()``, ``int()``), in-place tensor ops and raw in-place writes
outside a replayed call, random draws outside a replayed call, hooks and ``retain_grad``,
``backward(retain_graph=True)``, ``create_graph=True``, ``autograd.grad``,
``optimizer.step(closure)``, returning a tensor that still needs a graph (call ``backward``
inside ``fn``, or run it under ``no_grad``), and any tensor made inside ``fn`` outside the
tape whose values the replay would freeze (``argmax``'s indices, ``nll_loss`` with class
weights, ``tc.tensor(<a tensor>)``: library code that computes on raw arrays). Tensors made
by factories from Python values (``tc.zeros``, ``tc.tensor(2.0)``, ``tc.arange``), float
zeros (initial RNN states) and aliases (``x.detach()``) are fine: constants or references.

Not seen by the guards (as in JAX's ``jit``): Python attributes read inside ``fn`` other than
``training`` (a dropout's ``p``, a hyper-parameter), tensors made with the legacy constructor
``tc.Tensor(...)``. The optimizer's learning rate is read by its ``step`` on every replay, so
schedulers work. Outputs of a replay are new tensors without a graph (``requires_grad``
False). One compiled function must not be replayed by two threads at once (its holders are
shared).
"""
from __future__ import annotations

import copy
import functools
import sys as _sys
import types as _types
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import _array
from ..autograd.grad_mode import _Mode
from ..autograd.random import default_generator
from ..autograd.tensor import Tensor
from .tracer import Tracer, Unsupported, tracing

__all__ = ["CompileCheckError", "CompiledFunction", "Unsupported", "compile"]

_EAGER = "eager"  # a cache entry: this signature is run eagerly (fullgraph=False refusal)


class CompileCheckError(AssertionError):
    """``check=True`` found the compiled and the eager step disagreeing (named in the message)."""


def _flat(o, leaves):
    """A hashable description of an argument; its tensors appended to ``leaves``."""
    if isinstance(o, Tensor):
        leaves.append(o)
        a = _array(o)
        return (a.shape, a.dtype, o.requires_grad)
    c = o.__class__
    if c is tuple or c is list:
        return (c, tuple([_flat(x, leaves) for x in o]))
    if c is dict:
        return (dict, tuple([(k, _flat(v, leaves)) for k, v in o.items()]))
    try:
        hash(o)
        return (c, o)
    except TypeError:
        return (c, id(o))


def _is_module(o):
    from ..nn.module import Module

    return isinstance(o, Module)


def _is_optimizer(o):
    from ..optim.optimizer import Optimizer

    return isinstance(o, Optimizer)


def _reached(fn, args, kwargs):
    """Modules, optimizers and tensors ``fn`` reaches, with how to read each again (for guards)."""
    found = []  # (getter or None, object)
    target = fn
    if _is_module(fn):
        found.append((None, fn))
        target = fn.forward
    self_ = getattr(target, "__self__", None)
    if self_ is not None and (_is_module(self_) or _is_optimizer(self_)):
        found.append((None, self_))
    func = getattr(target, "__func__", target)
    code = getattr(func, "__code__", None)
    if code is not None:
        for name, cell in zip(code.co_freevars, func.__closure__ or ()):
            try:
                v = cell.cell_contents
            except ValueError:
                continue
            if _is_module(v) or _is_optimizer(v) or isinstance(v, Tensor):
                found.append(((lambda c=cell: c.cell_contents), v))
        g = getattr(func, "__globals__", {})
        for name in code.co_names:
            v = g.get(name)
            if v is not None and (_is_module(v) or _is_optimizer(v) or isinstance(v, Tensor)):
                found.append(((lambda g=g, n=name: g.get(n)), v))
    for a in list(args) + list(kwargs.values()):
        if _is_module(a) or _is_optimizer(a):
            found.append((None, a))
    return found


class _Guards:
    """What must still hold for a program to be replayed (beyond the input signature)."""

    def __init__(self, found):
        self.idents = [(get, obj) for get, obj in found if get is not None]
        roots = [obj for _, obj in found if _is_module(obj)]
        self.opts = list({id(o): o for _, o in found if _is_optimizer(o)}.values())
        mods = []
        for r in roots:
            for m in r.modules():
                if not any(m is x for x in mods):
                    mods.append(m)
        self.mods = mods
        self.roots = roots
        self.training = tuple([m.training for m in mods])
        self.layout = self._layout()

    def _layout(self):
        ids = []
        for r in self.roots:
            ids.extend(map(id, r.modules()))
            ids.extend(map(id, r.parameters()))
            ids.extend(map(id, r.buffers()))
        for o in self.opts:
            for g in o.param_groups:
                ids.extend(map(id, g["params"]))
        return tuple(ids)

    def hold(self) -> bool:
        for get, obj in self.idents:
            if get() is not obj:
                return False
        if tuple([m.training for m in self.mods]) != self.training:
            return False
        return self._layout() == self.layout

    def state_tensors(self, closure=False):
        """Parameters and buffers of the modules, and the optimizers' parameters (and, with
        ``closure``, the tensors ``fn`` reaches directly)."""
        seen, out = set(), []
        if closure:
            for _, t in self.idents:
                if isinstance(t, Tensor):
                    seen.add(id(t))
                    out.append(t)
        for r in self.roots:
            for t in list(r.parameters()) + [b for b in r.buffers() if b is not None]:
                if id(t) not in seen:
                    seen.add(id(t))
                    out.append(t)
        for o in self.opts:
            for g in o.param_groups:
                for t in g["params"]:
                    if id(t) not in seen:
                        seen.add(id(t))
                        out.append(t)
        return out


class CompiledFunction:
    """``fn`` traced once per input signature and replayed (see the module docstring).

    Attributes: ``trace_count`` (how many times ``fn`` was traced), ``programs`` (the cache).
    """

    def __init__(self, fn: Callable, fullgraph: bool = True, check: bool | int = False, cache_size: int = 8):
        if not callable(fn):
            raise TypeError(f"compile(): expected a callable, got {type(fn).__name__}")
        if not isinstance(cache_size, int) or isinstance(cache_size, bool) or cache_size < 1:
            raise ValueError(f"compile(): cache_size must be a positive int, got {cache_size!r}")
        self.fn = fn
        self.fullgraph = bool(fullgraph)
        self.check_calls = (3 if check is True else int(check)) if check else 0
        self.cache_size = cache_size
        self.programs: OrderedDict[Any, Any] = OrderedDict()
        self.trace_count = 0
        self._checked = {}
        functools.update_wrapper(self, fn, updated=())

    def __repr__(self):
        return f"<compiled {getattr(self.fn, '__qualname__', self.fn)}: {len(self.programs)} program(s)>"

    def __call__(self, *args, **kwargs):
        if _Mode.tracer is not None:
            # called from inside another traced function: its tracer records our ops
            return self.fn(*args, **kwargs)
        leaves = []
        key = (_flat(args, leaves), _flat(kwargs, leaves), _Mode.enabled, _Mode.anomaly)
        prog = self.programs.get(key)
        if prog is None:
            return self._trace(key, args, kwargs, leaves)
        if prog is _EAGER:
            return self.fn(*args, **kwargs)
        program, guards = prog
        if not guards.hold():
            return self._trace(key, args, kwargs, leaves)
        n = self._checked.get(key, 0)
        if n < self.check_calls:
            self._checked[key] = n + 1
            return self._run_checked(program, guards, args, kwargs, leaves)
        return program.run(leaves)

    # ---- tracing ---------------------------------------------------------------------------
    def _trace(self, key, args, kwargs, leaves):
        if len({id(t) for t in leaves}) != len(leaves):
            # the same tensor passed twice: the signature cannot say so, run eagerly
            return self.fn(*args, **kwargs)
        tracer = Tracer(self.fullgraph)
        holders = [tracer.add_input(t, i) for i, t in enumerate(leaves)]
        for t in _Guards(_reached(self.fn, args, kwargs)).state_tensors(closure=True):
            tracer.persistent[id(_array(t))] = t
        with tracing(tracer):
            out = self.fn(*args, **kwargs)
        if tracer.refused is None:
            try:
                spec = self._out_spec(tracer, out, holders, leaves)
            except Unsupported:
                if self.fullgraph:
                    raise
        self._store(key, _EAGER if tracer.refused is not None else
                    (tracer.program(holders, spec), _Guards(_reached(self.fn, args, kwargs))))
        self.trace_count += 1
        self._checked.pop(key, None)
        return out

    def _store(self, key, entry):
        self.programs.pop(key, None)
        self.programs[key] = entry
        while len(self.programs) > self.cache_size:
            self.programs.popitem(last=False)

    def _out_spec(self, tracer, o, holders, leaves):
        if isinstance(o, Tensor):
            h = tracer.map.get(id(o))
            if h is not None:
                for i, hh in enumerate(holders):
                    if hh is h:
                        return ("in", i)
                if o.requires_grad and not tracer.did_backward:
                    tracer.refused = "output"
                    raise Unsupported(
                        "tc.compile cannot return a tensor that requires grad from a function that does "
                        "not call backward itself: the compiled call returns no graph. Call backward "
                        "inside the function, or run it under tc.no_grad()."
                    )
                return ("h", h)
            g = tracer.grad_of.get(id(o))
            if g is not None:
                return ("grad", g[1], tracer.input_leaves.get(id(g[1])))
            ref = tracer.ref(o, "the function's result")  # refuses values the replay would freeze
            if ref is not o:
                return ("h", ref) if id(ref) in {id(h) for h in tracer.map.values()} else ("const", ref)
            return ("const", o)
        c = o.__class__
        if c is tuple or c is list or (isinstance(o, tuple) and hasattr(c, "_fields")):
            items = [self._out_spec(tracer, x, holders, leaves) for x in o]
            make = (lambda it, c=c: c(*it)) if hasattr(c, "_fields") else c
            return ("seq", make, items)
        if c is dict:
            return ("dict", [(k, self._out_spec(tracer, v, holders, leaves)) for k, v in o.items()])
        return ("const", o)

    # ---- check=True ------------------------------------------------------------------------
    def _run_checked(self, program, guards, args, kwargs, leaves):
        """Run compiled, restore the state, run eagerly, compare; keep the eager result."""
        state = guards.state_tensors() + [t for t in leaves if t.requires_grad]
        snap = _snapshot(state, guards.opts)
        out_c = program.run(leaves)
        got_c = _collect(out_c, state)
        _restore(snap)
        out_e = self.fn(*args, **kwargs)
        got_e = _collect(out_e, state)
        for (name, a), (_, b) in zip(got_c, got_e):
            same = (a is None and b is None) or (
                a is not None and b is not None and a.shape == b.shape and
                np.allclose(a, b, rtol=1e-5, atol=1e-7, equal_nan=True))
            if not same:
                raise CompileCheckError(
                    f"tc.compile(check=True): compiled and eager {name} differ for "
                    f"{getattr(self.fn, '__qualname__', self.fn)}: compiled {_brief(a)}, eager {_brief(b)}"
                )
        return out_e


def _brief(a):
    return "None" if a is None else f"shape {tuple(a.shape)} sum {float(np.sum(a)):.6g}"


def _snapshot(state, opts):
    gen = default_generator()
    gen = getattr(gen, "_gen", gen)
    return (
        [(t, _array(t).copy(), t.grad, None if t.grad is None else _array(t.grad).copy()) for t in state],
        [(o, {p: copy.deepcopy(s) for p, s in o.state.items()}) for o in opts],
        (gen, copy.deepcopy(gen.bit_generator.state)),
    )


def _restore(snap):
    tensors, opts, (gen, rng) = snap
    for t, a, g, ga in tensors:
        _array(t)[...] = a
        t.grad = g
        if g is not None:
            _array(g)[...] = ga
    for o, st in opts:
        o.state.clear()
        o.state.update(st)
    gen.bit_generator.state = rng


def _collect(out, state):
    got = []
    outs = []
    _flat(out, outs)
    for i, t in enumerate(outs):
        got.append((f"output {i}", np.array(_array(t))))
    for i, t in enumerate(state):
        got.append((f"parameter/buffer {i} (shape {tuple(t.shape)})", np.array(_array(t))))
        got.append((f"gradient of parameter {i} (shape {tuple(t.shape)})",
                    None if t.grad is None else np.array(_array(t.grad))))
    return got


def compile(model: Callable | None = None, *, fullgraph: bool = True, dynamic: bool | None = None,
            backend: str = "numpy", mode: str | None = None, options: dict | None = None,
            disable: bool = False, check: bool | int = False, cache_size: int = 8):
    """Trace ``model`` (a function of tensors, a whole training step, or a Module) on its
    first call per input signature and replay the recorded NumPy calls afterwards.

    Args:
        model: the function (or Module); omitted, ``compile`` returns a decorator.
        fullgraph: True (default): what cannot be replayed raises ``Unsupported`` naming
            the line; False: such a function runs eagerly instead.
        dynamic, mode, options: accepted for PyTorch compatibility, ignored.
        backend: only ``"numpy"`` (PyTorch's ``"inductor"``/``"eager"`` names are accepted).
        disable: True returns ``model`` itself.
        check: True (or a number of calls): the first 3 (or that many) replays of each
            program also run eagerly from the same state and raise ``CompileCheckError``
            if outputs, parameters or gradients differ beyond float tolerance.
        cache_size: programs kept (one per input signature, as ``torch.compile`` keeps a few).

    >>> step = tc.compile(lambda x: (x * 2).sum())
    >>> step(tc.ones(3)), step(tc.ones(3))
    (tensor(6.), tensor(6.))
    """
    if backend not in ("numpy", "inductor", "eager", "aot_eager"):
        raise ValueError(f"compile(): unknown backend {backend!r}; this library has one backend, 'numpy'")
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, disable=disable, check=check, cache_size=cache_size)
    if disable:
        return model
    return CompiledFunction(model, fullgraph=fullgraph, check=check, cache_size=cache_size)


class _CallableModule(_types.ModuleType):
    """``tc.compile`` is this package and the function at once: ``tc.compile(fn)`` and
    ``tc.compile.Unsupported`` both read naturally, whichever import ran first."""

    def __call__(self, *args, **kwargs):
        return compile(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule

"""The tracer: runs a function eagerly once and records what it did as a flat ``Program``.

While ``_Mode.tracer`` is set (this thread only), three hooks hand work to it:
``Function.apply`` (every op: recorded with its ctx, its arguments and its outputs),
``run_backward`` (the backward: run here, node by node, exactly as the engine's walk does, and
recorded with the routing of every gradient) and the ``replayed`` calls of
``autograd/effects.py`` (optimizer steps, ``zero_grad``, gradient clipping, BatchNorm's
running statistics, dropout's random mask: recorded as calls made again on replay).
Anything else that would make the replay wrong (``.item()``, in-place ops, raw writes, random
draws outside a replayed call, hooks, ``retain_graph``, ``create_graph``, ``autograd.grad``)
is refused through ``refuse``.
"""
import functools
import os
import sys
import threading

import numpy as np

from ..autograd import _array, _wrap
from ..autograd import accumulate as _accumulate
from ..autograd import engine as _engine
from ..autograd import factories as _factories
from ..autograd import sampling as _sampling
from ..autograd import function as _function
from ..autograd import random as _random
from ..autograd.function import _new_ctx
from ..autograd.graph import edge_end
from ..autograd.grad_mode import _Mode
from ..autograd.tensor import Tensor
from .program import BWD, CALL, FWD1, FWDK, FWDN, FWDU, ArrayRef, Program

_ARR = np.ndarray
_FACTORIES = {os.path.abspath(_factories.__file__), os.path.abspath(_sampling.__file__)}
# factories whose values depend on Python arguments only (shape, fill value, range)
_SAFE_FACTORIES = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "full_like", "empty_like",
                   "arange", "linspace", "logspace", "eye", "new_zeros", "new_ones", "new_full", "new_empty"}
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Unsupported(RuntimeError):
    """``tc.compile`` met something its program cannot replay (named in the message)."""


def _user_location() -> str:
    """file:line of the innermost frame outside the library: the user's line that did it."""
    f = sys._getframe(1)
    while f is not None:
        fn = os.path.abspath(f.f_code.co_filename)
        if not fn.startswith(_PKG_DIR):
            return f"{f.f_code.co_filename}:{f.f_lineno} in {f.f_code.co_name}"
        f = f.f_back
    return "<unknown>"


class _GuardedGenerator:
    """Stands in for the library's generator while tracing: a draw outside a replayed call
    would be frozen into the program, so it is refused; inside one (or in other threads) it
    forwards to the real generator, whose state advances exactly as eagerly."""

    def __init__(self, gen):
        self._gen = gen

    def __getattr__(self, name):
        tracer = _Mode.tracer
        if tracer is not None:
            tracer.refuse(f"a random draw (default_generator().{name}) outside a replayed op")
        return getattr(self._gen, name)


def _noting_make(orig):
    """``Tensor._make`` that, while tracing, tells the tracer a tensor was made outside the
    tape (ops make theirs with the tracer suspended)."""

    @functools.wraps(orig)
    def _make(cls, *args, **kwargs):
        t = orig(cls, *args, **kwargs)
        tracer = _Mode.tracer
        if tracer is not None:
            tracer.made_tensor(t)
        return t

    _make.__compile_guard__ = orig
    return classmethod(_make)


_MAKE_LOCK = threading.Lock()
_MAKE_USERS = [0, None]  # traces running (any thread), the original ``Tensor._make``


def install_make_hook() -> None:
    """Wrap ``Tensor._make`` while any trace runs: it reports tensors made outside the tape
    (in other threads, and in ops, it only costs one thread-local read more)."""
    with _MAKE_LOCK:
        if _MAKE_USERS[0] == 0:
            _MAKE_USERS[1] = Tensor.__dict__["_make"]
            Tensor._make = _noting_make(_MAKE_USERS[1].__func__)
        _MAKE_USERS[0] += 1


def remove_make_hook() -> None:
    """Undo ``install_make_hook`` once the last trace has finished."""
    with _MAKE_LOCK:
        _MAKE_USERS[0] -= 1
        if _MAKE_USERS[0] == 0:
            Tensor._make = _MAKE_USERS[1]


def _refusing(name, orig):
    """``Tensor.<name>`` that, while tracing, refuses (its value would steer Python)."""

    @functools.wraps(orig)  # name, docstring and signature (via __wrapped__) stay the method's
    def method(self, *args, **kwargs):
        tracer = _Mode.tracer
        if tracer is not None:
            tracer.refuse(f"Tensor.{name}() (a tensor's value read into Python)")
        return orig(self, *args, **kwargs)

    method.__compile_guard__ = orig
    return method


_REFUSED_METHODS = ("item", "tolist", "__bool__", "__float__", "__int__", "__index__", "numpy")


def install_value_guards() -> None:
    """Wrap the Tensor methods that read values into Python (once): while tracing they refuse,
    otherwise they cost one thread-local read more."""
    for name in _REFUSED_METHODS:
        orig = getattr(Tensor, name, None)
        if orig is not None and not hasattr(orig, "__compile_guard__"):
            setattr(Tensor, name, _refusing(name, orig))


class Tracer:
    """Records one eager call of a function into a ``Program`` (see the module docstring)."""

    def __init__(self, fullgraph: bool):
        self.fullgraph = fullgraph
        self.code = []
        self.refused = None
        self.dead = False  # refused without fullgraph: the rest of the call runs plainly
        self.did_backward = False
        self.map = {}  # id(traced tensor) -> holder tensor (inputs, op outputs, call results)
        self.keep = []  # the traced tensors: alive, so their ids stay theirs until the end
        self.out_arrays = {}  # id(array of an op output) -> holder (to spot computed root grads)
        self.input_leaves = {}  # id(input tensor) -> input index (leaves whose .grad follows the call)
        self.grad_of = {}  # id(a leaf's .grad tensor) -> (holder, leaf)
        self.grad_holders = []
        self.nodes = {}  # backward node -> buffer slot
        self.made = {}  # id(tensor made while tracing, not by an op) -> (safe?, where); see made()
        self.persistent = {}  # id(array) -> a persistent tensor (parameter, buffer) holding it
        self.saved_holders = {}  # id(ctx) -> holders its backward reads (see _note_saved)
        self.pinned = set()  # ids of holders kept to the end of a replay (users' Functions' args)

    def made_tensor(self, t) -> None:
        """A tensor was made, not by an op, while tracing (``Tensor._make``): note whether a
        factory made it from Python values (safe to replay as a constant) and where."""
        self.keep.append(t)
        f = sys._getframe(2)
        lib = factory = None
        while f is not None:
            code = f.f_code
            if os.path.abspath(code.co_filename) in _FACTORIES:
                factory = f  # the outermost factory frame is the public one (tc.zeros, not _new)
            elif factory is not None:
                break
            elif lib is None and code.co_name not in ("_make", "_wrap", "const"):
                lib = f"{code.co_name} at {os.path.basename(code.co_filename)}:{f.f_lineno}"
            f = f.f_back
        if factory is not None:
            name = factory.f_code.co_name
            if name in ("tensor", "as_tensor", "new_tensor"):
                data = factory.f_locals.get("data")
                self.made[id(t)] = (not isinstance(data, (Tensor, _ARR)), f"tc.{name}(<{type(data).__name__}>)")
            else:
                self.made[id(t)] = (name in _SAFE_FACTORIES, f"tc.{name}")
            return
        self.made[id(t)] = (False, f"by {lib}, called at {_user_location()}")
    # ---- refusals ------------------------------------------------------------------------
    def refuse(self, what: str) -> None:
        """Stop: ``what`` cannot be replayed. Raises ``Unsupported`` (fullgraph) or turns the
        rest of this call into plain eager execution."""
        if self.dead:
            return
        msg = (
            f"tc.compile cannot capture {what} at {_user_location()}: the compiled program would "
            "not repeat it. Move it out of the compiled function, or compile with "
            "fullgraph=False to run this function eagerly."
        )
        self.refused = msg
        if self.fullgraph:
            raise Unsupported(msg)
        self.dead = True
        _Mode.tracer = None

    def raw_write(self, t) -> None:
        """A raw in-place write (``_bump_version``) outside a replayed call."""
        self.refuse(f"an in-place write to a tensor of shape {tuple(t.shape)} outside the tape")

    def _resume(self):
        _Mode.tracer = None if self.dead else self

    # ---- references ----------------------------------------------------------------------
    def add_input(self, t, index):
        h = _wrap(_array(t), t.requires_grad)
        self._bind(t, h)
        if t.requires_grad and t._grad_fn is None:
            self.input_leaves[id(t)] = index
        return h

    def _bind(self, t, h):
        self.map[id(t)] = h
        self.keep.append(t)
        self.out_arrays[id(_array(t))] = h

    def ref(self, a, user="an op"):
        """What stands for argument ``a`` (of ``user``) in the program: a holder, a persistent
        tensor itself (a parameter, a buffer), a constant made by a factory, or a plain value."""
        if isinstance(a, Tensor):
            h = self.map.get(id(a))
            if h is not None:
                return h
            g = self.grad_of.get(id(a))
            if g is not None:
                return g[0]
            made = self.made.get(id(a))
            if made is not None:
                # made inside the function, not by an op: an alias (detach()) of an array the
                # program knows, a factory's constant, or values the replay would freeze
                arr = _array(a)
                h = self.out_arrays.get(id(arr))
                if h is not None:
                    return h
                p = self.persistent.get(id(arr))
                if p is not None:
                    return p
                # float zeros (the library's initial RNN states and the like) are taken as constants
                if not made[0] and not (arr.dtype.kind == "f" and not arr.any()):
                    self.refuse(f"a tensor made outside the tape ({made[1]}) and used by {user}: the "
                                "replay would freeze its values (comparisons, masks, .to() of integers, "
                                "tensors built from other tensors' data are made that way)")
            return a
        if a.__class__ is list or a.__class__ is tuple:
            return a.__class__(self.ref(x, user) for x in a)
        if a.__class__ is _ARR:
            # an op handed another tensor's raw array (cross_entropy passes target._data)
            h = self.out_arrays.get(id(a))
            if h is not None:
                return ArrayRef(h)
            if a.base is not None and id(a.base) in self.out_arrays:
                self.refuse("an op argument that is a NumPy view of a tensor computed in the function")
        return a

    # ---- the three hooks -----------------------------------------------------------------
    def apply(self, cls, args, kwargs):
        """``Function.apply`` while tracing: run it plainly, record the forward call."""
        # suspended while the op runs (ops inside it are its own business) and while recording
        _Mode.tracer = None
        try:
            out = cls.apply(*args, **kwargs)
            if not self.dead:
                self._record_apply(cls, args, kwargs, out)
        finally:
            self._resume()
        return out

    def _record_apply(self, cls, args, kwargs, out):
        outs = out if out.__class__ is tuple else (out,)
        nxt = None
        if _Mode.enabled and any(isinstance(a, Tensor) and a.requires_grad for a in args):
            nxt = tuple([(True,) if isinstance(a, Tensor) and a.requires_grad else None for a in args])
        ctx = None
        for o in outs:
            if isinstance(o, Tensor) and o._grad_fn is not None and o._grad_fn._fn is cls:
                ctx = o._grad_fn
                break
        if ctx is None:
            if nxt is None and cls._raw:
                ctx = _function._NOREC
            else:
                ctx = _new_ctx(cls, nxt if nxt is not None else (None,) * len(args))
        holders = []
        for o in outs:
            if isinstance(o, Tensor):
                h = _wrap(_array(o), o.requires_grad)
                self._bind(o, h)
                holders.append(h)
            else:
                holders.append(None)
        rargs = tuple(self.ref(a, cls.__name__) for a in args)
        if any(a.__class__ is ArrayRef for a in rargs) and cls._raw and not kwargs:
            # the general path resolves array references on every replay
            self.code.append((FWDK, cls.forward, ctx, rargs, {}, tuple(holders), out.__class__ is tuple))
        elif not cls._raw:
            self.code.append((FWDU, cls.forward, ctx, rargs, {k: self.ref(v) for k, v in kwargs.items()},
                              tuple(holders), out.__class__ is tuple))
        elif kwargs:
            self.code.append((FWDK, cls.forward, ctx, rargs, {k: self.ref(v) for k, v in kwargs.items()},
                              tuple(holders), out.__class__ is tuple))
        elif out.__class__ is tuple:
            self.code.append((FWDN, cls.forward, ctx, rargs, tuple(holders)))
        else:
            self.code.append((FWD1, cls.forward, ctx, rargs, holders[0], cls))
        self._note_saved(cls, ctx, args)

    def _note_saved(self, cls, ctx, args):
        """Which holders this op's ctx keeps for its backward (they live until it has run):
        what a built-in saved or stashed in ``_aux``; every tensor argument of a user's
        Function (its forward may keep them anywhere)."""
        if ctx is _function._NOREC:
            return
        if not cls._raw:
            found = [a for a in args if isinstance(a, Tensor)]
        else:
            found = []
            _tensors_in((ctx._saved, ctx._aux, list(getattr(ctx, "__dict__", {}).values())), found, 3)
        hs = [self.map[id(t)] for t in found if id(t) in self.map]
        hs += [self.grad_of[id(t)][0] for t in found if id(t) in self.grad_of]
        if hs:
            self.saved_holders.setdefault(id(ctx), []).extend(hs)
            if not cls._raw:
                self.pinned.update(id(h) for h in hs)

    def call(self, fn, args, kwargs):
        """A ``replayed`` function while tracing: run it plainly, record the call."""
        # generators (``model.parameters()``) would be empty on the second call: keep a list
        args = tuple(list(a) if _is_iterator(a) else a for a in args)
        kwargs = {k: (list(v) if _is_iterator(v) else v) for k, v in kwargs.items()}
        if getattr(fn, "__name__", "") == "step" and (kwargs.get("closure") is not None or
                                                      (len(args) > 1 and args[1] is not None)):
            self.refuse("optimizer.step(closure) (the closure re-runs the model in Python)")
        _Mode.tracer = None
        try:
            res = fn(*args, **kwargs)
            if not self.dead:
                self._record_call(fn, args, kwargs, res)
        finally:
            self._resume()
        return res

    def _record_call(self, fn, args, kwargs, res):
        holder = None
        if isinstance(res, Tensor):
            holder = _wrap(_array(res), res.requires_grad)
            self._bind(res, holder)
        elif res is not None and not isinstance(res, (int, float, bool, str)):
            self.refuse(f"{getattr(fn, '__qualname__', fn)} returning {type(res).__name__}")
        name = getattr(fn, "__qualname__", "a replayed call")
        self.code.append((CALL, fn, tuple(self.ref(a, name) for a in args),
                          {k: self.ref(v, name) for k, v in kwargs.items()}, holder))

    def backward(self, roots, root_grads, retain_graph, create_graph, inputs, allow_unused):
        """``run_backward`` while tracing: the engine's walk, run here and recorded."""
        if create_graph:
            self.refuse("backward(create_graph=True) (a differentiable backward)")
        elif retain_graph:
            self.refuse("backward(retain_graph=True)")
        elif inputs is not None:
            self.refuse("autograd.grad() / backward(inputs=...)")
        elif _Mode.anomaly:
            self.refuse("backward under anomaly detection")
        if self.dead:
            return _engine.run_backward(roots, root_grads, retain_graph, create_graph, inputs, allow_unused)
        _Mode.tracer = None  # the gradients and .grad tensors made below are the program's business
        try:
            self._record_backward(roots, root_grads)
        finally:
            self._resume()

    def _record_backward(self, roots, root_grads):
        self.did_backward = True
        seeds = []
        buf, leaf_buf, root_nodes = {}, {}, []
        for t, g in zip(roots, root_grads):
            if id(g) in self.out_arrays or (g.base is not None and id(g.base) in self.out_arrays):
                self.refuse("backward(gradient=<a tensor computed in the function>)")
            fn = t._grad_fn
            if fn is None:
                self.refuse("backward() of a leaf tensor")
            slot = self._slot(fn)
            seeds.append((slot, t._output_nr if fn._n_out > 1 else None, g, fn._n_out))
            if fn._n_out == 1:
                buf[fn] = g if fn not in buf else _engine._add(buf[fn], g)
            else:
                lst = buf.setdefault(fn, [None] * fn._n_out)
                i = t._output_nr
                lst[i] = g if lst[i] is None else _engine._add(lst[i], g)
            if fn not in root_nodes:
                root_nodes.append(fn)
        foreign = {id(_accumulate.owner(g)) for g in root_grads if g.__class__ is _ARR}
        deps = _engine._collect(root_nodes)
        steps = []
        prev = _Mode.enabled, _Mode.arrays
        _Mode.enabled, _Mode.arrays = False, True
        try:
            ready = [n for n in root_nodes if not deps[n]]
            while ready:
                node = ready.pop()
                g = buf.pop(node, None)
                if node._hooks is not None or node._retain is not None:
                    self.refuse("a hook or retain_grad() on a tensor computed in the function")
                if g is None:
                    res = (None,) * len(node._next)
                else:
                    res = _engine._call_backward(node, g, True, None, None, True, False)
                fast = node._fn._raw
                routes = []
                for e, r in zip(node._next, res):
                    if e is None:
                        routes.append(None)
                        continue
                    p, idx = edge_end(e)
                    if idx is None:
                        if p._hooks:
                            self.refuse("a hook on a leaf tensor")
                        routes.append((True, p, self.input_leaves.get(id(p)), 1))
                    else:
                        routes.append((False, self._slot(p), idx if p._n_out > 1 else None, p._n_out))
                    if r is not None:
                        # a user Function's gradients were checked and unwrapped by _call_backward
                        if fast and r.__class__ is not _ARR:
                            r = np.asarray(r)
                        if idx is None:
                            _engine._acc(leaf_buf, p, r)
                            continue
                        if p._n_out == 1:
                            old = buf.get(p)
                            buf[p] = r if old is None else _engine._add(old, r)
                        else:
                            lst = buf.setdefault(p, [None] * p._n_out)
                            lst[idx] = r if lst[idx] is None else _engine._add(lst[idx], r)
                    elif idx is None:
                        continue
                    d = deps[p] - 1
                    deps[p] = d
                    if d == 0:
                        ready.append(p)
                if g is not None:
                    steps.append((node, self._slot(node), tuple(routes), fast))
            _Mode.arrays = False
            _accumulate.accumulate_leaves(leaf_buf, False, foreign)
        finally:
            _Mode.enabled, _Mode.arrays = prev
        for p in leaf_buf:
            g = p.grad
            if g is not None and id(g) not in self.grad_of:
                h = _wrap(_array(g))
                self.grad_of[id(g)] = (h, p)
                self.keep.append(g)
                self.grad_holders.append((h, p, self.input_leaves.get(id(p))))
        self.code.append((BWD, tuple(seeds), tuple(steps), len(self.nodes), foreign))

    def _slot(self, node):
        s = self.nodes.get(node)
        if s is None:
            s = self.nodes[node] = len(self.nodes)
        return s

    # ---- the result ----------------------------------------------------------------------
    def program(self, input_holders, out_spec) -> Program:
        prog = Program(self.code, input_holders, out_spec, tuple(self.grad_holders))
        prog.saved_holders = self.saved_holders
        prog.pinned = self.pinned
        return prog


def _tensors_in(obj, found, depth):
    """The tensors in ``obj``, looking into tuples, lists and dicts ``depth`` levels deep."""
    if isinstance(obj, Tensor):
        found.append(obj)
    elif depth and isinstance(obj, (tuple, list)):
        for x in obj:
            _tensors_in(x, found, depth - 1)
    elif depth and isinstance(obj, dict):
        for x in obj.values():
            _tensors_in(x, found, depth - 1)


def _is_iterator(a):
    return hasattr(a, "__next__") and hasattr(a, "__iter__") and not isinstance(a, (Tensor, str, bytes))


class tracing:
    """Context manager: ``tracer`` records this thread's work; the generator is guarded."""

    def __init__(self, tracer: Tracer):
        self.tracer = tracer

    def __enter__(self):
        install_value_guards()
        install_make_hook()
        self._gen = _random._state["gen"]
        if not isinstance(self._gen, _GuardedGenerator):
            _random._state["gen"] = _GuardedGenerator(self._gen)
        self._prev = _Mode.tracer
        _Mode.tracer = self.tracer
        return self.tracer

    def __exit__(self, *exc):
        remove_make_hook()
        _Mode.tracer = self._prev
        if isinstance(_random._state["gen"], _GuardedGenerator) and not isinstance(self._gen, _GuardedGenerator):
            _random._state["gen"] = _random._state["gen"]._gen
        return False

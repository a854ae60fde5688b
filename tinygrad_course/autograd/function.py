"""The tape's one mechanism: ``Function`` (an op's forward and backward side by side) and
``Node`` (the record one call leaves on the tape, which is also its ``ctx``)."""
import numpy as np

from .grad_mode import NO_GRAD, _Mode
from . import anomaly as _anomaly
from .custom import run_forward as _run_user_forward
from .graph import GraphNode
from .saved import SavedTensors, freed_getattr, save_output as _save_output
from .views import register as _register_view

_ARR = np.ndarray
_new_tensor = object.__new__

class Node(SavedTensors, GraphNode):
    """One recorded call of a ``Function``: its ``ctx`` in forward, its graph node in backward.

    ``_next[i]`` is the edge to input i: the producing node itself for a computed tensor that
    is its node's first (usually only) output, ``(node, output_nr)`` for a later output,
    ``(leaf_tensor, None)`` for a leaf that requires grad, ``None`` otherwise. (A bare node
    instead of ``(node, 0)`` spares a long-lived tuple per op: the garbage collector's work
    grows with every object a graph keeps.) ``graph.edge_end`` reads any of them.
    
    >>> tc.tensor([1.], requires_grad=True).exp().grad_fn.name()
    'ExpBackward0'
    """

    # hot fields are slots, set when a node is made (the engine reads them on every op, and the
    # interpreter caches reads of slots, not of class-level defaults); rarely set ones are
    # class-level defaults (an instance that sets one writes it to its __dict__)
    __slots__ = ("_fn", "_next", "_saved", "_versions", "_aux", "_n_out", "_special", "__dict__", "__weakref__")
    _out_meta = None
    _hooks = None
    _retain = None
    _non_diff = None
    _trace = None
    materialize_grads = True

    # ---- ctx API (PyTorch's) -------------------------------------------------------------
    @property
    def needs_input_grad(self):
        """One bool per forward argument: does it need a gradient."""
        return tuple([e is not None for e in self._next])

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that carry no gradient (e.g. indices)."""
        self._non_diff = tensors

    def mark_dirty(self, *tensors):
        """Accepted for PyTorch compatibility; in-place outputs are handled by ``apply``."""

    def set_materialize_grads(self, value):
        """Whether missing output grads reach backward as zeros (True) or None."""
        self.materialize_grads = bool(value)

class _UserNode(Node):
    """The node of a Function whose forward may store arrays as ctx attributes (a user's):
    reading one after backward freed it is PyTorch's "backward a second time" error. Built-ins'
    nodes lack this ``__getattr__``, which would keep the interpreter from caching their
    attribute reads on the engine's hot paths."""

    __slots__ = ()

    __getattr__ = freed_getattr


class FunctionMeta(type):
    """Gives every Function its own node class, named as PyTorch names backward nodes
    (``MulBackward0`` for a built-in, ``MyFnBackward`` for a user's Function), so graph-walking
    code that prints ``type(t.grad_fn).__name__`` reads as in the tutorials."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        # every Function of the package is a built-in for naming (PyTorch's "0"), a user's is not
        builtin = cls._raw or cls.__module__.startswith("tinygrad_course.")
        suffix = "Backward0" if builtin else "Backward"
        cls._node_name = name + suffix
        # apply's hot path: a built-in that makes no view (one class attribute read per op)
        cls._hot = bool(cls._raw and not cls._view)
        # forward takes no ctx when a subclass defines setup_context (PyTorch 2's style)
        cls._setup_context = any("setup_context" in vars(k) for k in cls.__mro__ if k.__name__ != "Function")
        base = Node if cls._raw else _UserNode
        cls._node_cls = type(cls._node_name, (base,), {"__slots__": (), "__module__": cls.__module__})


class Function(metaclass=FunctionMeta):
    """A differentiable operation: subclass it with static ``forward(ctx, ...)`` and
    ``backward(ctx, *grad_outputs)``, call it with ``Fn.apply(...)``.

    ``forward`` receives the arguments as given (Tensors, numbers, ...) with recording off and
    returns a Tensor, an ndarray or a tuple of them. ``backward`` receives one gradient per
    output and returns one per input (None where there is none); written with tensor ops it is
    itself differentiable, which is what ``create_graph=True`` needs.

    Built-in ops set ``_raw = True``: their forward reads ``x._data`` and their backward
    formulas work unchanged on ndarrays (plain backward, fast) and on Tensors (create_graph).
    
    >>> class Square(tc.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return 2 * x * g
    >>> x = tc.tensor([3.], requires_grad=True)
    >>> Square.apply(x).backward()
    >>> x.grad
    tensor([6.])
    """

    _raw = False
    _view = False  # built-in view ops (reshape, transpose, basic indexing) set True

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            f"{type(self).__name__}: Function objects are not instantiated; call {type(self).__name__}.apply(...)"
        )

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the outputs from the inputs (static; ``ctx`` keeps what backward needs, via
        ``ctx.save_for_backward``)."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Given the gradients of the outputs, return one gradient per forward input (None for
        non-tensors); static, written with tensor ops so that it can be differentiated again."""
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    # alias of backward, as in PyTorch
    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        """PyTorch 2's style: define it (and a ``forward`` without ``ctx``) to save what backward
        needs from ``inputs`` (the tuple of arguments) and ``output``."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run forward and, if any input requires grad and grad mode is on, record it on the tape."""
        path = _Mode.path  # the one per-thread read of the op (see grad_mode.py)
        if path:
            if path == NO_GRAD and cls._raw:
                return _unrecorded(cls, args, kwargs)
            return _apply_general(cls, args, kwargs)
        # the edges to the inputs' nodes (or leaves), None for constants; spelled out for
        # one and two inputs because this runs for every op
        nxt = None
        n = len(args)
        if n == 2:
            a, b = args
            ea = eb = None
            if a.__class__ is Tensor or isinstance(a, Tensor):
                if a._rg:
                    ea = (a._grad_fn if not a._output_nr else (a._grad_fn, a._output_nr)) if a._grad_fn is not None else (a, None)
            if b.__class__ is Tensor or isinstance(b, Tensor):
                if b._rg:
                    eb = (b._grad_fn if not b._output_nr else (b._grad_fn, b._output_nr)) if b._grad_fn is not None else (b, None)
            if ea is not None or eb is not None:
                nxt = (ea, eb)
        elif n == 1:
            a = args[0]
            if isinstance(a, Tensor) and a._rg:
                nxt = ((a._grad_fn if not a._output_nr else (a._grad_fn, a._output_nr)) if a._grad_fn is not None else (a, None),)
        else:
            nxt = _edges(args)
        if nxt is None or not cls._hot:
            return _run(cls, nxt, args, kwargs)
        # a built-in, recording, no view, one array output: the hot path of every op, kept inline
        ctx = Node()  # (no __init__: a bare type call is the cheapest way to make one)
        ctx._fn = cls
        ctx._saved = None
        ctx._aux = None
        ctx._n_out = 1
        ctx._special = False  # hooks, retain_grad or several outputs: the engine's slow path
        ctx._next = nxt  # built-ins test ``if ctx._next:`` (recording?), ``ctx._next[i]`` (input i)
        # the arity spelled out: a call through *args costs an interpreter frame of its own
        if kwargs or n > 2:
            out = cls.forward(ctx, *args, **kwargs)
        elif n == 2:
            out = cls.forward(ctx, a, b)
        else:
            out = cls.forward(ctx, a)
        if out.__class__ is not _ARR:
            return _finish(cls, ctx, out, nxt, args)
        t = _new_tensor(Tensor)
        t._data = out
        t._output_nr = 0
        t._vc = [0]
        if out.dtype.kind == "f":  # (no built-in marks its one output non-differentiable)
            t._rg = True
            t._grad_fn = ctx
        else:
            t._rg = False
            t._grad_fn = None
        saved = ctx._saved
        if saved is not None and ctx._versions is not None:  # (None: only numbers were saved)
            for j, sv in enumerate(saved):
                if sv is out:
                    _save_output(ctx, j, t, 0)
        return t


def _edges(args):
    """The tape edges of ``args`` (see ``Node``), None per argument that needs no gradient;
    None when no argument requires grad."""
    for a in args:
        if isinstance(a, Tensor) and a._rg:
            return tuple([_edge(a) if isinstance(a, Tensor) and a._rg else None for a in args])
    return None


def _edge(a):
    """The edge to tensor ``a`` (which requires grad): its node, or ``(node, output_nr)`` for a
    later output of a node, or ``(a, None)`` for a leaf."""
    if a._grad_fn is None:
        return (a, None)
    return a._grad_fn if not a._output_nr else (a._grad_fn, a._output_nr)


def _apply_general(cls, args, kwargs):
    """``apply`` with grad mode off, in anomaly mode or while ``tc.compile`` traces."""
    tracer = _Mode.tracer
    if tracer is not None:
        return tracer.apply(cls, args, kwargs)
    return _run(cls, _edges(args) if _Mode.enabled else None, args, kwargs)


def _unrecorded(cls, args, kwargs):
    """A built-in with nothing to record: its forward writes to ctx only when recording, so all
    of them share one inert ctx (the no_grad / inference fast path)."""
    if kwargs or len(args) != 2:
        out = cls.forward(_NOREC, *args, **kwargs)
    else:  # the commonest arity, without the frame of a call through *args
        out = cls.forward(_NOREC, args[0], args[1])
    if out.__class__ is _ARR and not (cls._view and out.base is not None):
        t = _new_tensor(Tensor)
        t._data = out
        t._rg = False
        t._grad_fn = None
        t._output_nr = 0
        t._vc = [0]
        return t
    return _finish(cls, _new_ctx(cls, ()), out, None, args)


def _run(cls, nxt, args, kwargs):
    """``apply``'s general path, given the edges ``nxt`` (None: nothing to record)."""
    if nxt is None and cls._raw:
        return _unrecorded(cls, args, kwargs)
    ctx = _new_ctx(cls, nxt if nxt is not None else (None,) * len(args))
    out = cls.forward(ctx, *args, **kwargs) if cls._raw else _run_user_forward(cls, ctx, args, kwargs)
    return _finish(cls, ctx, out, nxt, args)


def _new_ctx(cls, nxt):
    """A fresh node (the ctx of one call of ``cls``) with edges ``nxt``."""
    ctx = (Node if cls is None or cls._raw else cls._node_cls)()
    ctx._fn = cls
    ctx._next = nxt
    ctx._saved = None
    ctx._aux = None
    ctx._n_out = 1
    ctx._special = False
    return ctx


_NOREC = _new_ctx(None, ())  # the shared ctx of built-ins that record nothing (see _unrecorded)


def _finish(cls, ctx, out, nxt, args):
    """Wrap forward's result (one output or a tuple) in Tensors and, when recording, attach the node."""
    if out.__class__ is tuple:
        return tuple(_wrap_outputs(cls, ctx, out, nxt, args))
    return _wrap_outputs(cls, ctx, (out,), nxt, args)[0]


def _as_array(o, cls):
    if o.__class__ is np.ndarray:
        return o
    if isinstance(o, Tensor):
        return o._data
    if o is None:
        return None
    if isinstance(o, (np.generic, int, float, bool)):
        return np.asarray(o)
    raise TypeError(f"{cls.__name__}.forward must return Tensors or arrays, got {type(o).__name__}")


def _wrap_outputs(cls, ctx, outs, nxt, args):
    arrays = [_as_array(o, cls) for o in outs]
    # a view shares its base's version counter, so in-place changes through it are seen
    is_view = cls._view and arrays[0] is not None and arrays[0].base is not None and _may_share(arrays[0], args[0]._data)
    vc = args[0]._vc if is_view else None
    if nxt is None:
        ctx._saved = None
        res = [None if a is None else Tensor._make(a, False, None, 0, vc) for a in arrays]
        if is_view:
            if _Mode.enabled:
                _register_view(res[0], args[0], cls, args[1:])
            else:
                res[0].__dict__["_nograd_view"] = True
        return res
    if len(arrays) > 1:
        ctx._n_out = len(arrays)
        ctx._special = True
        ctx._out_meta = tuple(None if a is None else (a.shape, a.dtype) for a in arrays)
    nondiff = ctx._non_diff
    res = []
    for i, (o, a) in enumerate(zip(outs, arrays)):
        if a is None:
            res.append(None)
            continue
        diff = a.dtype.kind == "f" and not (nondiff and any(o is n for n in nondiff))
        res.append(Tensor._make(a, diff, ctx if diff else None, i, vc if i == 0 else None))
    if is_view and res[0] is not None:
        _register_view(res[0], args[0], cls, args[1:])
    saved = ctx._saved
    if saved is not None:
        for j, sv in enumerate(saved):
            for i, o in enumerate(outs):
                if sv is o and o is not None and res[i] is not None:
                    _save_output(ctx, j, res[i], i)
                    break
    if _Mode.anomaly:
        _anomaly.record_forward(ctx, arrays)
    return res


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

_may_share = np.may_share_memory

"""``gradcheck_graph``: when a whole model's gradient is wrong, say which op is wrong.

PyTorch's ``gradcheck`` compares the Jacobian of the whole function, so it can only say *that*
the gradient is wrong. Here every node of the recorded graph is checked on its own: its
``backward`` against central differences of its own ``forward``, at the very values it saw
during the run, in graph order from the inputs. The first node that fails is the culprit.

How: while ``fn(*inputs)`` runs, ``Function.apply`` is temporarily wrapped (and restored when
the last active check ends, also on error) to record, for every call of this thread that lands
on the tape, the Function class, float64 copies of its arguments and the user's source line that
made the call. Other threads pass through the wrapper unrecorded.
"""
import linecache
import math
import os
import sys
import threading
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import function as _function
from .engine_api import grad as _grad
from .gradcheck import GradcheckError
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .storage import _array, _wrap
from .tensor import Tensor

__all__ = ["gradcheck_graph", "GraphCheckReport", "NodeCheck", "GradcheckError"]

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_line(frame) -> str:
    """``file:line in func: code`` of the first frame outside the package (the user's call)."""
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PKG_DIR):
        frame = frame.f_back
    if frame is None:
        return "<inside tinygrad_course>"
    fname, lineno = frame.f_code.co_filename, frame.f_lineno
    code = linecache.getline(fname, lineno).strip()
    if not fname.startswith("<"):
        try:
            rel = os.path.relpath(fname)
            fname = fname if rel.startswith("..") else rel
        except ValueError:  # another drive on Windows
            pass
    return f"{fname}:{lineno} in {frame.f_code.co_name}: {code}"


class _Arg:
    """One recorded argument: a tensor's float64 (or original-dtype) copy, or a plain value."""

    __slots__ = ("value", "is_tensor", "diff")

    def __init__(self, a: Any):
        self.is_tensor = isinstance(a, Tensor)
        if self.is_tensor:
            arr = np.array(_array(a), copy=True)
            # only float tensors that required grad are inputs of the check; integer indices and
            # constants keep their values and dtypes
            self.diff = a.requires_grad and arr.dtype.kind == "f"
            self.value = arr.astype(np.float64) if arr.dtype.kind == "f" else arr
        else:
            self.diff = False
            self.value = np.array(a, copy=True) if isinstance(a, np.ndarray) else a


class _Call:
    """One recorded ``Fn.apply`` call that put a node on the tape."""

    __slots__ = ("cls", "args", "kwargs", "where", "node")

    def __init__(self, cls, args, kwargs, where, node):
        self.cls, self.args, self.kwargs, self.where, self.node = cls, args, kwargs, where, node


_lock = threading.Lock()
_installed = {"count": 0, "saved": None}  # how many recorders are active, the apply they replaced
_local = threading.local()  # each thread's stack of active recorders


def _recording_apply(original):
    """``Function.apply`` that also reports each taped call to this thread's innermost recorder."""

    def apply(cls, *args, **kwargs):
        stack = getattr(_local, "stack", None)
        if not stack or not is_grad_enabled() or not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return original(cls, *args, **kwargs)
        # copy before the call: an in-place forward may change its inputs
        rec = [_Arg(a) for a in args]
        where = _user_line(sys._getframe(1))
        out = original(cls, *args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        node = next((o.grad_fn for o in outs if isinstance(o, Tensor) and o.grad_fn is not None), None)
        if node is not None:
            stack[-1].calls.append(_Call(cls, rec, dict(kwargs), where, node))
        return out

    return apply


class _Recorder:
    """Context manager: while active, every ``Function.apply`` call of this thread that lands on
    the tape is kept in ``calls``.

    ``Function.apply`` is swapped on the class while any recorder is active (the first one in
    installs the wrapper, the last one out restores the original); other threads' calls pass
    straight through it, so concurrent use is safe, only slower for everyone meanwhile."""

    def __init__(self):
        self.calls: List[_Call] = []

    def __enter__(self):
        with _lock:
            if _installed["count"] == 0:
                Function = _function.Function
                _installed["saved"] = Function.__dict__["apply"]
                Function.apply = classmethod(_recording_apply(_installed["saved"].__func__))
            _installed["count"] += 1
        if not hasattr(_local, "stack"):
            _local.stack = []
        _local.stack.append(self)
        return self

    def __exit__(self, *exc):
        _local.stack.remove(self)
        with _lock:
            _installed["count"] -= 1
            if _installed["count"] == 0:
                _function.Function.apply = _installed["saved"]
                _installed["saved"] = None
        return False


class NodeCheck:
    """One row of a ``GraphCheckReport``: one node of the graph checked on its own.

    ``name`` (e.g. ``"MmBackward0"``), ``node`` (the ``grad_fn`` object itself), ``created_at``
    (the user's line that created the node), ``input_shapes`` (of every tensor argument),
    ``max_error`` (largest |analytical - numerical| over its Jacobian, NaN when skipped), ``ok``,
    and ``detail`` (why it failed or was skipped, else "")."""

    __slots__ = ("index", "name", "node", "created_at", "input_shapes", "max_error", "ok", "detail")

    def __init__(self, index, name, node, created_at, input_shapes, max_error, ok, detail=""):
        self.index, self.name, self.node, self.created_at = index, name, node, created_at
        self.input_shapes, self.max_error, self.ok, self.detail = input_shapes, max_error, ok, detail

    def __repr__(self):
        return (f"NodeCheck({self.index}, {self.name!r}, created_at={self.created_at!r}, "
                f"input_shapes={self.input_shapes}, max_error={self.max_error:.3g}, ok={self.ok})")


class GraphCheckReport:
    """The rows of ``gradcheck_graph``, in graph order from the inputs; true when every node passed.

    ``report.rows`` (a list of ``NodeCheck``), ``report.ok``, ``report.failures``; ``str(report)``
    is a table; iterating or indexing it goes over the rows."""

    def __init__(self, rows: List[NodeCheck]):
        self.rows = rows

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def failures(self) -> List[NodeCheck]:
        return [r for r in self.rows if not r.ok]

    def __bool__(self):
        return self.ok

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __str__(self):
        lines = [f"{'#':>3}  {'node':<22} {'inputs':<26} {'max error':>10}  ok    created at"]
        for r in self.rows:
            shapes = ", ".join(str(tuple(s)) for s in r.input_shapes)
            err = "-" if math.isnan(r.max_error) else f"{r.max_error:.2e}"
            ok = "yes" if r.ok else "NO"
            lines.append(f"{r.index:>3}  {r.name:<22} {shapes:<26} {err:>10}  {ok:<5} {r.created_at}"
                         + (f"  [{r.detail}]" if r.detail and r.ok else ""))
        return "\n".join(lines)

    __repr__ = __str__


def _reachable(outputs) -> Optional[set]:
    """ids of the nodes reachable from the outputs' ``grad_fn`` (iterative walk of ``next_functions``)."""
    outs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    stack = [o.grad_fn for o in outs if isinstance(o, Tensor) and o.grad_fn is not None]
    if not any(isinstance(o, Tensor) for o in outs):
        return None
    seen = set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        stack.extend(e[0] for e in n.next_functions)
    return seen


def _build(call: _Call, diff_vals: Sequence[np.ndarray], requires_grad: bool):
    """Fresh tensor arguments for one re-run of the call (a forward may write into its inputs)."""
    it = iter(diff_vals)
    args, xs = [], []
    for a in call.args:
        if a.diff:
            x = _wrap(np.array(next(it), copy=True), requires_grad=requires_grad)
            xs.append(x)
            args.append(x)
        elif a.is_tensor:
            args.append(_wrap(np.array(a.value, copy=True)))
        else:
            args.append(a.value)
    return args, xs


def _outputs(out) -> List[Tuple[int, Tensor]]:
    """(position, tensor) of the floating-point tensors a forward returned."""
    outs = out if isinstance(out, tuple) else (out,)
    return [(i, o) for i, o in enumerate(outs) if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _check_call(call: _Call, eps: float, atol: float, rtol: float):
    """Jacobians of one node (analytical from its backward, numerical from its forward).

    Returns ``(max_error, failure)`` where failure is None or ``(input k, input element, output o,
    output element, numerical, analytical, tolerance)`` of the worst element."""
    diff_idx = [k for k, a in enumerate(call.args) if a.diff]
    base = [call.args[k].value for k in diff_idx]
    with enable_grad():
        args, xs = _build(call, base, True)
        pairs = [(i, o) for i, o in _outputs(call.cls.apply(*args, **call.kwargs)) if o.requires_grad]
        pos, outs = [i for i, _ in pairs], [o for _, o in pairs]
        if any(_array(o).dtype != np.float64 for o in outs):
            # a cast to lower precision: central differences in float32 would be noise, not a check
            return float("nan"), "skipped"
        analytical = []
        try:
            for o in outs:
                blocks = [np.zeros((o.numel(), x.numel())) for x in xs]
                for r in range(o.numel()):
                    onehot = np.zeros(o.numel(), dtype=_array(o).dtype)
                    onehot[r] = 1
                    gs = _grad(o, xs, _wrap(onehot.reshape(o.shape)), retain_graph=True, allow_unused=True)
                    for c, (b, g) in enumerate(zip(blocks, gs)):
                        if g is not None:
                            if tuple(g.shape) != tuple(xs[c].shape):
                                raise RuntimeError(f"the gradient of input {diff_idx[c]} has shape {tuple(g.shape)}, "
                                                   f"expected {tuple(xs[c].shape)}")
                            b[r] = _array(g).astype(np.float64).reshape(-1)
                analytical.append(blocks)
        except Exception as e:  # a backward that raises is as wrong as one that miscomputes
            return float("nan"), f"its backward raised {type(e).__name__}: {e}"
    numerical = [[np.zeros((o.numel(), x.numel())) for x in xs] for o in outs]
    with no_grad():
        for c in range(len(xs)):
            for j in range(base[c].size):
                vals = []
                for sign in (1.0, -1.0):
                    pert = list(base)
                    pert[c] = base[c].copy()
                    pert[c].reshape(-1)[j] += sign * eps
                    args, _ = _build(call, pert, False)
                    res = dict(_outputs(call.cls.apply(*args, **call.kwargs)))
                    vals.append([_array(res[i]).astype(np.float64).reshape(-1) for i in pos])
                for o in range(len(outs)):
                    numerical[o][c][:, j] = (vals[0][o] - vals[1][o]) / (2 * eps)
    worst, fail, max_err = -np.inf, None, 0.0
    for o, out in enumerate(outs):
        for c, k in enumerate(diff_idx):
            a, n = analytical[o][c], numerical[o][c]
            if a.size == 0:
                continue
            diff = np.abs(a - n)
            # a NaN on either side is a mismatch (as in gradcheck's allclose)
            excess = np.where(np.isnan(diff), np.inf, diff - (atol + rtol * np.abs(n)))
            max_err = max(max_err, float(np.nanmax(diff))) if not np.isnan(diff).all() else float("nan")
            r, j = np.unravel_index(int(np.argmax(excess)), excess.shape)
            if excess[r, j] > 0 and excess[r, j] > worst:
                worst = excess[r, j]
                in_el = tuple(int(v) for v in np.unravel_index(j, base[c].shape))
                out_el = tuple(int(v) for v in np.unravel_index(r, tuple(out.shape)))
                fail = (k, in_el, o, out_el, n[r, j], a[r, j], atol + rtol * abs(n[r, j]))
    return max_err, fail


def gradcheck_graph(fn: Callable, inputs: Union[Tensor, Sequence[Any]], eps: float = 1e-6, atol: float = 1e-5,
                    rtol: float = 1e-3, raise_exception: bool = True) -> GraphCheckReport:
    """Check every node of the graph of ``fn(*inputs)`` on its own; name the first wrong one.

    Each node that ``fn`` records (and that its outputs depend on) has its backward compared with
    central differences of its own forward, (f(x + eps e_j) - f(x - eps e_j)) / (2 eps), at the
    values it saw during the run (copied to float64), in graph order from the inputs; an element
    passes when |analytical - numerical| <= atol + rtol |numerical|. Nodes whose outputs are not
    float64 even on float64 inputs (casts to a lower precision) are skipped (row ``ok``, detail
    "skipped"). Cost per node: two forwards per element of its inputs that need grad and one
    backward per element of its outputs, so use it on small models and batches. Safe to
    call from several threads (each records only its own ops), but every op in the process is a
    little slower while ``fn`` runs (``Function.apply`` is wrapped meanwhile). A forward that
    draws random numbers is re-run with fresh draws, so check such models in eval mode.

    Args:
        fn: the function (e.g. a model and its loss) to run on ``inputs``.
        inputs: a Tensor or a sequence of arguments for ``fn``.
        eps: the finite-difference step. atol, rtol: the tolerances.
        raise_exception: raise ``GradcheckError`` (a ``RuntimeError``) at the first failing node
            (its backward name, the line that created it, the input and element, numerical and
            analytical values); if False, check every node and return the report.

    Returns:
        a ``GraphCheckReport``: one ``NodeCheck`` row per node (``name``, ``created_at``,
        ``input_shapes``, ``max_error``, ``ok``); true when every node passed.

    Example:
        >>> x = tc.randn(3, 4, dtype=tc.float64, requires_grad=True)
        >>> w = tc.randn(4, 2, dtype=tc.float64, requires_grad=True)
        >>> print(tc.autograd.gradcheck_graph(lambda x, w: (x @ w).tanh().sum(), (x, w)))  # doctest: +SKIP
    """
    args = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        raise ValueError("gradcheck_graph expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    with enable_grad(), _Recorder() as rec:
        out = fn(*args)
    keep = _reachable(out)
    calls = [c for c in rec.calls if keep is None or id(c.node) in keep]
    rows = []
    for i, call in enumerate(calls):
        name = call.node.name()
        shapes = [tuple(a.value.shape) for a in call.args if a.is_tensor]
        max_err, fail = _check_call(call, eps, atol, rtol)
        if fail == "skipped":
            rows.append(NodeCheck(i, name, call.node, call.where, shapes, max_err, True,
                                  "skipped: output is not float64"))
            continue
        rows.append(NodeCheck(i, name, call.node, call.where, shapes, max_err, fail is None))
        if fail is not None:
            head = f"gradcheck_graph: the backward of node {i} ({name})"
            passed = f"The {i} node(s) before it in graph order passed."
            if isinstance(fail, str):  # its backward raised
                msg = f"{head} failed: {fail}.\n  created at {call.where}\n  inputs {shapes}. {passed}"
            else:
                k, in_el, o, out_el, n, a, tol = fail
                msg = (f"{head} disagrees with central differences of its own forward.\n  created at {call.where}\n"
                       f"  inputs {shapes}: at input {k} element {in_el} (output {o} element {out_el}): numerical "
                       f"{n:.10g}, analytical {a:.10g}, difference {abs(a - n):.3g} (tolerance {tol:.3g}). {passed}")
            rows[-1].detail = msg
            if raise_exception:
                raise GradcheckError(msg)
    return GraphCheckReport(rows)

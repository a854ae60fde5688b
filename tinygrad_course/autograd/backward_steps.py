"""``backward_steps``: the backward pass one node at a time, for learners and for debugging.

``tensor.backward()`` runs every node of the tape in one go. ``backward_steps(tensor)`` runs the
same walk (the engine's own code, in the same order) and hands you a record per node: which op,
where your code created it, the gradient that reached it and the gradients it sent to its
inputs, and where broadcasting made it sum a gradient back to an input's shape. The leaves'
``.grad`` are filled when the records are exhausted, exactly as ``backward()`` fills them.
"""
import os
import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, Optional, Tuple

import numpy as np

from . import accumulate as _accumulate, engine as _engine
from .engine_api import _root_grads
from .grad_mode import _Mode

__all__ = ["BackwardStep", "backward_steps"]

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FRAME = re.compile(r'^  File "(.*?)", line (\d+), in .*$')


@dataclass
class BackwardStep:
    """One node of the backward pass.

    ``node``: the backward's name (``MulBackward0``); ``created_at``: ``"file:line: code"`` of the
    user's line that created the op (recorded inside ``detect_anomaly(check_nan=False)``, else
    None); ``grad_outputs``: the gradient(s) that reached the node (dL/d output); ``grad_inputs``:
    what it sent to each input (None where an input needs none); ``summed_axes``: for an input
    whose gradient was summed back to its shape because it was broadcast, ``{input_index: axes}``
    (axes of the output's shape).

    >>> x = tc.tensor([1., 2.], requires_grad=True)
    >>> steps = tc.autograd.backward_steps((x.exp()).sum())
    >>> [s.node for s in steps]
    ['SumBackward0', 'ExpBackward0']
    """

    index: int
    node: str
    created_at: Optional[str]
    grad_outputs: Tuple
    grad_inputs: Tuple
    input_shapes: Tuple
    summed_axes: Dict[int, Tuple[int, ...]] = field(default_factory=dict)
    grad_fn: object = None

    def __str__(self):
        def shp(g):
            return "-" if g is None else "x".join(map(str, g.shape)) or "scalar"

        outs = ", ".join(shp(g) for g in self.grad_outputs)
        ins = ", ".join(shp(g) for g in self.grad_inputs if g is not None)
        where = f"  [{self.created_at}]" if self.created_at else ""
        summed = f"  summed over {self.summed_axes}" if self.summed_axes else ""
        return f"{self.index:3d} {self.node}: grad in ({outs}) -> grads out ({ins}){summed}{where}"


def _created_at(node):
    """The last frame of the recorded creation stack that is the user's, not the package's."""
    trace = node._trace
    if not trace:
        return None
    found = None
    lines = trace.splitlines()
    for i, line in enumerate(lines):
        m = _FRAME.match(line)
        if m and not os.path.abspath(m.group(1)).startswith(_PKG + os.sep):
            code = lines[i + 1].strip() if i + 1 < len(lines) and not _FRAME.match(lines[i + 1]) else ""
            found = f"{os.path.basename(m.group(1))}:{m.group(2)}" + (f": {code}" if code else "")
    return found


def _broadcast_axes(in_shape, out_shape):
    """Axes of ``out_shape`` that broadcasting added or stretched for an input of ``in_shape``."""
    if in_shape is None or tuple(in_shape) == tuple(out_shape):
        return ()
    lead = len(out_shape) - len(in_shape)
    if lead < 0:
        return ()
    try:
        if np.broadcast_shapes(tuple(in_shape), tuple(out_shape)) != tuple(out_shape):
            return ()
    except ValueError:
        return ()
    # a size-1 axis is only reshaped away, not summed: leave it out
    return tuple(i for i in range(lead) if out_shape[i] != 1) + tuple(
        lead + i for i, s in enumerate(in_shape) if s == 1 and out_shape[lead + i] != 1)


def _as_tensor(g):
    if g is None:
        return None
    # a copy: the engine may later add into the same buffer
    return g if g.__class__ is not np.ndarray else _engine.Tensor._make(np.array(g))


def backward_steps(tensor, gradient=None, retain_graph=None) -> Iterator[BackwardStep]:
    """Run ``tensor.backward(gradient)`` node by node, yielding a :class:`BackwardStep` per node.

    The walk is the engine's (same order, same formulas); the leaves' ``.grad`` are accumulated
    once the iterator is exhausted, exactly as ``backward()`` would. Build the graph inside
    ``tc.autograd.detect_anomaly(check_nan=False)`` to get each node's ``created_at`` line.

    >>> x = tc.tensor([1.0, 2.0], requires_grad=True)
    >>> for step in tc.autograd.backward_steps((x * x).sum()):
    ...     print(step.node, [tuple(g.shape) for g in step.grad_inputs if g is not None])
    SumBackward0 [(2,)]
    MulBackward0 [(2,), (2,)]
    """
    steps, finish = run_steps(tensor, gradient, retain_graph)
    yield from steps
    finish()


def run_steps(tensor, gradient=None, retain_graph=None):
    """The records of every backward step, and a function that accumulates the leaves' ``.grad``
    (not called: nothing is written; ``tc.viz.draw_backward`` draws from the records alone)."""
    if retain_graph is None:
        retain_graph = False
    roots = _root_grads((tensor,), (gradient,), False, "backward_steps")
    buf, leaf_buf, root_nodes = _engine._seed((tensor,), roots)
    deps = _engine._collect(root_nodes)
    records = []
    prev = _Mode.enabled, _Mode.arrays
    _Mode.enabled, _Mode.arrays = False, True
    try:
        _engine._walk(root_nodes, buf, leaf_buf, deps, None, None, None, retain_graph, False, steps=records)
    finally:
        _Mode.enabled, _Mode.arrays = prev
    steps = [_record(i, node, g, res) for i, (node, g, res) in enumerate(records)]

    def finish():
        foreign = {id(_accumulate.owner(g)) for g in roots if g.__class__ is np.ndarray}
        _accumulate.accumulate_leaves(leaf_buf, False, foreign)

    return steps, finish


def _record(i, node, g, res):
    outs = tuple(g) if isinstance(g, (list, tuple)) else (g,)
    ins = tuple(_as_tensor(r) if e is not None else None for e, r in zip(node._next, res))
    in_shapes = tuple(None if r is None else tuple(np.shape(r)) for r in res)
    out_shape = tuple(outs[0].shape) if len(outs) == 1 and outs[0] is not None else None
    summed = {}
    if out_shape is not None:
        for j, s in enumerate(in_shapes):
            ax = _broadcast_axes(s, out_shape) if node._next[j] is not None else ()
            if ax:
                summed[j] = ax
    return BackwardStep(i, node.name(), _created_at(node), tuple(_as_tensor(o) for o in outs), ins,
                        in_shapes, summed, node)

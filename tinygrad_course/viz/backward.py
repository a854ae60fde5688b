"""``draw_backward``: the tape in the middle of its backward pass, one step at a time."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..autograd import _array
from ..autograd.backward_steps import run_steps
from ..autograd.graph import edge_end
from ..autograd.tensor import Tensor

__all__ = ["draw_backward"]

DONE_COLOR = "palegreen"
CURRENT_COLOR = "orange"
PENDING_COLOR = "lightgrey"
LEAF_COLOR = "lightblue"


def _short(name: str) -> str:
    for suffix in ("Backward0", "Backward"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _grad_text(g) -> str:
    a = np.asarray(_array(g), dtype=np.float64)
    shape = "scalar" if a.ndim == 0 else "x".join(map(str, a.shape))
    if a.size <= 4:
        vals = ", ".join(f"{v:.3g}" for v in a.ravel())
        return f"{shape}: [{vals}]"
    return f"{shape}, |g| = {np.linalg.norm(a):.4g}"


def draw_backward(tensor: Tensor, step: int = 0, gradient=None, params: Optional[dict] = None):
    """Draw the tape behind ``tensor`` at backward step ``step`` as a ``graphviz.Digraph``.

    Nodes already run are green, the node running at ``step`` orange (labelled with the
    gradient reaching it, dL/d its output), nodes still to run grey; leaves are blue, named by
    ``params`` (a dict name -> tensor). Steps are numbered as ``tc.autograd.backward_steps``
    yields them. Nothing is changed: no ``.grad`` is written and the graph is kept.

    >>> loss = ((x @ W.T).tanh() - y).pow(2).mean()
    >>> g = tc.viz.draw_backward(loss, step=1, params={"W": W})   # the tanh is running
    >>> tc.viz.render(g, "step1.svg")
    """
    import graphviz

    if not isinstance(tensor, Tensor) or tensor.grad_fn is None:
        raise TypeError("draw_backward: expected a Tensor with a grad_fn (the output of recorded ops)")
    # the records only: no .grad is accumulated, and the graph is retained
    steps, _ = run_steps(tensor, gradient, retain_graph=True)
    if not 0 <= step < len(steps):
        raise IndexError(f"draw_backward: step {step} is out of range: the backward has {len(steps)} steps")
    order = {id(s.grad_fn): s.index for s in steps}
    names = {id(p): str(n) for n, p in (params or {}).items()}
    g = graphviz.Digraph("backward", graph_attr={"rankdir": "TB", "ranksep": "0.3", "nodesep": "0.25"},
                         node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"},
                         edge_attr={"arrowsize": "0.6", "dir": "back"})
    leaves = {}
    for s in steps:
        nid = f"n{s.index}"
        if s.index < step:
            color, label = DONE_COLOR, f"{s.index}: {_short(s.node)} (done)"
        elif s.index == step:
            color = CURRENT_COLOR
            label = f"{s.index}: {_short(s.node)} (running)\ngrad in: {_grad_text(s.grad_outputs[0])}"
        else:
            color, label = PENDING_COLOR, f"{s.index}: {_short(s.node)}"
        g.node(nid, label, shape="box", fillcolor=color)
        for e in s.grad_fn._next:
            if e is None:
                continue
            p, idx = edge_end(e)
            if idx is None:  # a leaf: its gradient arrives when the iteration ends
                lid = leaves.setdefault(id(p), f"l{len(leaves)}")
                shape = "scalar" if p.ndim == 0 else "x".join(map(str, p.shape))
                g.node(lid, f"{names.get(id(p), 'leaf')}\n{shape}", shape="ellipse", fillcolor=LEAF_COLOR)
                g.edge(lid, nid)
            elif id(p) in order:
                g.edge(f"n{order[id(p)]}", nid)
    g.node("out", "output", shape="ellipse", fillcolor="darkolivegreen1")
    g.edge("n0", "out")
    return g


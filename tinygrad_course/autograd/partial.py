"""``autograd.grad``'s part of a backward: run only the nodes that lead to the asked inputs,
and capture the gradients that reach them (``.grad`` stays untouched)."""
import numpy as np

from .accumulate import run_hooks
from .graph import edge_end

_ARR = np.ndarray


def targets(inputs, root_nodes, deps):
    """For ``grad()``: the nodes whose gradients are asked for, and the nodes that lead to them."""
    tnodes, tleaves = {}, set()
    for t in inputs:
        if t._grad_fn is None:
            tleaves.add(id(t))
        else:
            tnodes.setdefault(t._grad_fn, set()).add(t._output_nr)
    return tnodes, needed(root_nodes, deps, tnodes, tleaves)


def needed(roots, deps, targets_nodes, target_leaves):
    """Nodes from which some target is reachable (the only ones ``grad()`` must run)."""
    # Kahn order from the roots, then a reverse sweep
    count = dict(deps)
    order = []
    ready = [r for r in roots if count.get(r, 0) == 0]
    seen_ready = set(ready)
    while ready:
        n = ready.pop()
        order.append(n)
        for e in n._next:
            p, idx = edge_end(e)
            if p is not None and idx is not None:
                count[p] -= 1
                if count[p] == 0 and p not in seen_ready:
                    seen_ready.add(p)
                    ready.append(p)
    need = set()
    for n in reversed(order):
        if n in targets_nodes:
            need.add(n)
            continue
        for e in n._next:
            p, idx = edge_end(e)
            if p is not None and (p in need if idx is not None else id(p) in target_leaves):
                need.add(n)
                break
    return need


def capture(capture, node, grads):
    if node._n_out == 1 and not isinstance(grads, (list, tuple)):
        grads = (grads,)
    for i, g in enumerate(grads):
        if g is not None:
            capture[(node, i)] = g


def results(inputs, leaf_buf, capture, allow_unused, create_graph):
    """``grad()``'s answer: the gradient w.r.t. each input (None if unused and allowed)."""
    out = []
    for i, t in enumerate(inputs):
        if t._grad_fn is None:
            g = leaf_buf.get(t)
            if g is not None and t._hooks:
                g = run_hooks(t._hooks, g, create_graph)
        else:
            g = capture.get((t._grad_fn, t._output_nr))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"One of the differentiated Tensors (input {i}, shape {tuple(t.shape)}) appears to not "
                    "have been used in the graph. Set allow_unused=True if this is the desired behavior."
                )
            out.append(None)
            continue
        if g.__class__ is _ARR:
            g = Tensor._make(g.astype(t._data.dtype, copy=False))
        out.append(g)
    return tuple(out)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

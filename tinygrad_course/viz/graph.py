"""``draw_graph``: the tape behind a tensor as a ``graphviz.Digraph`` (op boxes, tensor ovals).

The tape is walked with an explicit stack (no recursion, so a 100,000-op chain draws). Beyond
``max_nodes`` drawn nodes, linear runs of ops are collapsed into one box ("Mul x 99,999"), and
if that is not enough the drawing is truncated with a note node and a warning.
"""
from __future__ import annotations

import warnings
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from ..autograd import _array
from ..autograd.tensor import Tensor

__all__ = ["draw_graph"]

# readable on white and in print: light fills, dark text
LEAF_COLOR = "lightblue"
OUTPUT_COLOR = "darkolivegreen1"
OP_COLOR = "lightgrey"
RUN_COLOR = "gainsboro"
NOTE_COLOR = "lightyellow"

_MIN_RUN = 3  # shorter runs stay expanded: "Mul x 2" would hide more than it saves


def _dtype_name(t: Tensor) -> str:
    # "tinygrad_course.float32" -> "float32"
    return str(t.dtype).rsplit(".", 1)[-1]


def _shape_str(t: Tensor) -> str:
    shape = tuple(t.shape)
    return "scalar" if shape == () else str(shape)


def _op_label(node) -> str:
    """``MulBackward0`` -> ``Mul``; a Function may set ``label`` to name itself in drawings."""
    fn = getattr(node, "_fn", None)
    label = getattr(fn, "label", None)
    if isinstance(label, str) and label:
        return label
    name = node.name()
    for suffix in ("Backward0", "Backward"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _grad_line(t: Tensor) -> str:
    g = t.grad
    if g is None:
        return "grad: none"
    return f"|grad| = {float(np.linalg.norm(np.asarray(_array(g), dtype=np.float64))):.4g}"


def _tensor_label(t: Tensor, title: Optional[str], show_grads: bool, value: bool = False) -> str:
    lines = [title] if title else []
    lines.append(f"{_shape_str(t)} {_dtype_name(t)}")
    if value and _array(t).size == 1:
        lines.append(f"= {float(_array(t).reshape(-1)[0]):.4g}")
    if show_grads and t.requires_grad:
        lines.append(_grad_line(t))
    return "\n".join(lines)


class _Tape:
    """The nodes and edges reachable from some roots, found iteratively.

    Index ``i`` is an op node (``kind[i] == "op"``, ``obj[i]`` the Node) or a leaf
    (``kind[i] == "leaf"``, ``obj[i]`` the leaf Tensor). ``inputs[i]`` lists distinct input
    indices; ``consumers[i]`` counts distinct nodes that use ``i``.
    """

    def __init__(self, roots: Sequence) -> None:
        self.kind: List[str] = []
        self.obj: list = []
        self.inputs: List[List[int]] = []
        index: Dict[tuple, int] = {}  # objects stay referenced in self.obj, so ids stay unique

        def key_of(n):
            # (no getattr probing on op nodes: after backward they raise on unknown attributes)
            if n.name() == "AccumulateGrad":
                return ("leaf", id(n.variable)), "leaf", n.variable
            return ("op", id(n)), "op", n

        def visit(n) -> int:
            k, kind, obj = key_of(n)
            i = index.get(k)
            if i is None:
                i = index[k] = len(self.kind)
                self.kind.append(kind)
                self.obj.append(obj)
                self.inputs.append([])
                if kind == "op":
                    stack.append(i)
            return i

        stack: List[int] = []
        self.roots = [visit(r) for r in roots]
        while stack:
            i = stack.pop()
            seen = set()
            for nxt, _ in self.obj[i].next_functions:
                if nxt is None:
                    continue
                j = visit(nxt)
                if j not in seen:
                    seen.add(j)
                    self.inputs[i].append(j)
        self.consumers = [0] * len(self.kind)
        for ins in self.inputs:
            for j in ins:
                self.consumers[j] += 1

    def __len__(self) -> int:
        return len(self.kind)


def _runs(tape: _Tape, same_op: bool) -> List[List[int]]:
    """Maximal linear runs: ``p -> n`` is linked when ``p`` is ``n``'s only op input and ``n``
    is ``p``'s only consumer (and, with ``same_op``, both are the same op). Runs are listed
    from input side to output side; only runs of at least ``_MIN_RUN`` ops are returned."""
    n_nodes = len(tape)
    nxt = [-1] * n_nodes
    has_prev = [False] * n_nodes
    names = [tape.obj[i].name() if tape.kind[i] == "op" else None for i in range(n_nodes)]
    for n in range(n_nodes):
        if tape.kind[n] != "op":
            continue
        ops = [j for j in tape.inputs[n] if tape.kind[j] == "op"]
        if len(ops) != 1:
            continue
        p = ops[0]
        if tape.consumers[p] != 1 or p in tape.roots:
            continue
        if same_op and names[p] != names[n]:
            continue
        nxt[p] = n
        has_prev[n] = True
    runs = []
    for h in range(n_nodes):
        if nxt[h] >= 0 and not has_prev[h]:
            run = [h]
            while nxt[run[-1]] >= 0:
                run.append(nxt[run[-1]])
            if len(run) >= _MIN_RUN:
                runs.append(run)
    return runs


def _run_label(tape: _Tape, run: List[int]) -> str:
    """"Mul x 9,997" for one op; "(Mul -> Add) x 5,000" for a repeating pattern."""
    labels = [_op_label(tape.obj[i]) for i in run]
    n = len(labels)
    for period in range(1, min(8, n // 2) + 1):
        if all(labels[i] == labels[i - period] for i in range(period, n)):
            reps, rest = divmod(n, period)
            body = labels[0] if period == 1 else "(" + " \u2192 ".join(labels[:period]) + ")"
            tail = f" + {rest}" if rest else ""
            return f"{body} x {reps:,}{tail}"
    return f"{labels[0]} \u2192 ... \u2192 {labels[-1]}\n({n:,} ops)"


def _collapse(tape: _Tape, max_nodes: int, extra: int):
    """Group indices: ``group[i]`` is the drawn node of tape index ``i`` and labels of runs.

    ``extra`` counts drawn nodes that are not tape nodes (the outputs)."""
    group = list(range(len(tape)))
    run_labels: Dict[int, str] = {}
    if len(tape) + extra <= max_nodes:
        return group, run_labels
    runs = _runs(tape, same_op=True)
    if len(tape) + extra - sum(len(r) - 1 for r in runs) > max_nodes:
        runs = _runs(tape, same_op=False)  # runs of mixed ops contain the same-op runs
    for run in runs:
        head = run[-1]  # keyed by the op nearest the output
        for i in run:
            group[i] = head
        run_labels[head] = f"{_run_label(tape, run)}\n(collapsed run of {len(run):,} ops)"
    return group, run_labels


def draw_graph(tensor: Union[Tensor, Sequence[Tensor]], params: Optional[dict] = None,
               show_grads: bool = False, max_nodes: int = 2000, modules=None,
               expand: Union[bool, Sequence] = False):
    """Draw the tape behind ``tensor`` as a ``graphviz.Digraph`` (data flows top to bottom).

    Op nodes are grey boxes named by op ("Mul", "MatMul"); leaves are light-blue ovals with
    shape and dtype, named by ``params`` (a dict name -> tensor, e.g.
    ``dict(model.named_parameters())``) when given, and with their gradient norm
    ``|grad| = ||p.grad||_2`` when ``show_grads`` (after ``backward``); the output is a green
    oval, titled "loss (CrossEntropyLoss)" when it comes from a loss. Beyond ``max_nodes`` drawn
    nodes, linear runs of ops are collapsed into one box ("Mul x 9,997"), then the rest is
    truncated with a note node and a warning.

    ``modules`` (a model whose forward ran inside ``tc.viz.trace_modules(model)``, or that
    ``ModuleTrace``) draws by module: each submodule call is a cluster "features.0: Conv2d(1, 8, 3)",
    fused kinds (Conv*, *Norm*, *Pool*, Linear, Embedding, RNN/LSTM/GRU and cells, losses) are one
    box each unless ``expand=True`` (or ``expand=["lstm", nn.Conv2d]``: those only), repeated
    RNN time steps are one cluster "LSTM cell x 12", and
    edges carry the shapes recorded at module boundaries. ``params`` defaults to the model's
    named parameters there.

    Example
    -------
    >>> loss = F.mse_loss(model(x), y); loss.backward()
    >>> g = draw_graph(loss, params=dict(model.named_parameters()), show_grads=True)
    >>> print(g.source)            # DOT text, no Graphviz binary needed
    >>> render(g, "graph.svg")     # needs Graphviz's ``dot``
    >>> with tc.viz.trace_modules(model):
    ...     loss = F.cross_entropy(model(x), y)
    >>> g = draw_graph(loss, modules=model)   # clusters per submodule, one box per Conv2d
    """
    import graphviz

    outputs = [tensor] if isinstance(tensor, Tensor) else list(tensor) if isinstance(tensor, (list, tuple)) else None
    if not outputs or not all(isinstance(t, Tensor) for t in outputs):
        raise TypeError(f"draw_graph: expected a Tensor or a list of Tensors, got {type(tensor).__name__}")
    if params is not None and not hasattr(params, "items"):
        raise TypeError(
            "draw_graph: params must be a dict name -> tensor, e.g. dict(model.named_parameters()), "
            f"got {type(params).__name__}"
        )
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, (int, np.integer)) or max_nodes < 3:
        raise ValueError(f"draw_graph: max_nodes must be an int >= 3, got {max_nodes!r}")
    if not isinstance(expand, bool):
        if isinstance(expand, (str, type)):
            expand = [expand]
        if not isinstance(expand, (list, tuple, set, frozenset)) or not all(isinstance(e, (str, type))
                                                                             for e in expand):
            raise TypeError("draw_graph: expand must be a bool or a list of submodule names/classes, "
                            f"got {expand!r}")
        expand = list(expand)
    trace = None
    if modules is not None:
        trace = _resolve_trace(modules)
        if params is None:
            params = {n: p for m in _roots_of(modules, trace) for n, p in m.named_parameters()}
    names = {}
    for name, p in (params or {}).items():
        if not isinstance(p, Tensor):
            raise TypeError(f"draw_graph: params[{name!r}] is a {type(p).__name__}, not a Tensor")
        names[id(p)] = str(name)

    roots = [t.grad_fn for t in outputs if t.grad_fn is not None]
    tape = _Tape(roots)
    if trace is not None:
        return _draw_modules(graphviz, tape, trace, outputs, roots, names, show_grads, expand, int(max_nodes))
    group, run_labels = _collapse(tape, int(max_nodes), extra=len(outputs))

    g = graphviz.Digraph("tape", graph_attr={"rankdir": "TB", "ranksep": "0.3", "nodesep": "0.25"},
                         node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled",
                                    "height": "0.3"},
                         edge_attr={"arrowsize": "0.6"})

    # drawn nodes in breadth-first order from the outputs, so truncation keeps the nearest ones
    budget = int(max_nodes) - len(outputs)
    order: List[int] = []
    placed = set()
    queue = [group[r] for r in tape.roots]
    members: Dict[int, List[int]] = {}
    for i, gi in enumerate(group):
        if gi != i:
            members.setdefault(gi, []).append(i)
    head = 0
    for q in queue:
        placed.add(q)
    while head < len(queue):
        gi = queue[head]
        head += 1
        order.append(gi)
        for i in [gi] + members.get(gi, []):
            for j in tape.inputs[i]:
                gj = group[j]
                if gj not in placed:
                    placed.add(gj)
                    queue.append(gj)
    drawn = set(order[:budget])
    hidden = len(order) - len(drawn)

    def node_id(gi: int) -> str:
        return f"n{gi}"

    for gi in order[:budget]:
        if tape.kind[gi] == "leaf":
            t = tape.obj[gi]
            g.node(node_id(gi), _tensor_label(t, names.get(id(t)), show_grads), shape="ellipse",
                   fillcolor=LEAF_COLOR)
        elif gi in run_labels:
            g.node(node_id(gi), run_labels[gi], shape="box", fillcolor=RUN_COLOR, peripheries="2")
        else:
            g.node(node_id(gi), _op_label(tape.obj[gi]), shape="box", fillcolor=OP_COLOR)

    edges = set()
    truncated_from = set()
    for gi in order[:budget]:
        for i in [gi] + members.get(gi, []):
            for j in tape.inputs[i]:
                gj = group[j]
                if gj == gi:
                    continue  # inside a collapsed run
                if gj in drawn:
                    edges.add((gj, gi))
                else:
                    truncated_from.add(gi)
    for a, b in sorted(edges):
        g.edge(node_id(a), node_id(b))
    if hidden:
        note = (f"... {hidden:,} more nodes not drawn\n(max_nodes={int(max_nodes):,}; "
                "raise it to see them)")
        g.node("truncated", note, shape="note", fillcolor=NOTE_COLOR)
        for gi in sorted(truncated_from):
            g.edge("truncated", node_id(gi), style="dashed")
        warnings.warn(f"draw_graph: the graph has {len(order) + len(outputs):,} nodes after collapsing "
                      f"linear runs; drew {len(drawn) + len(outputs):,} (max_nodes={int(max_nodes)}) "
                      "and a note for the rest", stacklevel=2)

    ids = {r: node_id(group[r]) for r in tape.roots if group[r] in drawn}
    _draw_outputs(g, tape, outputs, roots, names, show_grads, ids, None)
    return g


def _graph(graphviz):
    return graphviz.Digraph("tape", graph_attr={"rankdir": "TB", "ranksep": "0.3", "nodesep": "0.25"},
                            node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled",
                                       "height": "0.3"},
                            edge_attr={"arrowsize": "0.6", "fontname": "Helvetica", "fontsize": "8",
                                       "fontcolor": "gray30"})


def _draw_outputs(g, tape, outputs, roots, names, show_grads, ids, layout) -> None:
    """The output ovals: "output", or "loss (CrossEntropyLoss)" when a loss made it."""
    from .graph_modules import loss_name

    for k, t in enumerate(outputs):
        oid = f"out{k}"
        title = "output" if len(outputs) == 1 else f"output {k}"
        if t.grad_fn is None:
            title = names.get(id(t), title + " (leaf)")
        else:
            loss = loss_name(layout, tape, tape.roots[roots.index(t.grad_fn)])
            if loss:
                title = ("loss" if len(outputs) == 1 else f"loss {k}") + f" ({loss})"
        g.node(oid, _tensor_label(t, title, show_grads and t.grad_fn is None, value=True),
               shape="ellipse", fillcolor=OUTPUT_COLOR)
        if t.grad_fn is not None:
            nid = ids.get(tape.roots[roots.index(t.grad_fn)])
            if nid is not None:
                g.edge(nid, oid)


def _draw_modules(graphviz, tape, trace, outputs, roots, names, show_grads, expand, max_nodes):
    from .graph_modules import draw_with_modules

    g = _graph(graphviz)
    g.attr(ranksep="0.15", nodesep="0.2")
    g.attr("node", margin="0.08,0.03")
    ids, layout = draw_with_modules(g, tape, trace, outputs, roots, names, show_grads, expand, max_nodes)
    _draw_outputs(g, tape, outputs, roots, names, show_grads, ids, layout)
    return g


def _resolve_trace(modules):
    from ..nn.module import Module
    from .modules import ModuleTrace, latest_trace

    if isinstance(modules, ModuleTrace):
        return modules
    if isinstance(modules, Module):
        trace = latest_trace(modules)
        if trace is None:
            raise ValueError(
                f"draw_graph: modules={type(modules).__name__} was not traced; run its forward inside "
                "`with tc.viz.trace_modules(model):` first, then call draw_graph(loss, modules=model)")
        return trace
    raise TypeError("draw_graph: modules must be an nn.Module traced with tc.viz.trace_modules or a "
                    f"ModuleTrace, got {type(modules).__name__}")


def _roots_of(modules, trace):
    from ..nn.module import Module

    if isinstance(modules, Module):
        return [modules]
    roots, seen = [], set()
    for c in trace.calls:
        if c.is_root and id(c.module) not in seen:
            seen.add(id(c.module))
            roots.append(c.module)
    return roots

"""``draw_graph(..., modules=...)``: the tape drawn by module, from a ``trace_modules`` record.

Each traced submodule call becomes a labelled cluster ("features.0: Conv2d(1, 8, 3)"); a fused kind
(Conv2d, BatchNorm2d, MaxPool2d, Linear, LSTM, a loss) is one box unless ``expand``; consecutive calls
of one module with the same inside (the time steps of an RNN) are drawn once, "LSTM cell x 12", their
state carried by a dashed edge; edges carry the shape of the tensor on them where it is known (leaves
and every tensor that crossed a module boundary). Everything is iterative: no recursion.
"""
from __future__ import annotations

import warnings
from typing import Dict, List, Optional, Tuple

from .graph import LEAF_COLOR, NOTE_COLOR, OP_COLOR, _grad_line, _op_label, _shape_str, _tensor_label

FUSED_COLOR = "wheat"
Key = Tuple[str, int]


def _node_id(key: Key) -> str:
    return ("m" if key[0] == "box" else "n") + str(key[1])


def _reach(tape, starts) -> set:
    """Op nodes reachable (towards the leaves) from ``starts``, themselves included."""
    seen = set(starts)
    stack = list(starts)
    while stack:
        i = stack.pop()
        for j in tape.inputs[i]:
            if tape.kind[j] == "op" and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


def _canonical(tape, outs: List[int], members: set) -> List[int]:
    """The nodes of one call in breadth-first order from its outputs: equal structure, equal order."""
    order, seen = [], set()
    for o in outs:
        if o in members and o not in seen:
            seen.add(o)
            order.append(o)
    head = 0
    while head < len(order):
        for j in tape.inputs[order[head]]:
            if j in members and j not in seen:
                seen.add(j)
                order.append(j)
        head += 1
    return order + sorted(members - seen)


class _Layout:
    """Which drawn node each tape node becomes, and which cluster each drawn node sits in."""

    def __init__(self, tape, trace, expand) -> None:
        self.tape, self.trace = tape, trace
        calls = self.calls = trace.calls
        n = len(calls)
        index = {id(tape.obj[i]): i for i in range(len(tape)) if tape.kind[i] == "op"}
        ins = [[index[id(f)] for f in c.in_nodes if id(f) in index] for c in calls]
        outs = [[index[id(f)] for f in c.out_nodes if id(f) in index] for c in calls]
        self.created = created = [(_reach(tape, outs[c]) - _reach(tape, ins[c])) if outs[c] else set()
                                  for c in range(n)]
        self.owner = owner = [-1] * len(tape)
        for c in range(n):  # calls are in pre-order: a nested call overwrites its parent
            for i in created[c]:
                owner[i] = c
        # the outermost fused call around each call (its nodes all draw as that call's one box)
        self.fused_top: List[Optional[int]] = [None] * n
        for c, call in enumerate(calls):
            p = call.parent
            if p is not None and self.fused_top[p] is not None:
                self.fused_top[c] = self.fused_top[p]
            elif call.fused and not _expanded(call, expand):
                self.fused_top[c] = c

        # consecutive calls of one module with the same inside collapse onto the first ("x 12")
        kids: Dict[Optional[int], List[int]] = {}
        for c, call in enumerate(calls):
            kids.setdefault(call.parent, []).append(c)
        self.mapped: Dict[int, int] = {}
        self.member: Dict[int, Tuple[int, int]] = {}  # tape node -> (run head call, step number)
        self.repeat: Dict[int, int] = {}  # run head call -> count
        self.steps: Dict[int, int] = {}  # fused call -> the longest run of steps inside it
        self.hidden = [False] * n
        for siblings in kids.values():
            k = 0
            while k < len(siblings):
                head = siblings[k]
                order = _canonical(tape, outs[head], created[head])
                sig = self._signature(order)
                run = [(head, order)]
                while k + len(run) < len(siblings) and order:
                    nxt = siblings[k + len(run)]
                    o2 = _canonical(tape, outs[nxt], created[nxt])
                    if (calls[nxt].module is not calls[head].module or calls[nxt].label != calls[head].label
                            or self._signature(o2) != sig):
                        break
                    run.append((nxt, o2))
                if len(run) > 1:
                    self.repeat[head] = len(run)
                    f = self.fused_top[head]
                    if f is not None and f != head:  # "LSTM (12 steps)": the box says what it hides
                        self.steps[f] = max(self.steps.get(f, 0), len(run))
                    for step, (c, o) in enumerate(run):
                        for a, b in zip(o, order):
                            self.member[a] = (head, step)
                            if step:
                                self.mapped[a] = b
                        if step:
                            self.hidden[c] = True
                k += len(run)
        for c, call in enumerate(calls):  # inside a hidden step, or swallowed by a fused box
            if call.parent is not None and self.hidden[call.parent]:
                self.hidden[c] = True

        # parallel copies (the 12 Reshapes of a stack): same op, cluster, inputs and users -> one node
        self.alias: Dict[Key, Key] = {}
        self.copies: Dict[Key, int] = {}
        base = [self._key0(i) for i in range(len(tape))]
        ins_k: Dict[Key, set] = {}
        users: Dict[Key, set] = {}
        for i in range(len(tape)):
            for j in tape.inputs[i]:
                if base[j] != base[i]:
                    ins_k.setdefault(base[i], set()).add(base[j])
                    users.setdefault(base[j], set()).add(base[i])
        root_keys = {base[r] for r in tape.roots}
        groups: Dict[tuple, List[Key]] = {}
        for k in sorted(set(base)):
            if k[0] == "op" and k not in root_keys:
                sig = (_op_label(tape.obj[k[1]]), owner[k[1]], frozenset(ins_k.get(k, ())),
                       frozenset(users.get(k, ())))
                groups.setdefault(sig, []).append(k)
        for ks in groups.values():
            if len(ks) >= 3:
                self.copies[ks[0]] = len(ks)
                for k in ks[1:]:
                    self.alias[k] = ks[0]

    def _signature(self, order: List[int]) -> list:
        """What must match for two calls to be drawn as one: ops in order and the leaves they read."""
        tape = self.tape
        return [(_op_label(tape.obj[i]), tuple(id(tape.obj[j]) for j in tape.inputs[i] if tape.kind[j] == "leaf"))
                for i in order]

    def key(self, i: int) -> Key:
        k = self._key0(i)
        return self.alias.get(k, k)

    def _key0(self, i: int) -> Key:
        if self.tape.kind[i] == "leaf":
            return ("leaf", i)
        i = self.mapped.get(i, i)
        c = self.owner[i]
        f = self.fused_top[c] if c >= 0 else None
        return ("box", f) if f is not None else ("op", i)

    def home(self, key: Key) -> int:
        """The call whose cluster a drawn op/box sits in (-1: none)."""
        return key[1] if key[0] == "box" else self.owner[key[1]]


def draw_with_modules(g, tape, trace, outputs, roots, names: Dict[int, str], show_grads: bool, expand: bool,
                      max_nodes: int) -> None:
    """Fill ``g`` (a graphviz.Digraph) with the tape of ``outputs`` grouped by the calls in ``trace``."""
    import graphviz

    lay = _Layout(tape, trace, expand)
    calls = lay.calls
    n = len(calls)

    # drawn nodes, breadth-first from the outputs (truncation keeps the nearest), and their edges
    root_keys = [lay.key(r) for r in tape.roots]
    order: List[Key] = []
    placed = set()
    for k in root_keys:
        if k not in placed:
            placed.add(k)
            order.append(k)
    members: Dict[Key, List[int]] = {}
    for i in range(len(tape)):
        members.setdefault(lay.key(i), []).append(i)
    head = 0
    while head < len(order):
        for i in members[order[head]]:
            for j in tape.inputs[i]:
                kj = lay.key(j)
                if kj not in placed:
                    placed.add(kj)
                    order.append(kj)
        head += 1
    budget = max_nodes - len(outputs)
    drawn = set(order[:budget])
    hidden_count = len(order) - len(drawn)

    def shape_of(j: int) -> str:
        if tape.kind[j] == "leaf":
            return _shape_str(tape.obj[j])
        shapes = trace.shapes.get(id(tape.obj[j]))
        return _shape_str_tuple(next(iter(shapes))) if shapes and len(shapes) == 1 else ""

    edges: Dict[Tuple[Key, Key], Tuple[str, bool]] = {}
    consumers: Dict[Key, set] = {}
    cut = set()
    for i in range(len(tape)):
        ki = lay.key(i)
        if ki not in drawn:
            continue
        for j in tape.inputs[i]:
            kj = lay.key(j)
            mi, mj = lay.member.get(i), lay.member.get(j)
            recurrent = mi is not None and mj is not None and mi[0] == mj[0] and mi[1] != mj[1]
            if kj == ki and not recurrent:
                continue
            if kj not in drawn:
                cut.add(ki)
                continue
            consumers.setdefault(kj, set()).add(ki)
            if (kj, ki) not in edges or (recurrent and not edges[(kj, ki)][1]):
                edges[(kj, ki)] = (shape_of(j), recurrent)

    # a parameter used only by one fused box is written inside the box (one rank less per layer)
    rank = {pid: k for k, pid in enumerate(names)}
    folded: Dict[Key, List[Key]] = {}
    for key in order[:budget]:
        us = consumers.get(key, ())
        if key[0] == "leaf" and id(tape.obj[key[1]]) in names and len(us) == 1 and next(iter(us))[0] == "box":
            folded.setdefault(next(iter(us)), []).append(key)
    gone = {k for ks in folded.values() for k in ks}
    for ks in folded.values():
        ks.sort(key=lambda k: rank[id(tape.obj[k[1]])])
    order = [k for k in order if k not in gone]
    budget = len([k for k in order if k in drawn])
    edges = {e: v for e, v in edges.items() if e[0] not in gone}

    # which cluster each drawn node sits in; a leaf goes to the innermost call around all its users
    def ancestors(c: int) -> List[int]:
        chain = []
        while c is not None and c >= 0:
            chain.append(c)
            c = calls[c].parent
        return chain

    home: Dict[Key, int] = {}
    for key in order[:budget]:
        if key[0] != "leaf":
            home[key] = lay.home(key)
    for key in order[:budget]:
        if key[0] == "leaf":
            users = [home.get(u, -1) for u in consumers.get(key, ())]
            common = ancestors(users[0]) if users else []
            for u in users[1:]:
                chain = set(ancestors(u))
                common = [c for c in common if c in chain]
            home[key] = common[0] if common else -1

    shown = [not lay.hidden[c] and lay.fused_top[c] in (None, c) and not (calls[c].is_root and not calls[c].fused)
             and bool(lay.created[c]) for c in range(n)]
    direct: Dict[int, List[Key]] = {}
    for key, c in home.items():
        direct.setdefault(c, []).append(key)
    solo: Dict[Key, int] = {}  # a node that is the whole of a call: named by the call, no cluster around it
    kids_shown = [0] * n  # clusters drawn directly inside each call's cluster
    for c in range(n - 1, -1, -1):  # children before parents
        p = calls[c].parent
        mine = direct.get(c, [])
        if shown[c] and len(mine) + kids_shown[c] > 1:
            if p is not None:
                kids_shown[p] += 1
            continue
        if p is not None:
            kids_shown[p] += kids_shown[c]
        if shown[c] and len(mine) == 1 and not kids_shown[c]:
            solo[mine[0]] = c
        shown[c] = False
        up = calls[c].parent if calls[c].parent is not None else -1
        for key in mine:
            home[key] = up
        direct.setdefault(up, []).extend(mine)
        direct[c] = []

    subs = {c: graphviz.Digraph(name=f"cluster_{c}", graph_attr={
        "label": _cluster_label(calls[c], lay.repeat.get(c)), "style": "rounded", "color": "gray50",
        "fontname": "Helvetica", "fontsize": "10", "labeljust": "l"}) for c in range(n) if shown[c]}

    for key in order[:budget]:
        where = subs.get(home.get(key, -1), g)
        nid = _node_id(key)
        if key[0] == "leaf":
            t = tape.obj[key[1]]
            title = names.get(id(t))
            if title and home.get(key, -1) >= 0:
                title = title.rsplit(".", 1)[-1]  # the cluster names the module
            where.node(nid, _tensor_label(t, title, show_grads), shape="ellipse", fillcolor=LEAF_COLOR)
        elif key[0] == "box":
            c = key[1]
            label = _solo_label(calls[c], lay.repeat.get(c)) if key in solo else (
                calls[c].label + (f" x {lay.repeat[c]:,}" if c in lay.repeat else ""))
            if c in lay.steps:
                label += f"\n({lay.steps[c]:,} steps)"
            params = [tape.obj[leaf[1]] for leaf in folded.get(key, ())]
            if show_grads:  # one line per parameter: name, shape, gradient norm
                label += "".join(f"\n{names[id(t)].rsplit('.', 1)[-1]} {_shape_str(t)}  {_grad_line(t)}"
                                 for t in params)
            elif params:  # all on one line: a rank less tall
                label += "\n" + ", ".join(f"{names[id(t)].rsplit('.', 1)[-1]} {_shape_str(t)}" for t in params)
            where.node(nid, label, shape="box", style="filled,rounded", fillcolor=FUSED_COLOR)
        else:
            c = solo.get(key)
            if c is None:
                copies = lay.copies.get(key)
                where.node(nid, _op_label(tape.obj[key[1]]) + (f" x {copies:,}" if copies else ""), shape="box",
                           fillcolor=OP_COLOR)
            else:
                where.node(nid, _solo_label(calls[c], lay.repeat.get(c)), shape="box", fillcolor=OP_COLOR)
    for c in range(n - 1, -1, -1):  # children complete before they are copied into their parent
        if shown[c]:
            p = _parent_shown(calls, shown, c)
            (subs[p] if p is not None else g).subgraph(subs[c])

    for (a, b), (label, recurrent) in edges.items():
        attrs = {"label": " " + label} if label else {}
        if recurrent:
            attrs.update(style="dashed", constraint="false", label=" " + (label + " " if label else "") + "(next step)")
        g.edge(_node_id(a), _node_id(b), **attrs)
    if hidden_count:
        g.node("truncated", f"... {hidden_count:,} more nodes not drawn\n(max_nodes={max_nodes:,}; "
               "raise it to see them)", shape="note", fillcolor=NOTE_COLOR)
        for key in sorted(cut, key=_node_id):
            g.edge("truncated", _node_id(key), style="dashed")
        warnings.warn(f"draw_graph: the graph has {len(order) + len(outputs):,} nodes drawn by module; drew "
                      f"{len(drawn) + len(outputs):,} (max_nodes={max_nodes}) and a note for the rest", stacklevel=3)
    return {r: _node_id(lay.key(r)) for r in tape.roots if lay.key(r) in drawn}, lay


def _shape_str_tuple(shape: tuple) -> str:
    return "scalar" if shape == () else str(shape)


def _solo_label(call, repeat: Optional[int]) -> str:
    """A call drawn as one node without a cluster: "2: ReLU()", "MSELoss", "cell: LSTMCell(3, 5) x 12"."""
    return _cluster_label(call, repeat)


def _expanded(call, expand) -> bool:
    """``expand`` is a bool, or names / classes of the modules to draw from the inside."""
    if isinstance(expand, bool):
        return expand
    for e in expand:
        if isinstance(e, str) and e in (call.name, call.label):
            return True
        if isinstance(e, type) and isinstance(call.module, e):
            return True
    return False


def _cluster_label(call, repeat: Optional[int]) -> str:
    from .modules import short_repr

    if call.module is None or call.label != type(call.module).__name__:  # a loss function, an RNN time step
        text = call.label
    else:
        text = f"{call.name}: {short_repr(call.module)}" if call.name else short_repr(call.module)
    return text + (f" x {repeat:,}" if repeat else "")


def _parent_shown(calls, shown, c: int) -> Optional[int]:
    p = calls[c].parent
    while p is not None and not shown[p]:
        p = calls[p].parent
    return p


def loss_name(lay: Optional[_Layout], tape, root_index: int) -> Optional[str]:
    """The user-level name of a loss at the output: its loss module, or its fused loss op."""
    if lay is not None:
        c = lay.owner[root_index]
        while c is not None and c >= 0:
            if lay.calls[c].label.endswith("Loss"):
                return lay.calls[c].label
            c = lay.calls[c].parent
    return _LOSS_OPS.get(_op_label(tape.obj[root_index]))


_LOSS_OPS = {"CrossEntropy": "CrossEntropyLoss", "BCE": "BCELoss"}

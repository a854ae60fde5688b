"""Turn a recorded program into one straight-line Python function (``exec``'d once).

Every array lives in a local variable; each forward call, backward call and gradient
accumulation is one line, with the routing decided at trace time (which gradient is the first
to reach a buffer, which are added to it). The most frequent ops with no broadcasting and no
promotion (``a + b``, ``a - b``, ``a * b`` of same-shape tensors or a tensor and a number,
``tanh``) are "lowered": their forward and backward are written as the NumPy expression their
``Function`` computes on that path, the same calls in the same order, so the numbers do not
change, without the call into the ``Function`` or its ctx.
"""
import re

import numpy as np

from ..autograd import _array, _set_array
from ..autograd import accumulate as _accumulate
from ..autograd import engine as _engine
from ..autograd.grad_mode import _Mode
from ..autograd.ops import arith as _arith
from ..autograd.ops import operands as _operands
from ..autograd.ops import unary as _unary
from ..autograd.tensor import Tensor

_A = np.ndarray


def _plain(a, b):
    # the fast path of Add/Sub/Mul.forward (operands._plain) with the tensor first: no promotion,
    # broadcast or reduction
    return a.__class__ is Tensor and _operands._plain(a, b) is not None


def _lowering(cls, args, holder_shape):
    """The lowered form of a recorded forward call, or None."""
    if len(args) == 2 and cls in (_arith.Add, _arith.Sub, _arith.Mul) and _plain(*args):
        b = args[1]
        tensor_b = isinstance(b, Tensor)
        return {_arith.Add: "add", _arith.Sub: "sub", _arith.Mul: "mul"}[cls] + ("_t" if tensor_b else "_c")
    if len(args) == 1 and cls is _unary.Tanh and isinstance(args[0], Tensor) and _array(args[0]).dtype.kind == "f":
        return "tanh"
    return None


class _Gen:
    def __init__(self):
        self.ns = {"A": _A, "asarray": np.asarray, "add": _engine._add, "_array": _array, "_Mode": _Mode,
                   "CALLB": _engine._call_backward,
                   "ACC": _accumulate.accumulate_leaves, "tanh": np.tanh, "SET": _set_array}
        self.lines = []
        self.names = {}  # id(object) -> name in ns
        self.var = {}  # id(holder) -> local variable holding its array
        self.n = 0
        self.step_end = {}  # id(node) -> index of the last line of its backward step

    def const(self, obj, prefix="k"):
        key = id(obj)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = f"{prefix}{self.n}"
            self.n += 1
            self.ns[name] = obj
        return name

    def array_expr(self, t):
        """The array of tensor ``t`` at this point: a local, a holder's array, or (a tensor
        that is not the program's: a parameter, a constant) read through ``_array``."""
        v = self.var.get(id(t))
        if v is not None:
            return v
        if id(t) in self.holders:
            return f"_array({self.const(t, 'h')})"
        return f"_array({self.const(t, 'p')})"

    def emit(self, line, indent=1):
        self.lines.append("    " * indent + line)

    def new_var(self, prefix="v"):
        self.n += 1
        return f"{prefix}{self.n}"


def generate(program):
    """A function ``run(inp)`` replaying ``program`` on the list of input tensors ``inp``."""
    from .program import BWD, CALL, FWD1

    G = _Gen()
    G.holders = program.holder_ids()
    needed = _read_by_holder(program)
    lowered = {}  # id(ctx) -> (kind, arg expressions, out var)
    for i, h in enumerate(program.input_holders):
        v = G.new_var()
        G.var[id(h)] = v
        G.emit(f"{v} = _array(inp[{i}]); SET({G.const(h, 'h')}, {v})")
    for ins in program.code:
        k = ins[0]
        if k == FWD1:
            _, fwd, ctx, args, holder, cls = ins
            out = G.new_var()
            G.var[id(holder)] = out
            hname = G.const(holder, "h")
            kind = _lowering(cls, args, None)
            zero_d = _array(holder).ndim == 0
            if kind is not None and not zero_d:
                a = G.array_expr(args[0])
                if kind == "tanh":
                    b = None
                elif kind.endswith("_t"):
                    b = G.array_expr(args[1])
                else:
                    b = G.const(args[1])
                # the holder is bound only if something other than generated lines reads it
                bind = f"; SET({hname}, {out})" if id(holder) in needed else ""
                if kind == "tanh":
                    G.emit(f"{out} = tanh({a}){bind}")
                else:
                    op = {"add": "+", "sub": "-", "mul": "*"}[kind[:3]]
                    G.emit(f"{out} = {a} {op} {b}{bind}")
                lowered[id(ctx)] = (kind, a, b if kind != "tanh" else None, out)
                continue
            argstr = ", ".join(G.const(a, "h") for a in args)
            call = f"{G.const(fwd, 'f')}({G.const(ctx, 'c')}{', ' if args else ''}{argstr})"
            if zero_d:
                G.emit(f"{out} = {call}")
                G.emit(f"if {out}.__class__ is not A: {out} = asarray({out})")
                G.emit(f"SET({hname}, {out})")
            else:
                G.emit(f"{out} = {call}; SET({hname}, {out})")
        elif k == BWD:
            _backward(G, ins, lowered)
        elif k == CALL:
            G.emit(f"P._call({G.const(ins)}, inp)")
        else:
            G.emit(f"P._forward_op({G.const(ins)})")
        # a holder bound by a general path: later lowered ops read its array from the holder
    grads = {id(h) for h, _, _ in program.grad_holders}
    _release_early(G, program, grads)
    G.emit("out = P._outputs(P.out_spec, inp)")
    # as eagerly, nothing of this step outlives it but its outputs: between calls (and while
    # the next one allocates) the program holds no arrays
    for name, obj in list(G.ns.items()):
        # only the program's own holders (a parameter may be named here too: never touched)
        if isinstance(obj, Tensor) and id(obj) in G.holders and id(obj) not in grads:
            G.emit(f"SET({name}, None)")
    G.emit("return out")
    G.ns["P"] = program
    src = "def run(inp):\n" + "\n".join(G.lines) + "\n"
    exec(compile(src, f"<tc.compile program {id(program):x}>", "exec"), G.ns)  # noqa: S102  (our own code)
    return G.ns["run"], src


_NAME = re.compile(r"\b([vxh]\d+)\b")


def _release_early(G, program, grads):
    """Free each array as soon as the step no longer needs it, as eager execution does (an
    array lives while a tensor or a saved ctx references it): after its last use, a local is
    set to None, and a holder too, unless an op's ctx saved it (then after that backward),
    it is an output, a gradient, or a user's Function may have kept it."""
    from .program import ArrayRef

    lines = G.lines
    last = {}
    for i, line in enumerate(lines):
        for name in _NAME.findall(line):
            last[name] = i
        m = re.search(r"P\._(?:call|forward_op)\((k\d+)", line)
        if m:
            for h in _holders_in(G.ns[m.group(1)], ArrayRef):
                name = G.names.get(id(h))
                # only holders are released; a tensor of the user's (a "p" constant) never is
                if name is not None and name[0] == "h":
                    last[name] = i
    for ctx_id, hs in program.saved_holders.items():
        end = G.step_end.get(ctx_id)
        for h in hs:
            name = G.names.get(id(h))
            if name is not None and name[0] == "h":
                # (no backward step ran for it: kept to the end)
                last[name] = max(last.get(name, -1), end if end is not None else len(lines))
    keep = set(grads) | program.pinned | _output_holders(program.out_spec)
    releases = {}
    for name, i in last.items():
        if i >= len(lines):
            continue
        obj = G.ns.get(name) if name[0] == "h" else None
        if name[0] == "h":
            if obj is None or id(obj) not in G.holders or id(obj) in keep:
                continue
            stmt = f"SET({name}, None)"
        else:
            stmt = f"{name} = None"
        releases.setdefault(i, []).append(stmt)
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in releases:
            indent = line[: len(line) - len(line.lstrip())]
            if line.rstrip().endswith(":"):
                indent += "    "
            out.append(indent + "; ".join(releases[i]))
    G.lines[:] = out


def _holders_in(obj, ArrayRef):
    if isinstance(obj, Tensor):
        yield obj
    elif obj.__class__ is ArrayRef:
        yield obj.holder
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _holders_in(x, ArrayRef)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _holders_in(x, ArrayRef)


def _output_holders(spec):
    ids = set()
    if spec[0] == "h":
        ids.add(id(spec[1]))
    elif spec[0] == "seq":
        for s in spec[2]:
            ids |= _output_holders(s)
    elif spec[0] == "dict":
        for _, s in spec[1]:
            ids |= _output_holders(s)
    return ids


def _read_by_holder(program):
    """ids of holders whose array is read through the holder (not a generated local): the
    arguments of every op that is not lowered, of replayed calls, and the outputs."""
    from .program import FWD1, ArrayRef

    ids = set()

    def walk(o):
        if isinstance(o, Tensor):
            ids.add(id(o))
        elif o.__class__ is ArrayRef:
            ids.add(id(o.holder))
        elif isinstance(o, (list, tuple)):
            for x in o:
                walk(x)
        elif isinstance(o, dict):
            for x in o.values():
                walk(x)

    for ins in program.code:
        if ins[0] == FWD1:
            if _lowering(ins[5], ins[3], None) is None or _array(ins[4]).ndim == 0:
                walk(ins[3])
        else:
            walk(ins[2:])
    walk(program.out_spec)
    return ids


def _backward(G, ins, lowered):
    _, seeds, steps, _, foreign = ins
    written = set()  # gradient buffers (and leaves) already holding a value
    gv = lambda s: f"g{s}"
    G.emit("_pm = _Mode.enabled, _Mode.arrays")
    G.emit("_Mode.enabled, _Mode.arrays = False, True")
    G.emit("try:")
    G.emit("L = {}", 2)
    # one line, filled in at the end of the block, defines the buffers that a generic step may
    # leave unset (lines are never inserted: their indices are used by the liveness pass)
    init_at, inits = len(G.lines), []
    G.emit("pass", 2)
    for slot, idx, g, n_out in seeds:
        gname = G.const(g)
        if idx is None:
            if slot in written:
                G.emit(f"{gv(slot)} = add({gv(slot)}, {gname})", 2)
            else:
                G.emit(f"{gv(slot)} = {gname}", 2)
        else:
            if slot not in written:
                G.emit(f"{gv(slot)} = [None] * {n_out}", 2)
            G.emit(f"{gv(slot)}[{idx}] = {gname} if {gv(slot)}[{idx}] is None else add({gv(slot)}[{idx}], {gname})", 2)
        written.add(slot)
    leaf_written = set()
    for node, slot, routes, fast in steps:
        g = gv(slot)
        low = lowered.get(id(node)) if fast and not node._special else None
        results = [None] * len(routes)
        if low is not None:
            kind, a, b, out = low
            nxt = node._next
            if kind in ("add_c", "add_t"):
                results = [g, g][: len(routes)]
            elif kind in ("sub_c", "sub_t"):
                results = [g, f"(-{g})" if len(nxt) > 1 and nxt[1] else None][: len(routes)]
            elif kind == "mul_c":
                results = [f"({g} * {b})", None][: len(routes)]
            elif kind == "mul_t":
                results = [f"({g} * {b})" if nxt[0] is not None else None,
                           f"({g} * {a})" if nxt[1] is not None else None]
            elif kind == "tanh":
                results = [f"({g} * (1.0 - {out} * {out}))"]
        else:
            nname = G.const(node, "n")
            if fast and not node._special:
                G.emit(f"r = {G.const(node._fn.backward, 'b')}({nname}, {g})", 2)
                G.emit("if r.__class__ is not tuple: r = (r,)", 2)
            else:
                G.emit(f"r = CALLB({nname}, {g}, True, None, None, True, False)", 2)
                G.emit("if r.__class__ is not tuple: r = (r,)", 2)
            results = [f"r[{i}]" for i in range(len(routes))]
        for i, (route, expr) in enumerate(zip(routes, results)):
            if route is None or expr is None:
                continue
            is_leaf, target, idx, n_out = route
            x = G.new_var("x")
            G.emit(f"{x} = {expr}", 2)
            if low is None:
                G.emit(f"if {x} is not None:", 2)
                ind = 3
            else:
                ind = 2
            if low is not None:
                pass  # lowered ops are never 0-d: always arrays
            elif fast:
                # NumPy turns 0-d results into scalars (a user Function's gradients were checked
                # and unwrapped by CALLB)
                G.emit(f"if {x}.__class__ is not A: {x} = asarray({x})", ind)
            if is_leaf:
                key = f"inp[{idx}]" if idx is not None else G.const(target, "p")
                # whether this leaf was reached before is only known for sure on lowered paths
                G.emit(f"_o = L.get({key}); L[{key}] = {x} if _o is None else add(_o, {x})", ind)
                leaf_written.add(key)
            elif idx is None:
                t = gv(target)
                if target in written and low is not None:
                    G.emit(f"{t} = add({t}, {x})", ind)
                elif target in written:
                    G.emit(f"{t} = {x} if {t} is None else add({t}, {x})", ind)
                else:
                    G.emit(f"{t} = {x}", ind)
                    if low is None:
                        # a generic step might return None at replay: keep the buffer defined
                        inits.append(f"{t} = None")
                written.add(target)
            else:
                t = gv(target)
                if target not in written:
                    inits.append(f"{t} = [None] * {n_out}")
                G.emit(f"{t}[{idx}] = {x} if {t}[{idx}] is None else add({t}[{idx}], {x})", ind)
                written.add(target)
        if low is None:
            # what backward needed is released as the engine releases it (the next forward
            # saves anew)
            G.emit(f"{G.const(node, 'n')}._saved = None", 2)
        G.emit(f"{g} = None", 2)
        G.step_end[id(node)] = len(G.lines) - 1
    if inits:
        G.lines[init_at] = "        " + "; ".join(inits)
    G.emit("_Mode.arrays = False", 2)
    G.emit(f"ACC(L, False, {G.const(foreign)})", 2)
    G.emit("finally:")
    G.emit("_Mode.enabled, _Mode.arrays = _pm", 2)
    G.emit("P._rebind_grads(inp)")

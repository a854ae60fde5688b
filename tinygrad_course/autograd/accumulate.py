"""Where gradients land: a tensor's hooks run on its gradient, then it accumulates into ``.grad``
(a leaf's, or a non-leaf's that called ``retain_grad``). The engine calls these at the ends of
its walk; ``register_hook``/``retain_grad`` (hooks.py) record what runs here."""
import numpy as np

_ARR = np.ndarray


def to_tensor(g):
    return g if g.__class__ is not _ARR else Tensor._make(g)


def run_hooks(hooks, g, create_graph):
    for h in list(hooks.values()) if isinstance(hooks, dict) else hooks:
        t = to_tensor(g)
        new = h(t)
        if new is not None:
            g = new if create_graph else new._data
        else:
            g = t if create_graph else t._data
    return g


def run_node_hooks(node, grads, create_graph):
    grads = list(grads)
    hooks = node._hooks or {}
    for i in range(len(grads)):
        if grads[i] is None:
            continue
        hs = hooks.get(i)
        if hs:
            grads[i] = run_hooks(hs, grads[i], create_graph)
        if node._retain is not None:
            ref = node._retain.get(i)
            t = ref() if ref is not None else None
            if t is not None:
                g = grads[i]
                if not create_graph:
                    # a copy: the same array may also become a leaf's .grad, updated in place later
                    g = np.array(g._data if isinstance(g, Tensor) else g)
                set_grad(t, g, create_graph)
    pre = node.__dict__.get("_pre_hooks")
    if pre:  # the node's own pre-hooks see what its tensors' hooks made
        grads = _run_node_hook_list(node, pre, (tuple(grads),), len(grads), create_graph, "pre-hook")
    return tuple(grads)


def run_post_hooks(node, grads, res, create_graph):
    """A node's ``register_hook`` hooks: ``hook(grad_inputs, grad_outputs)`` after its backward ran;
    a tuple returned replaces ``grad_inputs``."""
    outs = tuple(None if g is None else to_tensor(g) for g in grads)
    return _run_node_hook_list(node, node.__dict__["_post_hooks"], None, len(res), create_graph, "hook", res, outs)


def _run_node_hook_list(node, hooks, args, n, create_graph, kind, current=None, outs=None):
    """Run ``hooks`` (a dict of a node's hooks) in order; each sees Tensors, and may return a tuple
    of ``n`` gradients (Tensors or None) that replaces the current ones."""
    cur = list(args[0]) if current is None else list(current)
    for h in list(hooks.values()):
        seen = tuple(None if g is None else to_tensor(g) for g in cur)
        r = h(seen) if outs is None else h(seen, outs)
        if r is None:
            continue
        r = (r,) if isinstance(r, Tensor) else tuple(r)
        if len(r) != n or any(x is not None and not isinstance(x, Tensor) for x in r):
            raise RuntimeError(f"{node.name()} {kind} returned {len(r)} values (expected {n} Tensors or None)")
        cur = [x if x is None or create_graph else x._data for x in r]
    return cur


def set_grad(t, g, create_graph):
    """Accumulate ``g`` into ``t.grad`` (out of place when the graph is being built)."""
    dt = t._data.dtype
    if create_graph:
        g = to_tensor(g)
        if g.dtype != dt:
            g = g.to(dt)
        t._grad = g if t._grad is None else t._grad + g
        return
    if isinstance(g, Tensor):
        g = g._data
    if g.shape != t._data.shape:
        g = np.broadcast_to(g, t._data.shape)
    old = t._grad
    if old is None:
        # .grad must own writable memory: the optimizer and zero_() write into it in place
        # (sharing with other gradients is ruled out by accumulate_leaves)
        if g.dtype != dt or not g.flags.writeable:
            g = np.array(g, dtype=dt)
        t._grad = Tensor._make(g)
    elif old._grad_fn is None and old._data.flags.writeable and old._data.dtype == dt:
        np.add(old._data, g, out=old._data, casting="unsafe")
        old._vc[0] += 1
    else:
        t._grad = Tensor._make((old._data + g).astype(dt, copy=False))


def owner(a):
    """The array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    return a if a.base is None else a.base


def accumulate_leaves(leaf_buf, create_graph, foreign=()):
    # a gradient may be (a view of) an array another leaf got too (``add`` hands g to both
    # inputs, ``cat`` slices of it) or the caller's own ``gradient``: copy all but the first
    seen = set(foreign)
    for t, g in leaf_buf.items():
        if t._hooks:
            g = run_hooks(t._hooks, g, create_graph)
        if not create_graph and g.__class__ is _ARR:
            o = id(owner(g))
            if o in seen:
                g = g.copy()
            else:
                seen.add(o)
        set_grad(t, g, create_graph)


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

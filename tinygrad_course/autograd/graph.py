"""The graph face of a node: what code that walks ``grad_fn.next_functions`` sees (PyTorch's
``torch.autograd.graph``). The other face, the ``ctx`` API a ``Function`` uses, is in function.py."""
from .hooks import RemovableHandle


class GraphNode:
    """Graph introspection of a recorded call: its name, its edges to the inputs, metadata.

    >>> y = tc.tensor([1.], requires_grad=True).exp() * 2
    >>> y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()
    ('MulBackward0', 'ExpBackward0')
    """

    __slots__ = ()

    def name(self):
        """The node's name as PyTorch shows it (``MulBackward0``, ``MyFnBackward``)."""
        return self._fn._node_name

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def next_functions(self):
        """Edges to the inputs' nodes as ``(node, output_nr)``; leaves appear as ``AccumulateGrad``."""
        out = []
        for e in self._next:
            p, idx = edge_end(e)
            if p is None:
                out.append((None, 0))
            elif idx is None:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((named(p), idx))
        return tuple(out)

    @property
    def metadata(self):
        """A dict for your own annotations of this node (empty at first)."""
        return self.__dict__.setdefault("_metadata", {})

    def register_hook(self, fn):
        """Call ``fn(grad_inputs, grad_outputs)`` each time this node's backward has run (tuples of
        Tensors or None, one per input / output); a tuple it returns replaces ``grad_inputs``.
        Returns a handle whose ``remove()`` unregisters it.

        >>> x = tc.tensor([1., 2.], requires_grad=True)
        >>> y = x * 3.0
        >>> h = y.grad_fn.register_hook(lambda gi, go: (gi[0] * 2, gi[1]))
        >>> y.sum().backward(); x.grad
        tensor([6., 6.])
        """
        return _node_hook(self, "_post_hooks", fn)

    def register_prehook(self, fn):
        """Call ``fn(grad_outputs)`` each time before this node's backward runs (after the hooks of
        its output tensors); a tuple it returns replaces ``grad_outputs``.

        >>> x = tc.tensor([1., 2.], requires_grad=True)
        >>> y = x * 3.0
        >>> h = y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
        >>> y.sum().backward(); x.grad
        tensor([30., 30.])
        """
        return _node_hook(self, "_pre_hooks", fn)


def _node_hook(node, kind, fn):
    # a node with hooks takes the engine's general path (``_special``); pre-hooks run with the
    # output tensors' hooks (accumulate.run_node_hooks), which ``_hooks`` switches on
    if not callable(fn):
        raise TypeError(f"register_{'prehook' if kind == '_pre_hooks' else 'hook'}(): expected a callable, got {type(fn).__name__}")
    hooks = node.__dict__.setdefault(kind, {})
    node._special = True
    if kind == "_pre_hooks" and node._hooks is None:
        node._hooks = {}
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class AccumulateGrad:
    """The node a leaf tensor's gradient is accumulated by (for graph introspection)."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    next_functions = ()

    def __eq__(self, other):
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self):
        return id(self.variable)

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


def named(node):
    """``node`` as users see it: an instance of its Function's PyTorch-named class
    (``MulBackward0``). Nodes are made as plain ``Node``, one class, which keeps the
    interpreter's attribute caches on the engine's hot paths; a node takes its named class
    the first time ``grad_fn`` or ``next_functions`` hands it out.

    >>> type(tc.tensor([1.], requires_grad=True).exp().grad_fn).__name__
    'ExpBackward0'
    """
    fn = node._fn
    if fn is not None and node.__class__ is not fn._node_cls:
        node.__class__ = fn._node_cls
    return node


def edge_end(e):
    """``(node, output_nr)``, ``(leaf, None)`` or ``(None, 0)`` for a tape edge ``e`` (an entry
    of a node's ``_next``: a node, a tuple or None; see ``Node``)."""
    if e is None:
        return None, 0
    return e if e.__class__ is tuple else (e, 0)

"""Gradient hooks on tensors: ``register_hook`` and ``retain_grad`` record them on the tensor (a
leaf) or on its node; the engine runs them when the gradient arrives (accumulate.py)."""
import itertools
import weakref


class HookOps:
    """``Tensor``'s hook methods."""

    def retain_grad(self):
        """Keep this non-leaf's gradient in ``.grad`` after backward."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None:
            return
        node = self._grad_fn
        if node._retain is None:
            node._retain = {}
            node._special = True
        node._retain[self._output_nr] = weakref.ref(self)
        self.__dict__["_retains"] = True

    @property
    def retains_grad(self):
        """True when ``retain_grad()`` was called on this non-leaf tensor."""
        return bool(self.__dict__.get("_retains"))

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new grad."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            hooks = self._hooks
        else:
            node = self._grad_fn
            if node._hooks is None:
                node._hooks = {}
                node._special = True
            hooks = node._hooks.setdefault(self._output_nr, {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle


class RemovableHandle:
    """Returned by every ``register_*hook`` (tensors, graph nodes, modules); ``remove()``
    unregisters the hook, and so does leaving a ``with handle:`` block. ``id`` is the hook's key
    in the dict it was registered in.

    >>> t = tc.ones(1, requires_grad=True)
    >>> h = t.register_hook(lambda g: g)
    >>> h.remove()
    """

    __slots__ = ("hooks", "id")
    _ids = itertools.count()

    def __init__(self, hooks):
        self.hooks, self.id = hooks, next(RemovableHandle._ids)

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

"""Gradient hooks on tensors: ``register_hook`` and ``retain_grad`` record them on the tensor (a
leaf) or on its node; the engine runs them when the gradient arrives (accumulate.py)."""
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
        key = object()
        hooks[key] = hook
        return _RemovableHandle(hooks, key)


class _RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("hooks", "key")

    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

"""Saved tensors: what a forward keeps for its backward (``ctx.save_for_backward``).

A built-in's formula gets them as arrays in a plain backward and as Tensors under
``create_graph`` (see the engine's module docstring); either way PyTorch's check runs first:
nothing saved may have been changed in place since. An output saved by its own node is kept
as a ``_SavedOutput`` (array, index, version counter), not as the Tensor, which would make a
cycle node -> tensor -> node. Backward frees them all unless ``retain_graph``.
"""
import numpy as np

from .grad_mode import _Mode

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


_FREED = ("<freed>",)  # the value of ``_saved`` once backward has released it


class _SavedOutput:
    """An output of the node saved for its own backward, kept without a reference cycle."""

    __slots__ = ("data", "idx", "vc")


class SavedTensors:
    """The ctx methods that keep and hand back saved tensors. ``Node`` inherits these methods."""

    __slots__ = ()

    def save_for_backward(self, *tensors):
        """Keep tensors (inputs or outputs) for backward; in-place changes to them are detected."""
        self._saved = tensors
        # ``_versions``: one version per saved Tensor; () when arrays were saved (perhaps the
        # output, which ``apply`` then swaps for a ``_SavedOutput``); None for numbers only
        self._versions = None
        for t in tensors:
            if isinstance(t, Tensor):
                self._versions = tuple([t._vc[0] if isinstance(t, Tensor) else None for t in tensors])
                break
            if t.__class__ is np.ndarray:
                self._versions = ()

    @property
    def saved_tensors(self):
        """The tensors forward saved with ``save_for_backward`` (an error once backward freed them)."""
        saved = self._saved
        if saved is None:
            return ()
        if saved is _FREED:
            raise RuntimeError(_FREED_MSG)
        if not self._versions:
            # nothing but numbers and arrays were saved: no version to check, nothing to convert
            return saved
        out = []
        # arrays for a built-in's formula in a plain backward, Tensors otherwise (create_graph,
        # user Functions, or read outside backward): see the engine's module docstring
        raw = _Mode.arrays and self._fn._raw
        for i, (t, v) in enumerate(zip(saved, self._versions)):
            if v is None:
                out.append(t)
                continue
            cls = t.__class__
            if cls is _SavedOutput:
                if t.vc[0] != v:
                    self._raise_modified(i, t.vc[0], v, "output", t.idx)
                if raw:
                    out.append(t.data)
                else:
                    out.append(Tensor._make(t.data, True, self, t.idx, t.vc))
            else:
                if t._vc[0] != v:
                    self._raise_modified(i, t._vc[0], v, "input", None)
                out.append(t._data if raw else t)
        return tuple(out)

    # PyTorch's older spelling
    saved_variables = saved_tensors

    def _raise_modified(self, i, now, expected, kind, idx):
        what = f"output {idx} of {self.name()}" if kind == "output" else f"saved tensor {i} of {self.name()}"
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: {what} is at version {now}; expected version {expected} instead. "
            "Hint: do the in-place operation on a copy (.clone()) or out of place."
        )

    def _free(self):
        """Release what backward needed (called after backward unless ``retain_graph``)."""
        self._saved = _FREED
        if not self._fn._raw:
            # a user's forward may have stored arrays as ctx attributes
            d = self.__dict__
            for k in [k for k, v in d.items() if isinstance(v, (np.ndarray, Tensor))]:
                del d[k]


def save_output(ctx, j, t, i):
    """Replace saved entry j (an output) by a reference that rebuilds it without a cycle."""
    so = _SavedOutput()
    so.data, so.idx, so.vc = t._data, i, t._vc
    saved = ctx._saved
    vers = ctx._versions or (None,) * len(saved)
    ctx._saved = saved[:j] + (so,) + saved[j + 1:]
    ctx._versions = vers[:j] + (t._vc[0],) + vers[j + 1:]


def freed_getattr(self, name):
    """``__getattr__`` of the nodes of Functions whose forward may store arrays as ctx attributes
    (a user's): reading one after backward freed it is PyTorch's "backward a second time" error."""
    # only reached for attributes a forward stored that are gone: freed after backward
    if object.__getattribute__(self, "_saved") is _FREED and not name.startswith("__"):
        raise RuntimeError(_FREED_MSG)
    raise AttributeError(f"'{self.name()}' object has no attribute '{name}'")


Tensor = None  # the Tensor class: tensor.py sets it once the class exists

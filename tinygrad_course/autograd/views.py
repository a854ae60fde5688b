"""Views and in-place ops (PyTorch's view + in-place semantics, done in Python).

A view (``reshape``, ``transpose``, basic indexing, ...) made in grad mode remembers its base
tensor and the chain of view ops that made it. Then:

- an in-place op through a view rewrites the *base's* history: the base becomes
  ``where(covered, scatter(new view values), old base)``, so gradients reach everything that
  flowed into the base and into the new values (PyTorch's ``CopySlices``);
- after any recorded in-place change of a base, its live views get a fresh history, the view
  chain replayed on the new base, so using an old view afterwards differentiates correctly.
"""
import weakref

import numpy as np

from . import dtypes as _dt
from .grad_mode import _Mode

_PRUNE_AT = 64  # a base's list of weakrefs to its views is cleaned when it reaches this size


def register(t, src, cls, extra):
    """Record that ``t = cls.apply(src, *extra)`` is a view (called by ``Function.apply``)."""
    vo = src.__dict__.get("_view_of")
    base, chain = (src, ()) if vo is None else vo
    t.__dict__["_view_of"] = (base, chain + ((cls, extra),))
    if base._rg and base._grad_fn is None:
        # a leaf that requires grad: in-place changes through its views are refused anyway
        return
    d = base.__dict__
    views = d.get("_views")
    if views is None:
        d["_views"] = [weakref.ref(t)]
        return
    views.append(weakref.ref(t))
    if len(views) >= d.get("_views_cap", _PRUNE_AT):
        views[:] = [r for r in views if r() is not None]
        d["_views_cap"] = max(_PRUNE_AT, 2 * len(views))


def base_of(t):
    """The tensor ``t`` is a recorded view of, or None."""
    vo = t.__dict__.get("_view_of")
    return None if vo is None else vo[0]


def _positions(base, chain):
    """For each element of the view, its flat (C-order) position in the base."""
    prev, _Mode.enabled = _Mode.enabled, False  # a throwaway replay: record nothing
    try:
        pos = Tensor._make(np.arange(base._data.size).reshape(base._data.shape))
        for cls, extra in chain:
            pos = cls.apply(pos, *extra)
    finally:
        _Mode.enabled = prev
    return np.asarray(pos._data)


def replay(base, chain):
    """The view made from ``base`` by the recorded chain of view ops (recorded anew)."""
    cur = base
    for cls, extra in chain:
        cur = cls.apply(cur, *extra)
    return cur


def write_through(view, new):
    """In-place op on a view: give its base the history of ``base with the view's elements
    replaced by new``, write the values, and refresh the histories of the base's views."""
    base, chain = view.__dict__["_view_of"]
    pos = _positions(base, chain).reshape(-1)
    shape = base._data.shape
    covered = np.zeros(base._data.size, bool)
    covered[pos] = True
    # every covered base element takes the view element that sits on it (a gather, so the
    # gradient flows back to ``new``); uncovered ones read element 0 and are masked out below
    src = np.zeros(base._data.size, np.int64)
    src[pos] = np.arange(pos.size)
    placed = new.reshape(-1)[src].reshape(shape)
    new_base = placed.where(Tensor._make(covered.reshape(shape)), base._snapshot())
    adopt(base, new_base)


def adopt(t, new):
    """``t`` takes ``new``'s values and history (same object), then its views are refreshed."""
    try:
        np.copyto(t._data, new._data, casting="same_kind")
    except (TypeError, ValueError) as e:
        raise RuntimeError(f"in-place operation: {e}") from None
    t._grad_fn = new._grad_fn
    t._output_nr = new._output_nr
    t._rg = new._rg
    t._vc[0] += 1
    refresh_views(t)


def refresh_views(base):
    """Give every live view of ``base`` the history of its view chain replayed on ``base``."""
    views = base.__dict__.get("_views")
    if not views:
        return
    for ref in list(views):
        v = ref()
        if v is None:
            continue
        r = replay(base, v.__dict__["_view_of"][1])
        v._grad_fn = r._grad_fn
        v._output_nr = r._output_nr
        v._rg = r._rg


class InplaceOps:
    """The machinery of in-place ops (PyTorch semantics, see the module docstring). ``Tensor`` inherits these methods."""

    __slots__ = ()

    def _check_inplace(self, op):
        if not _Mode.enabled:
            return
        if self._rg and self._grad_fn is None:
            raise RuntimeError(
                f"{op}: a leaf Variable that requires grad is being used in an in-place operation."
            )
        base = base_of(self) if "_view_of" in self.__dict__ else None
        if base is not None and base._rg and base._grad_fn is None:
            raise RuntimeError(
                f"{op}: a view of a leaf Variable that requires grad is being used in an in-place operation "
                f"(view of shape {tuple(self.shape)} of a leaf of shape {tuple(base.shape)})."
            )

    def _snapshot(self):
        """This tensor's current value and history as a separate tensor (for in-place ops)."""
        return Tensor._make(self._data.copy(), self._rg, self._grad_fn, self._output_nr)

    def _adopt(self, new, op="in-place operation"):
        """Become ``new`` in place: same object, new values and history (through a view, the
        base's history is rewritten; see ``views.py``)."""
        if new.shape != self._data.shape:
            raise RuntimeError(
                f"{op}: output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(new.shape)}"
            )
        if not self._data.flags.writeable:
            raise RuntimeError(
                f"{op}: unsupported operation: more than one element of the written-to tensor (shape "
                f"{tuple(self.shape)}) refers to a single memory location (an expand()ed view). Please clone() "
                "the tensor before performing the operation."
            )
        if new._data.dtype != self._data.dtype:
            if not np.can_cast(new._data.dtype, self._data.dtype, "same_kind"):
                raise RuntimeError(
                    f"{op}: result type {new.dtype} can't be cast to the desired output type {self.dtype}"
                )
            new = new.to(self.dtype)
        if "_nograd_view" in self.__dict__:
            raise RuntimeError(
                f"{op}: A view was created in no_grad mode and is being modified inplace with grad mode enabled "
                f"(view of shape {tuple(self.shape)}). Given that this use case is ambiguous and error-prone, it is "
                "forbidden. Move both the view and the in-place op inside the no_grad block (not tracked) or both "
                "outside it (tracked)."
            )
        if "_view_of" in self.__dict__:
            write_through(self, new)
        else:
            adopt(self, new)

    def _inplace(self, op, fn, *args):
        self._check_inplace(op)
        if _Mode.tracer is not None:
            _Mode.tracer.refuse(f"in-place op {op}()")
        if _Mode.enabled and (self._rg or any(getattr(a, "_rg", False) for a in args)):
            self._adopt(fn(self._snapshot(), *args), op)
            return self
        prev = _Mode.enabled
        _Mode.enabled = False
        try:
            res = fn(self, *args)
        finally:
            _Mode.enabled = prev
        r = res._data
        if r.shape != self._data.shape:
            raise RuntimeError(
                f"{op}: output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(r.shape)}"
            )
        try:
            np.copyto(self._data, r, casting="same_kind")
        except TypeError:
            raise RuntimeError(
                f"{op}: result type {_dt._BY_NP.get(r.dtype, r.dtype)} can't be cast to the desired output type "
                f"{self.dtype}"
            ) from None
        except ValueError as e:
            raise RuntimeError(f"{op}: {e}") from None
        self._vc[0] += 1
        return self


Tensor = None  # the Tensor class: tensor.py sets it once the class (built from the mixins) exists

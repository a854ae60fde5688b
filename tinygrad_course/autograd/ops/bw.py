"""Helpers that let one backward formula run on ndarrays (plain backward, fast) and on Tensors
(``create_graph=True``, recorded). Operators (``* / + - @``, ``.T``, ``.reshape``, indexing)
already work on both; these cover the rest. On Tensors they call Tensor methods, so this file
imports no op family (it sits below all of them)."""
import numpy as np

A = np.ndarray


def is_arr(x):
    return x.__class__ is A


def sum_to(g, shape):
    """Sum a broadcast gradient back down to ``shape`` (the backward of broadcasting)."""
    if g.shape == shape:
        return g
    if g.__class__ is A:
        lead = g.ndim - len(shape)
        gs = g.shape
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gs[lead + i] != 1)
        return g.sum(axis=axes, keepdims=True).reshape(shape) if axes else g.reshape(shape)
    return g.sum_to_size(shape)


def broadcast_to(g, shape):
    """Broadcast ``g`` to ``shape`` (the backward of a reduction)."""
    if g.shape == shape:
        return g
    if g.__class__ is A:
        return np.broadcast_to(g, shape)
    return g.expand(shape)


def unb(g, meta):
    """Reduce ``g`` to an input's (shape, dtype) recorded in forward (None: nothing to do)."""
    if meta is None:
        return g
    shape, dt = meta
    g = sum_to(g, shape)
    return cast(g, dt)


def cast(g, dt):
    if g.__class__ is A:
        return g if g.dtype == dt else g.astype(dt)
    return g if g.dtype == dt else g.to(dt)


def where(mask, a, b):
    """``where`` for a constant boolean mask and array/Tensor/scalar branches."""
    if not (hasattr(a, "_vc") or hasattr(b, "_vc")):
        return np.where(mask, a, b)
    # Tensor.where(cond, other) is where(cond, self, other): record with the Tensor branch as self
    return a.where(mask, b) if hasattr(a, "_vc") else b.where(~mask, a)


def keep(g, shape, dim):
    """Reinsert reduced axes ``dim`` (normalised tuple) as size-1 axes: keepdim shape."""
    kshape = tuple(1 if i in dim else s for i, s in enumerate(shape))
    return g.reshape(kshape)


def rsum(x, dim, keepdims=True):
    """Sum over ``dim`` keeping the axes, on an array or a Tensor."""
    if x.__class__ is A:
        return x.sum(axis=dim, keepdims=keepdims)
    return x.sum(dim, keepdim=keepdims)


def _unary(np_fn, name):
    def f(x):
        if x.__class__ is A:
            return np_fn(x)
        return getattr(x, name)()

    f.__name__ = name
    return f


exp = _unary(np.exp, "exp")
log = _unary(np.log, "log")
sin = _unary(np.sin, "sin")
cos = _unary(np.cos, "cos")


def permute(x, dims):
    if x.__class__ is A:
        return x.transpose(dims)
    return x.permute(*dims)


def mT(x):
    """Swap the last two axes."""
    if x.__class__ is A:
        return x.swapaxes(-1, -2)
    return x.transpose(-1, -2)

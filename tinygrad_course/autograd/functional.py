"""Higher-order helpers built on ``grad``: ``vjp jvp jacobian hessian hvp vhp``."""
import numpy as np

from .tensor import Tensor
from .engine_api import grad
from .grad_mode import enable_grad


def _tup(x):
    return (x, False) if isinstance(x, Tensor) is False and isinstance(x, (tuple, list)) else ((x,), True)


def _prep_inputs(inputs, create_graph):
    ins, single = _tup(inputs)
    out = []
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor):
            raise TypeError(f"The inputs given to the function must be Tensors, but input {i} is {type(x).__name__}")
        # differentiate w.r.t. fresh leaves so the caller's tensors are untouched
        y = x if (create_graph and x._rg) else x.detach().requires_grad_(x.is_floating_point())
        out.append(y)
    return tuple(out), single


def _fill(gs, ref):
    return tuple(Tensor._make(np.zeros_like(r._data)) if g is None else g for g, r in zip(gs, ref))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): a vector-Jacobian product."""
    with enable_grad():
        ins, single_in = _prep_inputs(inputs, create_graph)
        outs = func(*ins)
        o_t, single_out = _tup(outs)
        if v is None:
            if any(o.numel() != 1 for o in o_t):
                raise RuntimeError("vjp: The vector v can only be None if the user-provided function returns a single Tensor with a single element.")
        vs = None if v is None else _tup(v)[0]
        gs = grad(o_t, ins, vs, create_graph=create_graph, allow_unused=True)
    gs = _fill(gs, ins)
    res = tuple(o if create_graph else o.detach() for o in o_t)
    return (res[0] if single_out else res), (gs[0] if single_in else gs)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): a Jacobian-vector product, by differentiating a vjp in its vector."""
    with enable_grad():
        ins, single_in = _prep_inputs(inputs, True)
        outs = func(*ins)
        o_t, single_out = _tup(outs)
        if v is None:
            if any(x.numel() != 1 for x in ins):
                raise RuntimeError("jvp: The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.")
            v = tuple(Tensor._make(np.ones_like(x._data)) for x in ins)
        vs = _tup(v)[0]
        us = tuple(Tensor._make(np.zeros_like(o._data)).requires_grad_() for o in o_t)
        gx = grad(o_t, ins, us, create_graph=True, allow_unused=True)
        pairs = [(g, vv) for g, vv in zip(gx, vs) if g is not None and g._rg]
        if pairs:
            jv = grad([g for g, _ in pairs], us, [vv for _, vv in pairs], create_graph=create_graph, allow_unused=True)
        else:
            jv = (None,) * len(us)
    jv = _fill(jv, o_t)
    res = tuple(o if create_graph else o.detach() for o in o_t)
    if not create_graph:
        jv = tuple(j.detach() for j in jv)
    return (res[0] if single_out else res), (jv[0] if single_out else jv)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """d func / d inputs, shaped output.shape + input.shape (nested tuples for several)."""
    with enable_grad():
        ins, single_in = _prep_inputs(inputs, create_graph)
        outs = func(*ins)
        o_t, single_out = _tup(outs)
        rows = []
        for o in o_t:
            blocks = [[] for _ in ins]
            n = o.numel()
            for r in range(n):
                e = np.zeros(n, o._data.dtype)
                e[r] = 1
                if o._rg:
                    gs = grad(o, ins, Tensor._make(e.reshape(o.shape)), retain_graph=True,
                              create_graph=create_graph, allow_unused=True)
                else:
                    gs = (None,) * len(ins)
                for b, g, x in zip(blocks, gs, ins):
                    b.append(Tensor._make(np.zeros_like(x._data)) if g is None else g)
            from .ops.join import stack

            per_in = []
            for b, x in zip(blocks, ins):
                J = stack(b, 0) if b else Tensor._make(np.zeros((0,) + x.shape, x._data.dtype))
                J = J.reshape(tuple(o.shape) + tuple(x.shape))
                per_in.append(J if create_graph else J.detach())
            rows.append(tuple(per_in))
    if single_out and single_in:
        return rows[0][0]
    if single_out:
        return rows[0]
    if single_in:
        return tuple(r[0] for r in rows)
    return tuple(rows)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """Second derivatives of a scalar function, shaped input.shape + input.shape."""
    ins, single_in = _tup(inputs)

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("hessian: The function given to hessian should return a single Tensor with a single element")
        gs = grad(out.reshape(()), xs, create_graph=True, allow_unused=True)
        return _fill(gs, xs) if not single_in else _fill(gs, xs)[0]

    return jacobian(gradient, ins[0] if single_in else ins, create_graph=create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): a Hessian-vector product by double backward."""
    with enable_grad():
        ins, single_in = _prep_inputs(inputs, True)
        out = func(*ins)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("hvp: The function given to hvp should return a single Tensor with a single element")
        gs = grad(out, ins, create_graph=True, allow_unused=True)
        vs = _tup(v)[0] if v is not None else tuple(Tensor._make(np.ones_like(x._data)) for x in ins)
        pairs = [(g, vv) for g, vv in zip(gs, vs) if g is not None and g._rg]
        if pairs:
            hv = grad([g for g, _ in pairs], ins, [vv for _, vv in pairs], create_graph=create_graph, allow_unused=True)
        else:
            hv = (None,) * len(ins)
    hv = _fill(hv, ins)
    o = out if create_graph else out.detach()
    if not create_graph:
        hv = tuple(h.detach() for h in hv)
    return o, (hv[0] if single_in else hv)


vhp = hvp

from .hessian_eigen import hessian_eigenvalues  # noqa: E402,F401  (Lanczos on hvp; its own file)

"""Compare the tape's gradients with central finite differences (PyTorch's ``gradcheck``)."""
import warnings

import numpy as np

from .tensor import Tensor
from .engine_api import grad as _grad


class GradcheckError(RuntimeError):
    """A gradient disagrees with finite differences (or fails a structural check).

    >>> issubclass(tc.autograd.GradcheckError, RuntimeError)
    True
    """


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _diff_outputs(outs):
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def numerical_jacobian(func, inputs, eps=1e-6):
    """J[o][i] of shape (out_o.numel(), in_i.numel()): d out_o / d in_i by central differences,
    (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)."""
    idx = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    outs0 = _diff_outputs(_as_tuple(func(*inputs)))
    jac = [[np.zeros((o._data.size, inputs[k]._data.size)) for k in idx] for o in outs0]
    for col, k in enumerate(idx):
        x = inputs[k]._data
        flat = x.reshape(-1) if x.flags.c_contiguous else None
        if flat is None:
            raise ValueError(f"gradcheck: input {k} must be contiguous")
        for j in range(flat.size):
            orig = flat[j].item()
            # perturb in place (the function may itself differentiate, as gradgradcheck's does)
            try:
                flat[j] = orig + eps
                plus = [o._data.astype(np.float64).reshape(-1) for o in _diff_outputs(_as_tuple(func(*inputs)))]
                flat[j] = orig - eps
                minus = [o._data.astype(np.float64).reshape(-1) for o in _diff_outputs(_as_tuple(func(*inputs)))]
            finally:
                flat[j] = orig
            for o in range(len(outs0)):
                jac[o][col][:, j] = (plus[o] - minus[o]) / (2 * eps)
    return jac


def analytical_jacobian(outputs, inputs):
    """J[o][i] rows from one vector-Jacobian product per output element (one-hot grad_output)."""
    idx = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    req = [inputs[k] for k in idx]
    jac = []
    for o in outputs:
        blocks = [np.zeros((o._data.size, t._data.size)) for t in req]
        if o._rg:
            for r in range(o._data.size):
                v = np.zeros(o._data.size, o._data.dtype)
                v[r] = 1
                gs = _grad(o, req, Tensor._make(v.reshape(o.shape)), retain_graph=True, allow_unused=True)
                for b, g in zip(blocks, gs):
                    if g is not None:
                        b[r] = g._data.reshape(-1)
        jac.append(blocks)
    return jac


def _where_max(a, n, atol, rtol):
    bad = np.abs(a - n) - (atol + rtol * np.abs(n))
    r, c = np.unravel_index(np.argmax(bad), bad.shape)
    return r, c


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_backward_ad=True, fast_mode=False, masked=None):
    """True if ``func``'s gradients w.r.t. every input that requires grad match central finite
    differences: |analytical - numerical| <= atol + rtol |numerical| elementwise (float64 inputs).

    PyTorch's other keyword options (batched, forward-mode, fast and masked checks) are accepted
    so calls written for PyTorch run, and have no effect.

    >>> x = tc.randn(3, dtype=tc.float64, requires_grad=True)
    >>> tc.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    req = [(k, t) for k, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    if not req:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.")
    for k, t in req:
        if t._data.dtype != np.float64:
            warnings.warn(
                f"Input #{k} requires gradient and is not a double precision floating point. This check will "
                "likely fail if all the inputs are not of double precision floating point.",
                UserWarning,
                stacklevel=2,
            )
    outs = _diff_outputs(_as_tuple(func(*inputs)))
    if not outs:
        return _fail("gradcheck: the function returned no differentiable (floating point) output", raise_exception)
    numerical = numerical_jacobian(func, inputs, eps)
    analytical = analytical_jacobian(outs, inputs)
    for o, out in enumerate(outs):
        for c, (k, t) in enumerate(req):
            n, a = numerical[o][c], analytical[o][c]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                r, j = _where_max(a, n, atol, rtol)
                in_el = np.unravel_index(j, t.shape) if t.ndim else ()
                out_el = np.unravel_index(r, out.shape) if out.ndim else ()
                return _fail(
                    f"Jacobian mismatch for output {o} with respect to input {k},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                    f"The largest mismatch is at input {k} element {tuple(int(v) for v in in_el)} (output {o} element "
                    f"{tuple(int(v) for v in out_el)}): numerical {n[r, j]:.10g}, analytical {a[r, j]:.10g}, "
                    f"difference {abs(a[r, j] - n[r, j]):.3g} (tolerance {atol + rtol * abs(n[r, j]):.3g}).",
                    raise_exception,
                )
    # structural checks, as PyTorch's: gradient shapes/dtypes, reentrancy, scaling with grad_output
    diff = [o for o in outs if o._rg]
    if diff:
        req_t = [t for _, t in req]
        gos = [Tensor._make(np.random.default_rng(0).standard_normal(o.shape).astype(o._data.dtype)) for o in diff]
        g1 = _grad(diff, req_t, gos, retain_graph=True, allow_unused=True)
        g2 = _grad(diff, req_t, gos, retain_graph=True, allow_unused=True)
        for (k, t), a, b in zip(req, g1, g2):
            if a is None:
                continue
            if a.shape != t.shape:
                return _fail(f"Gradient for input {k} has shape {tuple(a.shape)}, expected {tuple(t.shape)}", raise_exception)
            if a._data.dtype != t._data.dtype:
                return _fail(f"Gradient for input {k} has dtype {a.dtype}, expected {t.dtype}", raise_exception)
            if np.abs(a._data - b._data).max(initial=0) > nondet_tol:
                return _fail(
                    f"Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                    f"times gives different values for input {k}, although analytical gradient matches numerical "
                    "gradient.",
                    raise_exception,
                )
        zeros = [Tensor._make(np.zeros(o.shape, o._data.dtype)) for o in diff]
        gz = _grad(diff, req_t, zeros, retain_graph=True, allow_unused=True)
        for (k, _), g in zip(req, gz):
            if g is not None and np.any(g._data != 0):
                return _fail(f"backward not multiplied by grad_output (input {k} got a nonzero gradient for a zero grad_output)", raise_exception)
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """``gradcheck`` of the gradient itself: second derivatives by finite differences of the
    first (the backward must be differentiable, ``create_graph=True``).

    >>> x = tc.randn(3, dtype=tc.float64, requires_grad=True)
    >>> tc.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    req_idx = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t._rg]
    outs = _diff_outputs(_as_tuple(func(*inputs)))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o.shape).astype(o._data.dtype)).requires_grad_() for o in outs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_grads(*args):
        xs, gos = args[:n_in], args[n_in:]
        ys = [o for o in _diff_outputs(_as_tuple(func(*xs))) if o._rg]
        if not ys:
            return tuple(Tensor._make(np.zeros_like(xs[k]._data)) for k in req_idx)
        gs = _grad(ys, [xs[k] for k in req_idx], list(gos[: len(ys)]), create_graph=True, allow_unused=True)
        return tuple(Tensor._make(np.zeros_like(xs[k]._data)) if g is None else g for k, g in zip(req_idx, gs))

    return gradcheck(first_grads, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol)

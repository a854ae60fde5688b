"""``hessian_eigenvalues``: the extreme eigenvalues of a Hessian without ever forming it.

Lanczos iteration on Hessian-vector products: the gradient is taken once with
``create_graph=True``, then each product H v is one more backward through that gradient
(double backward), so the cost per iteration is about one backward pass and the memory is
the Lanczos basis (``max_iter`` vectors of the parameter count). That makes the curvature of a
whole model's loss (its largest eigenvalue bounds the stable gradient-descent step, lr < 2/λmax)
measurable for any parameter count that fits ``max_iter`` copies in memory.
"""
import operator
import warnings
from typing import Callable, Sequence, Tuple, Union

import numpy as np

from .engine_api import grad as _grad
from .grad_mode import enable_grad
from .storage import _array, _wrap
from .tensor import Tensor

__all__ = ["hessian_eigenvalues"]

Tensors = Union[Tensor, Sequence[Tensor]]


def _lanczos(hvp: Callable[[np.ndarray], np.ndarray], n: int, k: int, largest: bool, tol: float,
             max_iter: int) -> Tuple[np.ndarray, np.ndarray, float]:
    """k extreme Ritz pairs of the symmetric operator ``hvp`` (n x n), ascending.

    Full reorthogonalisation (twice, "twice is enough") keeps the basis orthonormal, so no
    spurious copies of converged eigenvalues appear. On breakdown (an invariant subspace was
    found) the iteration restarts from a random vector orthogonal to the basis, which is also
    how a repeated eigenvalue gets its second copy. Returns (values, vectors (n, k), residual)."""
    rng = np.random.default_rng(0)  # a fixed start: reproducible, and the global RNG is left alone
    q = rng.standard_normal(n)
    q /= np.linalg.norm(q)
    Q = np.empty((min(max_iter, n), n))
    alphas, betas = [], []
    beta = 0.0
    theta = S = None
    residual = np.inf
    prev_wanted = None
    for j in range(Q.shape[0]):
        Q[j] = q
        w = hvp(q)
        alpha = float(q @ w)
        w = w - alpha * q - (beta * Q[j - 1] if j else 0.0)
        B = Q[: j + 1]
        for _ in range(2):
            w -= B.T @ (B @ w)
        beta = float(np.linalg.norm(w))
        alphas.append(alpha)
        T = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
        theta, S = np.linalg.eigh(T)
        scale = max(float(np.abs(theta).max()), np.finfo(np.float64).tiny)
        if j + 1 == n:
            residual = 0.0  # the basis spans everything: T is H in that basis, exactly
            break
        breakdown = beta <= 1e-10 * scale
        sel = slice(len(theta) - k, None) if largest else slice(0, k)
        if j + 1 >= k and not breakdown:
            # ||H y - theta y|| = beta |last component of the Ritz vector's coordinates|
            residual = float(np.max(beta * np.abs(S[-1, sel]))) / scale
            if residual <= tol:
                break
        if breakdown and j + 1 >= k:
            # the basis spans an invariant subspace, so its Ritz values are exact; a restart may
            # still find more (another copy of a repeated eigenvalue): stop once one found none
            wanted = theta[sel]
            if prev_wanted is not None and np.allclose(wanted, prev_wanted, rtol=0, atol=tol * scale):
                residual = 0.0
                break
            prev_wanted = wanted
        if breakdown:
            q = rng.standard_normal(n)
            for _ in range(2):
                q -= B.T @ (B @ q)
            q /= np.linalg.norm(q)
            beta = 0.0
        else:
            q = w / beta
        betas.append(beta)
    m = len(alphas)
    sel = slice(m - k, None) if largest else slice(0, k)
    vals = theta[sel]
    vecs = Q[:m].T @ S[:, sel]
    vecs /= np.linalg.norm(vecs, axis=0, keepdims=True)
    # a deterministic sign: the largest entry of each eigenvector is positive
    idx = np.argmax(np.abs(vecs), axis=0)
    vecs *= np.sign(vecs[idx, np.arange(vecs.shape[1])])
    return vals, vecs, residual


def _as_int(v):
    """v as an int if it is an integer (numpy's too), else None (bools are not counts)."""
    if isinstance(v, bool):
        return None
    try:
        return operator.index(v)
    except TypeError:
        return None


def hessian_eigenvalues(f: Callable[..., Tensor], inputs: Tensors, k: int = 1, which: str = "largest",
                        tol: float = 1e-6, max_iter: int = 200) -> Tuple[Tensor, Union[Tensor, Tuple[Tensor, ...]]]:
    """The k largest (or smallest) eigenvalues of the Hessian of a scalar ``f`` and their eigenvectors.

    H = d^2 f / dx^2 over all ``inputs`` flattened into one vector; found matrix-free by Lanczos
    (with full reorthogonalisation) on Hessian-vector products H v from double backward, stopping
    when every wanted Ritz pair has ||H y - theta y|| <= tol * max|theta|, or after ``max_iter``
    products (then a ``UserWarning`` gives the residual reached). Exact (up to rounding) once the
    iteration count reaches the parameter count. Memory: ``max_iter`` vectors of the parameter
    count. As any single-vector Krylov method, a repeated eigenvalue's extra copies are only
    found through restarts, i.e. reliably when the parameter count is at most ``max_iter``.

    Args:
        f: a function of the inputs returning a single-element Tensor.
        inputs: a Tensor or a tuple of Tensors (floating point); they are not modified.
        k: how many eigenvalues, 1 <= k <= number of elements of the inputs.
        which: ``"largest"`` or ``"smallest"`` (algebraically: the most negative for "smallest").
        tol: relative residual tolerance. max_iter: the most Hessian-vector products.

    Returns:
        ``(eigenvalues, eigenvectors)`` as ``torch.linalg.eigh``: eigenvalues of shape (k,) in
        ascending order (so ``eigenvalues[-1]`` is λmax with ``which="largest"``); eigenvectors
        shaped like the input with one more last axis of size k (a tuple of them for a tuple of
        inputs), column ``[..., i]`` belonging to ``eigenvalues[i]``, unit norm over all inputs
        together, sign chosen so its largest entry is positive. dtype of the first input.

    Example:
        >>> A = tc.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=tc.float64)
        >>> f = lambda x: 0.5 * x @ A @ x
        >>> vals, vecs = tc.autograd.functional.hessian_eigenvalues(f, tc.zeros(2, dtype=tc.float64))
        >>> round(vals.item(), 6)  # (5 + sqrt 5) / 2
        3.618034
    """
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor):
            raise TypeError(f"hessian_eigenvalues: the inputs must be Tensors, but input {i} is {type(x).__name__}")
        if not x.dtype.is_floating_point:
            raise TypeError(f"hessian_eigenvalues: input {i} has dtype {x.dtype}; "
                            "a Hessian needs floating point inputs")
    if which not in ("largest", "smallest"):
        raise ValueError(f"hessian_eigenvalues: which must be 'largest' or 'smallest', got {which!r}")
    n = sum(x.numel() for x in ins)
    k_given, k = k, _as_int(k)
    if k is None or not 1 <= k <= n:
        raise ValueError(f"hessian_eigenvalues: k must be an int with 1 <= k <= {n} (the inputs' total number of "
                         f"elements, shapes {[tuple(x.shape) for x in ins]}), got {k_given!r}")
    iters = _as_int(max_iter)
    if iters is None or iters < 1:
        raise ValueError(f"hessian_eigenvalues: max_iter must be a positive int, got {max_iter!r}")
    max_iter = iters
    if not tol > 0:
        raise ValueError(f"hessian_eigenvalues: tol must be positive, got {tol!r}")
    # k Ritz pairs need at least k iterations
    max_iter = max(max_iter, k)
    with enable_grad():
        xs = tuple(x.detach().requires_grad_() for x in ins)  # fresh leaves: the caller's tensors stay as they are
        out = f(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            what = f"shape {tuple(out.shape)}" if isinstance(out, Tensor) else type(out).__name__
            raise RuntimeError("hessian_eigenvalues: The function given to hessian_eigenvalues should return a single "
                               f"Tensor with a single element, got {what}")
        gs = _grad(out.reshape(()), xs, create_graph=True, allow_unused=True)
    used = [i for i, g in enumerate(gs) if g is not None and g.requires_grad]
    sizes = [x.numel() for x in xs]
    offsets = np.cumsum([0] + sizes)

    def hvp(v: np.ndarray) -> np.ndarray:
        vs = [_wrap(v[offsets[i]:offsets[i + 1]].reshape(tuple(xs[i].shape)).astype(_array(gs[i]).dtype))
              for i in used]
        with enable_grad():
            hv = _grad([gs[i] for i in used], xs, vs, retain_graph=True, allow_unused=True)
        res = np.zeros(n)
        for i, h in enumerate(hv):
            if h is not None:
                res[offsets[i]:offsets[i + 1]] = _array(h).reshape(-1)
        if not np.isfinite(res).all():
            raise RuntimeError("hessian_eigenvalues: a Hessian-vector product is not finite (nan or inf): "
                               f"f(inputs) = {_array(out).item()!r}; are the inputs finite?")
        return res

    largest = which == "largest"
    if not used:  # the gradient does not depend on the inputs: H = 0
        vals, vecs, residual = np.zeros(k), np.eye(n, k), 0.0
    else:
        vals, vecs, residual = _lanczos(hvp, n, k, largest, tol, max_iter)
    if residual > tol:
        warnings.warn(f"hessian_eigenvalues: Lanczos stopped after {max_iter} Hessian-vector products with relative "
                      f"residual {residual:.3g} > tol={tol:g}; the eigenpairs are approximate (raise max_iter)",
                      UserWarning, stacklevel=2)
    dtype = _array(ins[0]).dtype
    values = _wrap(np.ascontiguousarray(vals.astype(dtype)))
    parts = tuple(_wrap(vecs[offsets[i]:offsets[i + 1]].reshape(tuple(x.shape) + (k,)).astype(dtype))
                  for i, x in enumerate(ins))
    return values, (parts[0] if single else parts)

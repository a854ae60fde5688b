"""Second-order optimizers from the lecture's "Gradient descent vs Newton" slide: exact
(damped) Newton and Hessian-free Newton-CG, both built on double backward."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

import tinygrad_course as tc

from ..autograd import _array
from .optimizer import Optimizer, _bump_version

__all__ = ["Newton", "NewtonCG"]


class _SecondOrder(Optimizer):
    """Shared machinery: one parameter group, a closure with ``create_graph=True``."""

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        if not 0.0 <= defaults["lr"]:
            raise ValueError(f"Invalid learning rate: {defaults['lr']}")
        if not 0.0 <= defaults["damping"]:
            raise ValueError(f"Invalid damping value: {defaults['damping']}")
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError(
                f"{type(self).__name__} doesn't support per-parameter options (parameter groups)"
            )
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Only allowed once (at construction): the Hessian couples all parameters."""
        if getattr(self, "_params", None) is not None:
            raise ValueError(
                f"{type(self).__name__} doesn't support per-parameter options (parameter groups)"
            )
        super().add_param_group(param_group)

    def _on_setstate(self) -> None:
        self._params = self.param_groups[0]["params"]

    def _evaluate(self, closure):
        """Run the closure; return (loss, flat float64 gradient, differentiable grads, their params)."""
        name = type(self).__name__
        if not callable(closure):
            raise TypeError(
                f"{name}.step requires a closure that calls opt.zero_grad(), computes the loss, "
                "calls loss.backward(create_graph=True) and returns the loss"
            )
        loss = self._eval_closure(closure)
        self._check_step_inputs()
        flat = [np.zeros(_array(p).size) if p.grad is None
                else np.asarray(_array(p.grad), dtype=np.float64).reshape(-1) for p in self._params]
        g = np.concatenate(flat) if flat else np.zeros(0)
        # gradients that depend on the parameters (the others have a zero Hessian block)
        diff = [(i, p.grad) for i, p in enumerate(self._params)
                if p.grad is not None and p.grad.requires_grad]
        if not diff and any(p.grad is not None for p in self._params) and np.any(g):
            raise RuntimeError(
                f"{name}.step: the gradients carry no graph; call loss.backward(create_graph=True) "
                "in the closure so that second derivatives can be taken"
            )
        if not np.all(np.isfinite(g)):
            raise RuntimeError(f"{name}.step: the gradient has non-finite entries")
        return loss, g, diff

    def _offsets(self) -> list[int]:
        sizes = [_array(p).size for p in self._params]
        return list(np.concatenate([[0], np.cumsum(sizes)]).astype(int))

    def _hvp(self, diff, v: np.ndarray) -> np.ndarray:
        """Hessian-vector product ``H v`` by one extra backward through the gradient graph."""
        off = self._offsets()
        outs = [gr for _, gr in diff]
        gouts = [tc.from_numpy(v[off[i]:off[i + 1]].reshape(_array(gr).shape)
                               .astype(_array(gr).dtype)) for i, gr in diff]
        res = tc.autograd.grad(outs, self._params, grad_outputs=gouts, retain_graph=True,
                               allow_unused=True)
        return np.concatenate([np.zeros(_array(p).size) if r is None
                               else np.asarray(_array(r), dtype=np.float64).reshape(-1)
                               for p, r in zip(self._params, res)])

    def _apply(self, lr: float, d: np.ndarray) -> None:
        """``theta -= lr * d`` for the flattened direction ``d``; then free the gradient graph."""
        off = self._offsets()
        for i, p in enumerate(self._params):
            w = _array(p)
            w -= (lr * d[off[i]:off[i + 1]]).reshape(w.shape).astype(w.dtype, copy=False)
            _bump_version(p)
        self._release_graph()

    def _release_graph(self) -> None:
        # create_graph=True grads keep the whole forward graph alive: keep only their values
        for p in self._params:
            if p.grad is not None and p.grad.requires_grad:
                p.grad = p.grad.detach()

    def _count_step(self) -> dict:
        state = self.state[self._params[0]]
        self._incr(state)
        return state


class Newton(_SecondOrder):
    r"""Damped Newton's method with the exact Hessian (the lecture's second-order slide).

    Lecture: ``W_{t+1} = W_t - gamma [H f(W_t)]^{-1} grad f(W_t)``. Here, with
    ``g`` the gradient and ``H`` the Hessian of the loss with respect to all
    parameters flattened and concatenated (``n`` entries)::

        H_ij = d^2 f / (dW_i dW_j)          (n backward passes through the graph of grad f)
        lam  = damping;  while H + lam I is not positive definite: lam = 10 lam
        (H + lam I) d = g                   (Cholesky solve)
        W_{t+1} = W_t - lr * d

    Adding ``lam I`` (Levenberg-Marquardt style) makes the step a descent
    direction even where ``H`` is indefinite: for large ``lam`` it tends to
    gradient descent with step ``lr / lam``. The Hessian costs ``n`` backward
    passes and ``n^2`` memory and the solve ``O(n^3)``, so models above
    ``max_params`` parameters are refused (use :class:`NewtonCG` or LBFGS).

    ``step(closure)`` requires a closure that does ``opt.zero_grad(); loss =
    f(); loss.backward(create_graph=True); return loss``. State (on the first
    parameter): ``step`` and ``damping`` (the ``lam`` used in the last step).

    Example
    -------
    >>> opt = Newton(model.parameters())
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = F.binary_cross_entropy_with_logits(model(x), y)
    ...     loss.backward(create_graph=True)
    ...     return loss
    >>> for _ in range(5):
    ...     opt.step(closure)
    """

    def __init__(self, params: Iterable, lr: float = 1.0, damping: float = 1e-4,
                 max_params: int = 10_000) -> None:
        if int(max_params) != max_params or max_params < 1:
            raise ValueError(f"Invalid max_params value: {max_params}")
        super().__init__(params, {"lr": lr, "damping": damping, "max_params": int(max_params)})
        self._check_size()

    def _check_size(self) -> int:
        n = sum(_array(p).size for p in self._params)
        limit = self.param_groups[0]["max_params"]
        if n > limit:
            raise ValueError(
                f"Newton: the parameters have {n} elements in total, more than max_params={limit}: "
                f"the exact Hessian would be a {n}x{n} matrix ({8 * n * n / 2**20:.0f} MiB) costing "
                f"{n} backward passes per step. Use NewtonCG (Hessian-free) or LBFGS, or raise "
                "max_params."
            )
        return n

    def _hessian(self, diff) -> np.ndarray:
        """The exact (symmetrised) Hessian, row by row as Hessian-vector products with basis vectors."""
        n = self._check_size()
        H = np.zeros((n, n))
        off = self._offsets()
        e = np.zeros(n)
        for k, _ in diff:  # rows of parameters whose gradient is constant stay zero
            for i in range(off[k], off[k + 1]):
                e[i] = 1.0
                H[i] = self._hvp(diff, e)
                e[i] = 0.0
        H += H.T
        H *= 0.5
        return H

    def step(self, closure: Callable[[], Any]):  # type: ignore[override]
        """One damped Newton step; return the closure's loss."""
        self._check_size()
        group = self.param_groups[0]
        loss, g, diff = self._evaluate(closure)
        H = self._hessian(diff) if diff else np.zeros((g.size, g.size))
        if not np.all(np.isfinite(H)):
            self._release_graph()
            raise RuntimeError("Newton.step: the Hessian has non-finite entries")
        d, lam = _damped_solve(H, g, group["damping"])
        state = self._count_step()
        state["damping"] = lam
        self._apply(group["lr"], d)
        return loss


def _damped_solve(H: np.ndarray, g: np.ndarray, damping: float):
    """Solve ``(H + lam I) d = g`` with the smallest ``lam = damping * 10^k`` giving a Cholesky factor."""
    n = H.shape[0]
    scale = max(1.0, float(np.abs(np.diag(H)).max())) if n else 1.0
    lam = float(damping)
    A = H.copy()
    for _ in range(64):
        A[np.diag_indices(n)] = np.diag(H) + lam
        try:
            L = np.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            lam = lam * 10.0 if lam > 0 else 1e-10 * scale
            continue
        y = np.linalg.solve(L, g)
        return np.linalg.solve(L.T, y), lam
    raise RuntimeError(
        f"Newton.step: H + lambda I stayed non positive definite up to lambda={lam:g}"
    )


class NewtonCG(_SecondOrder):
    r"""Hessian-free Newton: truncated conjugate gradient on Hessian-vector products.

    Approximately solves the lecture's Newton system ``H d = grad f`` without
    forming ``H`` (the slide's "conjugate gradient techniques by-pass the
    inversion"). Each CG iteration needs one product ``(H + lam I) p``,
    computed by one backward pass through the graph of the gradient
    (``tc.autograd.grad(grads, params, grad_outputs=p)``)::

        A = H + damping I;  d_0 = 0;  r_0 = g;  p_0 = g
        for k = 0 .. cg_iters - 1:
            if p_k.A p_k <= 0:  stop (negative curvature): d = d_k, or d = g if k == 0
            alpha = r_k.r_k / p_k.A p_k;  d_{k+1} = d_k + alpha p_k;  r_{k+1} = r_k - alpha A p_k
            if |r_{k+1}| <= cg_tol |g|:  stop
            p_{k+1} = r_{k+1} + (r_{k+1}.r_{k+1} / r_k.r_k) p_k
        W_{t+1} = W_t - lr * d

    Every CG iterate satisfies ``g.d > 0`` while the curvature stays
    positive, so ``-d`` is always a descent direction. ``step(closure)``
    requires the same closure as :class:`Newton` (``backward(create_graph=True)``).
    State (on the first parameter): ``step``, ``cg_iters`` (iterations used
    by the last step), ``negative_curvature`` (whether it stopped on it).

    >>> w = tc.zeros(2, requires_grad=True)
    >>> opt = tc.optim.NewtonCG([w])
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((w - tc.tensor([1., 2.])) ** 2).sum()
    ...     loss.backward(create_graph=True)
    ...     return loss
    >>> _ = opt.step(closure)
    >>> w.detach()
    tensor([0.9999, 1.9999])
    """

    def __init__(self, params: Iterable, lr: float = 1.0, cg_iters: int = 20,
                 cg_tol: float = 1e-6, damping: float = 1e-4) -> None:
        if int(cg_iters) != cg_iters or cg_iters < 1:
            raise ValueError(f"Invalid cg_iters value: {cg_iters}")
        if not 0.0 <= cg_tol:
            raise ValueError(f"Invalid cg_tol value: {cg_tol}")
        super().__init__(params, {"lr": lr, "cg_iters": int(cg_iters), "cg_tol": cg_tol,
                                  "damping": damping})

    def step(self, closure: Callable[[], Any]):  # type: ignore[override]
        """One truncated Newton-CG step; return the closure's loss."""
        group = self.param_groups[0]
        lam, tol = group["damping"], group["cg_tol"]
        loss, g, diff = self._evaluate(closure)
        g_norm = float(np.sqrt(g.dot(g)))
        d = np.zeros_like(g)
        iters, negative = 0, False
        if g_norm > 0:
            r = g.copy()
            p = g.copy()
            rs = g_norm**2
            for k in range(group["cg_iters"]):
                Ap = self._hvp(diff, p) if diff else np.zeros_like(p)
                Ap += lam * p
                pAp = float(p.dot(Ap))
                if not np.isfinite(pAp):
                    self._release_graph()
                    raise RuntimeError("NewtonCG.step: the Hessian-vector product is not finite")
                if pAp <= 0:
                    negative = True
                    if k == 0:
                        d = g.copy()
                    break
                iters = k + 1
                alpha = rs / pAp
                d += alpha * p
                r -= alpha * Ap
                rs_new = float(r.dot(r))
                if np.sqrt(rs_new) <= tol * g_norm:
                    break
                p *= rs_new / rs
                p += r
                rs = rs_new
        state = self._count_step()
        state["cg_iters"] = iters
        state["negative_curvature"] = negative
        self._apply(group["lr"], d)
        return loss

"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign and shrink when it flips."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ._step_flags import begin_step, params_with_grad, signed_grad
from .optimizer import Optimizer, _check_nonnegative

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Resilient backpropagation (``torch.optim.Rprop``, Riedmiller & Braun 1993; PyTorch's variant).

    PyTorch's update (:math:`\eta_-, \eta_+` = ``etas``, :math:`\Gamma_{min},
    \Gamma_{max}` = ``step_sizes``, step sizes start at ``lr``)::

        g_t = -g_t if maximize
        s = sign(g_t * g_{t-1})                       (g_0 = 0: the prev buffer)
        f = eta_plus if s > 0,  eta_minus if s < 0,  1 if s == 0
        eta_t = clip(eta_{t-1} * f, Gamma_min, Gamma_max)    (step_size, eta_0 = lr)
        g_t = 0 where s < 0                           (no move after a sign flip)
        theta_t = theta_{t-1} - sign(g_t) * eta_t
        g_{t-1} <- g_t                                (prev, with the zeros)

    Only the signs of the gradients matter. ``lr`` is read once, when a
    parameter's state is created: a scheduler changing it later has no
    effect (as in PyTorch).

    State: ``step`` (0-d Tensor), ``prev``, ``step_size``.

    Arguments: ``params``, ``lr`` (initial step size, default 1e-2), ``etas``
    (``0 < eta_minus < 1 < eta_plus``), ``step_sizes`` (min, max), and the
    keyword-only ``capturable``, ``foreach`` (accepted; one code path here),
    ``maximize``, ``differentiable`` (a step with ``capturable`` or
    ``differentiable`` set raises as PyTorch does on the CPU).

    Example
    -------
    >>> opt = Rprop(model.parameters(), lr=0.01, etas=(0.5, 1.2))
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _buffer_keys = ("prev", "step_size")

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_nonnegative(("learning rate", lr))
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one Rprop step (see the class docstring); return the closure's loss if given."""
        loss = begin_step(self, "Rprop", closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, w, state in params_with_grad(self, group):
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["prev"] = _wrap(np.zeros_like(w))
                    state["step_size"] = _wrap(np.full_like(w, group["lr"]))
                self._incr(state)
                g = np.array(signed_grad(p, group["maximize"]), copy=True)
                prev = _array(state["prev"])
                step_size = _array(state["step_size"])
                s = np.sign(g * prev)
                factor = np.where(s > 0, etaplus, np.where(s < 0, etaminus, 1.0)).astype(w.dtype)
                step_size *= factor
                np.clip(step_size, step_size_min, step_size_max, out=step_size)
                g[s < 0] = 0
                w -= np.sign(g) * step_size
                prev[...] = g
                _bump_version(p)
        return loss

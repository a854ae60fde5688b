"""RMSprop: divide by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array
from .optimizer import (
    Optimizer, _bump_version, _check_nonnegative, _effective_grad, _ema_sq_, _lerp_, _zeros_state,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (``torch.optim.RMSprop``).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\alpha` = ``alpha``,
    :math:`\mu` = ``momentum``, :math:`\lambda` = ``weight_decay``)::

        g_t = -g_t if maximize;  g_t = g_t + lambda * theta_{t-1}
        v_t = alpha * v_{t-1} + (1 - alpha) * g_t^2            (square_avg, v_0 = 0)
        if centered:
            a_t = a_{t-1} + (1 - alpha) * (g_t - a_{t-1})      (grad_avg, a_0 = 0)
            s_t = sqrt(v_t - a_t^2) + eps
        else:
            s_t = sqrt(v_t) + eps
        if momentum > 0:
            b_t = mu * b_{t-1} + g_t / s_t                      (momentum_buffer, b_0 = 0)
            theta_t = theta_{t-1} - gamma * b_t
        else:
            theta_t = theta_{t-1} - gamma * g_t / s_t

    State: ``step``, ``square_avg``, plus ``momentum_buffer`` (momentum > 0)
    and ``grad_avg`` (centered).

    Lecture: ``G_{t+1} = gamma G_t + (1 - gamma) (grad f)^2`` is ``square_avg``
    with the lecture's decay ``gamma`` = ``alpha`` here; the step divides by
    ``sqrt(G) + eps`` as in Adagrad.

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.RMSprop(model.parameters(), lr=0.01)
    >>> loss = model(tc.ones(4, 3)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    >>> opt.zero_grad()
    """

    _buffer_keys = ("square_avg", "momentum_buffer", "grad_avg")

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_nonnegative(("learning rate", lr), ("epsilon value", eps), ("momentum value", momentum),
                           ("weight_decay value", weight_decay), ("alpha value", alpha))
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one RMSprop step; return the closure's loss if given."""
        loss = self._eval_closure(closure)
        live_groups = self._check_step_inputs()
        for group, live in zip(self.param_groups, live_groups):
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            momentum, centered = group["momentum"], group["centered"]
            for p, w, grad in live:
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    _zeros_state(state, "square_avg", w)
                if momentum > 0:
                    _zeros_state(state, "momentum_buffer", w)
                if centered:
                    _zeros_state(state, "grad_avg", w)
                self._incr(state)
                g, _ = _effective_grad(grad, w, group["weight_decay"], group["maximize"])
                sq = _array(state["square_avg"])
                _ema_sq_(sq, g, alpha)
                if centered:
                    ga = _array(state["grad_avg"])
                    _lerp_(ga, g, 1 - alpha)
                    avg = np.multiply(ga, ga)
                    np.subtract(sq, avg, out=avg)
                    np.sqrt(avg, out=avg)
                else:
                    avg = np.sqrt(sq)
                avg += eps
                np.divide(g, avg, out=avg)  # avg now holds g / s_t
                if momentum > 0:
                    buf = _array(state["momentum_buffer"])
                    buf *= momentum
                    buf += avg
                    np.multiply(buf, lr, out=avg)
                else:
                    avg *= lr
                w -= avg
                _bump_version(p)
        return loss

"""Stochastic gradient descent, optionally with (Nesterov) momentum."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array
from .optimizer import Optimizer, _bump_version, _effective_grad, _new_state_tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    PyTorch's update, for each parameter :math:`\theta` with gradient :math:`g_t`
    (:math:`\gamma` = ``lr``, :math:`\mu` = ``momentum``, :math:`\tau` =
    ``dampening``, :math:`\lambda` = ``weight_decay``)::

        g_t = -g_t if maximize
        g_t = g_t + lambda * theta_{t-1}              (if weight_decay != 0)
        b_t = g_t                      at t = 1        (if momentum != 0)
        b_t = mu * b_{t-1} + (1 - tau) * g_t  after
        g_t = g_t + mu * b_t   if nesterov  else  g_t = b_t
        theta_t = theta_{t-1} - gamma * g_t

    State: ``momentum_buffer`` (:math:`b`), only when ``momentum != 0``.

    The lecture's momentum ``v = eta v + gamma grad f(W); W = W - v`` is the
    same method with the learning rate inside the velocity: for a constant
    ``lr`` (and ``dampening=0``), ``v_t = lr * b_t`` and ``eta = momentum``
    give identical iterates (``v_1 = lr g_1 = lr b_1``; ``v_{t+1} = mu v_t +
    lr g``). They differ only when ``lr`` changes during training: PyTorch's
    buffer is not rescaled. The lecture's Nesterov ``v = eta v + gamma grad
    f(W - eta v)`` is PyTorch's ``nesterov=True`` written for the look-ahead
    point: PyTorch stores ``W - eta v`` as the parameter (Sutskever et al.
    2013 reformulated by Bengio et al.), hence ``g + mu b`` above.

    Example
    -------
    >>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _buffer_keys = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one SGD step (see the class docstring); return the closure's loss if given."""
        loss = self._eval_closure(closure)
        live_groups = self._check_step_inputs()
        for group, live in zip(self.param_groups, live_groups):
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            nesterov = group["nesterov"]
            for p, w, grad in live:
                d, fresh = _effective_grad(grad, w, group["weight_decay"], group["maximize"])
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        b = np.array(d, copy=True)
                        state["momentum_buffer"] = _new_state_tensor(b)
                    else:
                        b = _array(buf)
                        b *= momentum
                        if dampening != 0:
                            b += np.multiply(d, 1 - dampening)
                        else:
                            b += d
                    if nesterov:
                        t = np.multiply(b, momentum)
                        t += d
                        d, fresh = t, True
                    else:
                        d, fresh = b, False
                if fresh:
                    d *= lr
                    w -= d
                else:
                    w -= lr * d
                _bump_version(p)
        return loss

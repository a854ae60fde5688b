"""Adamax: Adam with the infinity norm (a running max of |g|) in place of the second moment."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ._step_flags import begin_step, params_with_grad, signed_grad
from .adam import _check_adam_args
from .optimizer import Optimizer, _lerp_

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (``torch.optim.Adamax``, Kingma & Ba 2015, section 7.1).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\beta_1, \beta_2` =
    ``betas``, :math:`\lambda` = ``weight_decay``, :math:`\epsilon` = ``eps``)::

        g_t = -g_t if maximize
        g_t = g_t + lambda * theta_{t-1}                       (if weight_decay != 0)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t               (exp_avg)
        u_t = max(beta2 * u_{t-1}, |g_t| + eps)                 (exp_inf)
        theta_t = theta_{t-1} - gamma / (1 - beta1^t) * m_t / u_t

    State: ``step`` (0-d Tensor), ``exp_avg``, ``exp_inf``.

    PyTorch adds ``eps`` to ``|g_t|`` inside the max; Keras' Adamax divides
    by ``u_t + epsilon`` instead (see ``tc.keras.optimizers.Adamax``).

    Arguments: ``params``, ``lr`` (default 2e-3), ``betas``, ``eps``,
    ``weight_decay`` (L2 penalty), ``foreach`` (accepted; one code path here),
    ``maximize``, ``differentiable``, ``capturable`` (stored; a step with
    either set raises as PyTorch does on the CPU).

    Example
    -------
    >>> opt = Adamax(model.parameters(), lr=2e-3)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _buffer_keys = ("exp_avg", "exp_inf")

    def __init__(
        self,
        params: Iterable,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one Adamax step (see the class docstring); return the closure's loss if given."""
        loss = begin_step(self, "Adamax", closure)
        for group in self.param_groups:
            lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p, w, state in params_with_grad(self, group):
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["exp_avg"] = _wrap(np.zeros_like(w))
                    state["exp_inf"] = _wrap(np.zeros_like(w))
                step = self._incr(state)
                g = signed_grad(p, group["maximize"])
                if weight_decay != 0:
                    g = g + weight_decay * w
                m = _array(state["exp_avg"])
                u = _array(state["exp_inf"])
                _lerp_(m, g, 1 - beta1)
                u *= beta2
                np.maximum(u, np.abs(g) + eps, out=u)
                clr = lr / (1 - beta1**step)
                w += -clr * (m / u)
                _bump_version(p)
        return loss

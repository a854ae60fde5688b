"""Adadelta: step sizes from the ratio of running RMS of past updates to running RMS of gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ._step_flags import begin_step, params_with_grad, signed_grad
from .optimizer import Optimizer, _check_nonnegative

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (``torch.optim.Adadelta``, Zeiler 2012).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\rho` = ``rho``,
    :math:`\lambda` = ``weight_decay``, :math:`\epsilon` = ``eps``)::

        g_t = -g_t if maximize
        g_t = g_t + lambda * theta_{t-1}                       (if weight_decay != 0)
        v_t = rho * v_{t-1} + (1 - rho) * g_t^2                 (square_avg, v_0 = 0)
        dx_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t = rho * u_{t-1} + (1 - rho) * dx_t^2                (acc_delta, u_0 = 0)
        theta_t = theta_{t-1} - gamma * dx_t

    State: ``step`` (0-d Tensor), ``square_avg``, ``acc_delta``.

    Arguments: ``params`` (Tensors or param-group dicts), ``lr`` (scales the
    update, default 1.0), ``rho`` (in [0, 1]), ``eps``, ``weight_decay`` (L2
    penalty), ``foreach`` (accepted; one code path here), ``capturable``,
    ``maximize``, ``differentiable`` (stored; a step with either set raises as
    PyTorch does on the CPU).

    Example
    -------
    >>> opt = Adadelta(model.parameters(), rho=0.95)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _buffer_keys = ("square_avg", "acc_delta")

    def __init__(
        self,
        params: Iterable,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_nonnegative(("learning rate", lr))
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(("epsilon value", eps), ("weight_decay value", weight_decay))
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one Adadelta step (see the class docstring); return the closure's loss if given."""
        loss = begin_step(self, "Adadelta", closure)
        for group in self.param_groups:
            lr, rho, eps, weight_decay = group["lr"], group["rho"], group["eps"], group["weight_decay"]
            for p, w, state in params_with_grad(self, group):
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["square_avg"] = _wrap(np.zeros_like(w))
                    state["acc_delta"] = _wrap(np.zeros_like(w))
                self._incr(state)
                g = signed_grad(p, group["maximize"])
                if weight_decay != 0:
                    g = g + weight_decay * w
                v = _array(state["square_avg"])
                u = _array(state["acc_delta"])
                v *= rho
                v += (1 - rho) * g * g
                std = np.sqrt(v + eps)
                delta = np.sqrt(u + eps)
                delta /= std
                delta *= g
                u *= rho
                u += (1 - rho) * delta * delta
                w += -lr * delta
                _bump_version(p)
        return loss

"""RAdam: Adam whose adaptive step is switched on (and rectified) once its variance is tractable."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ._step_flags import begin_step, params_with_grad, signed_grad
from .adam import _check_adam_args
from .optimizer import Optimizer, _lerp_

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (``torch.optim.RAdam``, Liu et al. 2019, "On the Variance of the Adaptive Learning Rate").

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\beta_1, \beta_2` =
    ``betas``, :math:`\lambda` = ``weight_decay``, :math:`\epsilon` = ``eps``)::

        g_t = -g_t if maximize
        if decoupled_weight_decay:  theta_{t-1} = theta_{t-1} * (1 - gamma * lambda)
        else:                       g_t = g_t + lambda * theta_{t-1}
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t               (exp_avg)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2             (exp_avg_sq)
        m^_t = m_t / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:
            l_t = sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
            r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            theta_t = theta_{t-1} - gamma * m^_t * l_t * r_t
        else:
            theta_t = theta_{t-1} - gamma * m^_t                (plain momentum SGD)

    State: ``step`` (0-d Tensor), ``exp_avg``, ``exp_avg_sq``.

    Arguments: ``params``, ``lr`` (default 1e-3), ``betas``, ``eps``,
    ``weight_decay``, ``decoupled_weight_decay`` (AdamW-style decay),
    ``foreach`` (accepted; one code path here), ``maximize``, ``capturable``,
    ``differentiable`` (stored; a step with either set raises as PyTorch does
    on the CPU).

    Example
    -------
    >>> opt = RAdam(model.parameters(), lr=1e-3, weight_decay=1e-2, decoupled_weight_decay=True)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    _buffer_keys = ("exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _setstate(self, state, param_groups) -> None:
        # a state dict from before the option existed means False, not this instance's value
        # (PyTorch's __setstate__)
        for group in param_groups:
            group.setdefault("decoupled_weight_decay", False)
        super()._setstate(state, param_groups)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one RAdam step (see the class docstring); return the closure's loss if given."""
        loss = begin_step(self, "RAdam", closure)
        for group in self.param_groups:
            lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p, w, state in params_with_grad(self, group):
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["exp_avg"] = _wrap(np.zeros_like(w))
                    state["exp_avg_sq"] = _wrap(np.zeros_like(w))
                step = self._incr(state)
                g = signed_grad(p, group["maximize"])
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        w *= 1 - lr * weight_decay
                    else:
                        g = g + weight_decay * w
                m = _array(state["exp_avg"])
                v = _array(state["exp_avg_sq"])
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                m_hat = m / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
                # below rho_t = 5 the variance of the adaptive rate is intractable: no adaptivity
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                            / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = bias_correction2**0.5 / (np.sqrt(v) + eps)
                    w -= m_hat * lr * adaptive * rect
                else:
                    w -= m_hat * lr
                _bump_version(p)
        return loss

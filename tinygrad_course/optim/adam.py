"""Adam and AdamW: bias-corrected running first and second moments of the gradient."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array
from .optimizer import (
    Optimizer, _bump_version, _check_nonnegative, _decayed_grad_arrays, _ema_sq_, _lerp_, _zeros_state,
)

__all__ = ["Adam", "AdamW"]


def _check_adam_args(lr, betas, eps, weight_decay) -> None:
    _check_nonnegative(("learning rate", lr), ("epsilon value", eps))
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    _check_nonnegative(("weight_decay value", weight_decay))


class Adam(Optimizer):
    r"""Adam (``torch.optim.Adam``), with optional AMSGrad and decoupled weight decay.

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\beta_1, \beta_2` =
    ``betas``, :math:`\lambda` = ``weight_decay``)::

        g_t = -g_t if maximize
        if decoupled_weight_decay:  theta_{t-1} = theta_{t-1} * (1 - gamma * lambda)
        else:                       g_t = g_t + lambda * theta_{t-1}
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t             (exp_avg)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2           (exp_avg_sq)
        if amsgrad: vmax_t = max(vmax_{t-1}, v_t);  v_t = vmax_t   (max_exp_avg_sq)
        theta_t = theta_{t-1} - gamma / (1 - beta1^t) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)

    State: ``step``, ``exp_avg``, ``exp_avg_sq`` (+ ``max_exp_avg_sq``).

    Lecture: ``M_t``/``G_t`` are ``exp_avg``/``exp_avg_sq``, ``M^_t = M_t / (1 -
    beta1^t)``, ``G^_t = G_t / (1 - beta2^t)`` and ``W -= gamma / sqrt(G^_t + eps)
    * M^_t``; PyTorch adds ``eps`` outside the square root:
    ``W -= gamma * M^_t / (sqrt(G^_t) + eps)``.

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.Adam(model.parameters(), lr=1e-3)
    >>> loss = model(tc.ones(4, 3)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    >>> opt.zero_grad()
    """

    _buffer_keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one Adam step; return the closure's loss if given."""
        loss = self._eval_closure(closure)
        live_groups = self._check_step_inputs()
        for group, live in zip(self.param_groups, live_groups):
            lr, eps, amsgrad = group["lr"], group["eps"], group["amsgrad"]
            beta1, beta2 = group["betas"]
            weight_decay = group["weight_decay"]
            decoupled = group["decoupled_weight_decay"]
            for p, w, grad in live:
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    _zeros_state(state, "exp_avg", w)
                    _zeros_state(state, "exp_avg_sq", w)
                if amsgrad:
                    _zeros_state(state, "max_exp_avg_sq", w)
                step = self._incr(state)
                g = _decayed_grad_arrays(w, grad, lr, weight_decay, decoupled, group["maximize"])
                m = _array(state["exp_avg"])
                _lerp_(m, g, 1 - beta1)
                v = _array(state["exp_avg_sq"])
                g2 = _ema_sq_(v, g, beta2)
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = bias_correction2**0.5
                if amsgrad:
                    vmax = _array(state["max_exp_avg_sq"])
                    np.maximum(vmax, v, out=vmax)
                    denom = np.sqrt(vmax, out=g2)
                else:
                    denom = np.sqrt(v, out=g2)
                denom /= bias_correction2_sqrt
                denom += eps
                np.divide(m, denom, out=denom)
                denom *= step_size
                w -= denom
                _bump_version(p)
        return loss


class AdamW(Adam):
    r"""AdamW (``torch.optim.AdamW``): Adam with decoupled weight decay.

    Same update as :class:`Adam` with ``decoupled_weight_decay=True``: the
    parameters shrink by ``theta *= 1 - lr * weight_decay`` before the Adam
    step, instead of adding ``weight_decay * theta`` to the gradient (so the
    decay never enters the moment estimates). Default ``weight_decay=1e-2``.

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    >>> loss = model(tc.ones(4, 3)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    >>> opt.zero_grad()
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: Optional[bool] = None,
    ) -> None:
        # ``foreach`` picks PyTorch's multi-tensor kernel, same results; here there is one implementation
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         maximize=maximize, decoupled_weight_decay=True)

    def _setstate(self, state, param_groups) -> None:
        super()._setstate(state, param_groups)
        # an AdamW always decouples, whatever the loaded dict says (as PyTorch)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

"""NAdam: Adam with Nesterov momentum (Dozat 2016), with PyTorch's momentum schedule."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array
from .adam import _check_adam_args
from .optimizer import (
    Optimizer, _bump_version, _check_nonnegative, _decayed_grad_arrays, _ema_sq_, _lerp_,
    _new_state_tensor, _scalar_dtype, _zeros_state,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (``torch.optim.NAdam``).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\psi` =
    ``momentum_decay``, :math:`\lambda` = ``weight_decay``)::

        g_t = -g_t if maximize
        if decoupled_weight_decay:  theta_{t-1} = theta_{t-1} * (1 - gamma * lambda)
        else:                       g_t = g_t + lambda * theta_{t-1}
        mu_t     = beta1 * (1 - 0.5 * 0.96^(t * psi))
        mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) * psi))
        P_t = P_{t-1} * mu_t                                    (mu_product, P_0 = 1)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t               (exp_avg)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2             (exp_avg_sq)
        d_t = sqrt(v_t / (1 - beta2^t)) + eps
        theta_t = theta_{t-1} - gamma (1 - mu_t) / (1 - P_t) * g_t / d_t
                              - gamma mu_{t+1} / (1 - P_t mu_{t+1}) * m_t / d_t

    State: ``step``, ``mu_product`` (0-d Tensors of the default scalar dtype,
    float32 unless float64 is the default, as in PyTorch, so values agree to
    the last bit), ``exp_avg``, ``exp_avg_sq``.

    Lecture: Keras' ``Nadam(lr=0.002, schedule_decay=0.004)`` is this
    optimizer with ``momentum_decay=schedule_decay``: "Adam with Nesterov
    momentum", the gradient term being weighted by ``1 - mu_t`` and the
    momentum term looking one step ahead (``mu_{t+1}``).

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.NAdam(model.parameters())
    >>> loss = model(tc.ones(4, 3)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    >>> opt.zero_grad()
    """

    _buffer_keys = ("exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        _check_adam_args(lr, betas, eps, weight_decay)
        _check_nonnegative(("momentum_decay value", momentum_decay))
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one NAdam step; return the closure's loss if given."""
        loss = self._eval_closure(closure)
        live_groups = self._check_step_inputs()
        for group, live in zip(self.param_groups, live_groups):
            lr, eps = group["lr"], group["eps"]
            beta1, beta2 = group["betas"]
            weight_decay, psi = group["weight_decay"], group["momentum_decay"]
            for p, w, grad in live:
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["mu_product"] = _new_state_tensor(np.ones((), dtype=_scalar_dtype()))
                    _zeros_state(state, "exp_avg", w)
                    _zeros_state(state, "exp_avg_sq", w)
                step = self._incr(state)
                bias_correction2 = 1 - beta2**step
                g = _decayed_grad_arrays(w, grad, lr, weight_decay, group["decoupled_weight_decay"],
                                         group["maximize"])
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
                mu_prod = _array(state["mu_product"])
                mu_prod *= mu  # in the 0-d scalar dtype, like PyTorch's tensor
                mu_product = float(mu_prod)
                mu_product_next = mu_product * mu_next
                m = _array(state["exp_avg"])
                _lerp_(m, g, 1 - beta1)
                v = _array(state["exp_avg_sq"])
                denom = _ema_sq_(v, g, beta2)
                np.divide(v, bias_correction2, out=denom)
                np.sqrt(denom, out=denom)
                denom += eps
                upd = np.divide(g, denom)
                upd *= lr * (1.0 - mu) / (1.0 - mu_product)
                w -= upd
                np.divide(m, denom, out=upd)
                upd *= lr * mu_next / (1.0 - mu_product_next)
                w -= upd
                _bump_version(p)
        return loss

"""Adagrad: per-coordinate learning rates from the sum of squared gradients."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array
from .optimizer import (
    Optimizer, _bump_version, _check_nonnegative, _effective_grad, _new_state_tensor,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (``torch.optim.Adagrad``).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\eta` = ``lr_decay``,
    :math:`\lambda` = ``weight_decay``, :math:`\tau` =
    ``initial_accumulator_value``, :math:`\epsilon` = ``eps``)::

        G_0 = tau
        g_t = -g_t if maximize;  g_t = g_t + lambda * theta_{t-1}
        gamma_t = gamma / (1 + (t - 1) * eta)
        G_t = G_{t-1} + g_t^2
        theta_t = theta_{t-1} - gamma_t * g_t / (sqrt(G_t) + eps)

    State: ``step`` (0-d Tensor) and ``sum`` (:math:`G`), created in the
    constructor as PyTorch does.

    Lecture: ``W_{t+1} = W_t - gamma / sqrt(G_t + eps) * grad f`` with
    ``G_{t+1} = G_t + (grad f)^2``: the same accumulator, but PyTorch adds
    ``eps`` outside the square root (and uses the accumulator that already
    includes the current gradient).

    >>> model = nn.Linear(3, 1)
    >>> opt = tc.optim.Adagrad(model.parameters(), lr=0.1)
    >>> loss = model(tc.ones(4, 3)).pow(2).mean()
    >>> loss.backward()
    >>> opt.step()
    >>> opt.zero_grad()
    """

    _buffer_keys = ("sum",)

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        _check_nonnegative(
            ("learning rate", lr), ("lr_decay value", lr_decay), ("weight_decay value", weight_decay),
            ("initial_accumulator_value value", initial_accumulator_value), ("epsilon value", eps),
        )
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p) -> None:
        state = self.state[p]
        state["step"] = self._step_tensor()
        # PyTorch uses the constructor's value here, not the group's
        state["sum"] = _new_state_tensor(
            np.full(_array(p).shape, self.defaults["initial_accumulator_value"], dtype=_array(p).dtype)
        )

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one Adagrad step; return the closure's loss if given."""
        loss = self._eval_closure(closure)
        live_groups = self._check_step_inputs()
        for group, live in zip(self.param_groups, live_groups):
            lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
            for p, w, grad in live:
                if len(self.state[p]) == 0:
                    self._init_state(p)
                state = self.state[p]
                step = self._incr(state)
                g, _ = _effective_grad(grad, w, group["weight_decay"], group["maximize"])
                clr = lr / (1 + (step - 1) * lr_decay)
                acc = _array(state["sum"])
                acc += np.multiply(g, g)
                std = np.sqrt(acc)
                std += eps
                np.divide(g, std, out=std)
                std *= clr
                w -= std
                _bump_version(p)
        return loss

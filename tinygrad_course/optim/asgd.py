"""ASGD: SGD with a decaying step size, plus a Polyak-Ruppert running average of the iterates."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ._step_flags import begin_step, params_with_grad, signed_grad
from .optimizer import Optimizer, _check_nonnegative, _scalar_dtype

__all__ = ["ASGD"]


def _scalar_state(value: float):
    """A 0-d state Tensor of PyTorch's scalar dtype (float32 unless float64 is the default)."""
    return _wrap(np.array(value, dtype=_scalar_dtype()))


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent (``torch.optim.ASGD``, Polyak & Juditsky 1992).

    PyTorch's update (:math:`\gamma` = ``lr``, :math:`\lambda` = ``lambd``,
    :math:`\alpha` = ``alpha``, :math:`t_0` = ``t0``, :math:`\omega` =
    ``weight_decay``)::

        g_t = -g_t if maximize
        g_t = g_t + omega * theta_{t-1}                    (if weight_decay != 0)
        theta_t = theta_{t-1} * (1 - lambda * eta_{t-1}) - eta_{t-1} * g_t
        ax_t = theta_t                     if mu_{t-1} == 1
        ax_t = ax_{t-1} + mu_{t-1} * (theta_t - ax_{t-1})   otherwise
        eta_t = gamma / (1 + lambda * gamma * t)^alpha     (eta_0 = gamma)
        mu_t = 1 / max(1, t - t0)                          (mu_0 = 1)

    The parameters follow the decaying-step SGD; ``ax`` holds their average
    over the steps after ``t0`` (copy it into the model for evaluation).

    State: ``step``, ``eta``, ``mu`` (0-d Tensors of the default scalar dtype,
    float32 unless float64 is the default, as in PyTorch), ``ax``.

    Arguments: ``params``, ``lr`` (default 1e-2), ``lambd`` (decay term),
    ``alpha`` (power of the eta schedule), ``t0`` (step where averaging
    starts), ``weight_decay`` (L2 penalty), ``foreach`` (accepted; one code
    path here), ``maximize``, ``differentiable``, ``capturable`` (a step with
    either of these two set raises as PyTorch does on the CPU).

    Example
    -------
    >>> opt = ASGD(model.parameters(), lr=0.01, t0=100)
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    >>> averaged = opt.state[model.weight]["ax"]
    """

    _buffer_keys = ("ax",)

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: Optional[bool] = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_nonnegative(("learning rate", lr), ("weight_decay value", weight_decay))
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one ASGD step (see the class docstring); return the closure's loss if given."""
        loss = begin_step(self, "ASGD", closure)
        for group in self.param_groups:
            lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
            weight_decay = group["weight_decay"]
            for p, w, state in params_with_grad(self, group):
                if len(state) == 0:
                    state["step"] = self._step_tensor()
                    state["eta"] = _scalar_state(lr)
                    state["mu"] = _scalar_state(1.0)
                    state["ax"] = _wrap(np.zeros_like(w))
                for key in ("eta", "mu"):  # plain numbers from a hand-made state dict
                    if not hasattr(state[key], "shape"):
                        state[key] = _scalar_state(float(state[key]))
                step = self._incr(state)
                g = signed_grad(p, group["maximize"])
                if weight_decay != 0:
                    g = g + weight_decay * w
                eta = _array(state["eta"])
                mu = _array(state["mu"])
                # eta and mu are read at their stored precision, as PyTorch reads its 0-d tensors
                eta_value = float(eta)
                w *= 1 - lambd * eta_value
                w += -eta_value * g
                ax = _array(state["ax"])
                if float(mu) != 1:
                    ax += (w - ax) * mu
                else:
                    ax[...] = w
                eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
                mu[...] = 1 / max(1, step - t0)
                _bump_version(p)
        return loss

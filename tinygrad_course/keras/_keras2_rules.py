"""Keras 2.2's update rules where they are not PyTorch's: SGD (velocity with the learning rate
inside), Adam (epsilon added before the bias correction), Adamax (epsilon outside the max).

They are ``tc.optim.Optimizer`` subclasses, so param groups, ``state_dict`` and the learning-rate
schedulers (Keras' ``decay`` is an ``InverseTimeLR``) work as for any other optimizer. The
``tc.keras.optimizers`` front builds them; the other Keras optimizers (RMSprop, Adagrad, Adadelta,
Nadam) have exactly PyTorch's rule and build the ``tc.optim`` class.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..autograd import _array, _bump_version, _wrap
from ..optim import Optimizer

__all__ = ["Keras2SGD", "Keras2Adam", "Keras2Adamax"]


def _zeros(state: dict, key: str, w: np.ndarray) -> np.ndarray:
    """``state[key]``'s array, created as zeros shaped like ``w`` on first use (Keras' K.zeros)."""
    if key not in state:
        state[key] = _wrap(np.zeros_like(w))
    return _array(state[key])


def _count(state: dict) -> int:
    """Increment and return this parameter's update count t (Keras' ``iterations + 1``)."""
    if "step" not in state:
        state["step"] = _wrap(np.zeros((), dtype=np.int64))
    step = _array(state["step"])
    step += 1
    return int(step)


class _Keras2Rule(Optimizer):
    """Shared loop: validate, then call ``_update(w, g, state, group)`` for each parameter with a grad."""

    def step(self, closure: Optional[Callable[[], Any]] = None):
        """Perform one update with Keras 2.2's rule; return the closure's loss if given."""
        loss = self._eval_closure(closure)
        self._check_step_inputs()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                self._update(_array(p), _array(p.grad), self.state[p], group)
                _bump_version(p)
        return loss

    def _update(self, w: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError


class Keras2SGD(_Keras2Rule):
    r"""Keras 2.2's SGD: the velocity carries the learning rate.

    With :math:`\gamma_t` = the group's ``lr`` (Keras' ``lr / (1 + decay *
    iterations)`` when a decay schedule drives it), :math:`\mu` = ``momentum``::

        v_t = mu * v_{t-1} - gamma_t * g_t                  (moment, v_0 = 0)
        theta_t = theta_{t-1} + mu * v_t - gamma_t * g_t     if nesterov
        theta_t = theta_{t-1} + v_t                          otherwise

    For a constant ``lr`` this is ``torch.optim.SGD`` (``v = -lr * b``); once
    ``lr`` changes the velocity keeps the old rates, PyTorch's buffer does not.

    >>> opt = Keras2SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    """

    _buffer_keys = ("moment",)

    def __init__(self, params: Iterable, lr: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "nesterov": nesterov})

    def _update(self, w, g, state, group):
        lr, mu = group["lr"], group["momentum"]
        v = _zeros(state, "moment", w)
        v *= mu
        v -= lr * g
        if group["nesterov"]:
            w += mu * v - lr * g
        else:
            w += v


class Keras2Adam(_Keras2Rule):
    r"""Keras 2.2's Adam: ``epsilon`` is added to ``sqrt(v_t)`` before the bias correction.

    With :math:`\gamma` = the group's ``lr``, t = this parameter's update count::

        m_t = beta_1 * m_{t-1} + (1 - beta_1) * g_t
        v_t = beta_2 * v_{t-1} + (1 - beta_2) * g_t^2
        vhat_t = max(vhat_{t-1}, v_t)                  (amsgrad only; else vhat_t = v_t)
        lr_t = gamma * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        theta_t = theta_{t-1} - lr_t * m_t / (sqrt(vhat_t) + epsilon)

    PyTorch's Adam divides by ``sqrt(v_t / (1 - beta_2^t)) + eps``: the same
    step as long as ``sqrt(v_t)`` is far above ``epsilon``.

    >>> opt = Keras2Adam(model.parameters(), lr=0.001, epsilon=1e-7)
    """

    _buffer_keys = ("m", "v", "vhat")

    def __init__(self, params: Iterable, lr: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False) -> None:
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon,
                                  "amsgrad": amsgrad})

    def _update(self, w, g, state, group):
        b1, b2, eps = group["beta_1"], group["beta_2"], group["epsilon"]
        t = _count(state)
        lr_t = group["lr"] * (math.sqrt(1.0 - b2**t) / (1.0 - b1**t))
        m = _zeros(state, "m", w)
        v = _zeros(state, "v", w)
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * np.square(g)
        if group["amsgrad"]:
            vhat = _zeros(state, "vhat", w)
            np.maximum(vhat, v, out=vhat)
            v = vhat
        w -= lr_t * m / (np.sqrt(v) + eps)


class Keras2Adamax(_Keras2Rule):
    r"""Keras 2.2's Adamax: ``epsilon`` is added to the infinity norm, outside the max.

    With :math:`\gamma` = the group's ``lr``, t = this parameter's update count::

        m_t = beta_1 * m_{t-1} + (1 - beta_1) * g_t
        u_t = max(beta_2 * u_{t-1}, |g_t|)
        theta_t = theta_{t-1} - gamma / (1 - beta_1^t) * m_t / (u_t + epsilon)

    (``torch.optim.Adamax`` takes ``max(beta_2 u, |g| + eps)`` and divides by it.)

    >>> opt = Keras2Adamax(model.parameters(), lr=0.002)
    """

    _buffer_keys = ("m", "u")

    def __init__(self, params: Iterable, lr: float = 0.002, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7) -> None:
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon})

    def _update(self, w, g, state, group):
        b1, b2, eps = group["beta_1"], group["beta_2"], group["epsilon"]
        t = _count(state)
        lr_t = group["lr"] / (1.0 - b1**t)
        m = _zeros(state, "m", w)
        u = _zeros(state, "u", w)
        m *= b1
        m += (1.0 - b1) * g
        u *= b2
        np.maximum(u, np.abs(g), out=u)
        w -= lr_t * m / (u + eps)

"""Keras optimizers with Keras 2.2's signatures, argument order, defaults and update rules.

A Keras optimizer is created without parameters; ``compile``/``fit`` binds it to the model with
``build(params)``, which creates the underlying optimizer (``.torch_optimizer``) and, when
``decay > 0``, a ``tc.optim.lr_scheduler.InverseTimeLR`` stepped once per batch, so the update
after ``iterations`` batches uses ``lr / (1 + decay * iterations)`` as Keras 2.2's ``decay`` did.

Arguments are taken positionally in Keras 2.2's order (the lecture's)::

    SGD(lr, momentum, decay, nesterov)             RMSprop(lr, rho, epsilon, decay)
    Adagrad(lr, epsilon, decay)                    Adadelta(lr, rho, epsilon, decay)
    Adam(lr, beta_1, beta_2, epsilon, decay, amsgrad)
    Adamax(lr, beta_1, beta_2, epsilon, decay)     Nadam(lr, beta_1, beta_2, epsilon, schedule_decay)

or by keyword, ``learning_rate=`` (the Keras 2.3+/3 spelling) standing for ``lr``. A bool where a
number belongs (or a float where a bool belongs) raises ``TypeError`` naming the order, so a call
written for another Keras version is not misread. ``epsilon=None`` means
``keras.backend.epsilon()`` (1e-7) when the optimizer is created.

Keras 2.2's update rules (g the gradient, lr the decayed learning rate, t = 1, 2, ... the update):

- ``SGD``: ``v = momentum * v - lr * g``; ``w += v`` (Nesterov: ``w += momentum * v - lr * g``).
  The velocity carries the learning rate, so with ``decay`` it keeps the old rates (PyTorch's
  SGD buffer does not): built on ``Keras2SGD``.
- ``RMSprop``: ``a = rho * a + (1 - rho) * g^2``; ``w -= lr * g / (sqrt(a) + epsilon)``:
  exactly ``tc.optim.RMSprop(alpha=rho, eps=epsilon)``.
- ``Adagrad``: ``a = a + g^2`` with ``a`` starting at 0 (the lecture's G_0 = 0);
  ``w -= lr * g / (sqrt(a) + epsilon)``: ``tc.optim.Adagrad``.
- ``Adadelta``: ``a = rho * a + (1 - rho) * g^2``; ``d = g * sqrt(D + epsilon) / sqrt(a +
  epsilon)``; ``w -= lr * d``; ``D = rho * D + (1 - rho) * d^2``: ``tc.optim.Adadelta``.
- ``Adam``: moving averages ``m``, ``v``; ``lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``;
  ``w -= lr_t * m / (sqrt(v) + epsilon)``: epsilon is added before the bias correction (PyTorch
  adds it after, to ``sqrt(v / (1 - beta_2^t))``): built on ``Keras2Adam``.
- ``Adamax``: ``u = max(beta_2 * u, |g|)``; ``w -= lr / (1 - beta_1^t) * m / (u + epsilon)``
  (PyTorch: ``max(beta_2 * u, |g| + eps)``, no epsilon after): built on ``Keras2Adamax``.
- ``Nadam``: momentum schedule ``mu_t = beta_1 * (1 - 0.5 * 0.96^(t * schedule_decay))``,
  ``w -= lr * m_bar / (sqrt(v / (1 - beta_2^t)) + epsilon)``: epsilon is added after the bias
  correction, exactly ``tc.optim.NAdam(momentum_decay=schedule_decay)``.

Keyword-only extras beyond Keras 2.2: ``RMSprop(momentum=, centered=)`` (tf.keras),
``Adagrad(initial_accumulator_value=)`` (default 0, Keras 2.2; tf.keras used 0.1),
``Nadam(decay=)``, and ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``name``.
"""
from typing import Iterable, Optional, Union

import numpy as np

from ..autograd.effects import replayed as _replayed
from .. import optim
from ..nn.utils import clip_grad_norm_, clip_grad_value_
from . import backend
from ._keras2_rules import Keras2Adam, Keras2Adamax, Keras2SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam", "get"]

# Keras 2.2's positional order, quoted when an argument has the wrong kind
_ORDER = {
    "SGD": "SGD(lr, momentum, decay, nesterov)",
    "RMSprop": "RMSprop(lr, rho, epsilon, decay)",
    "Adagrad": "Adagrad(lr, epsilon, decay)",
    "Adadelta": "Adadelta(lr, rho, epsilon, decay)",
    "Adam": "Adam(lr, beta_1, beta_2, epsilon, decay, amsgrad)",
    "Adamax": "Adamax(lr, beta_1, beta_2, epsilon, decay)",
    "Nadam": "Nadam(lr, beta_1, beta_2, epsilon, schedule_decay)",
}


def _order_hint(who) -> str:
    order = _ORDER.get(who)
    return f" (Keras 2.2's argument order is {order})" if order else ""


def _check_lr(learning_rate, lr, who):
    value = learning_rate if lr is None else lr
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{who}: learning_rate must be a number >= 0, got {value!r}")
    return float(value)


def _learning_rate(lr, learning_rate, default, who):
    """Keras 2.2's ``lr`` or Keras 2.3+'s ``learning_rate`` (not both), checked to be >= 0."""
    if learning_rate is not None:
        if lr != default:
            raise TypeError(f"{who}: got both lr={lr!r} and learning_rate={learning_rate!r}; give one of them")
        lr = learning_rate
    return _check_lr(lr, None, who)


def _epsilon(value, who):
    """``epsilon``, with Keras 2.2's ``None`` meaning ``keras.backend.epsilon()``."""
    return _check_range(backend.epsilon() if value is None else value, 0.0, float("inf"), "epsilon", who)


def _check_flag(value, what, who):
    """A bool argument (0 and 1 pass); a float there means the arguments were given in another order."""
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{who}: {what} must be a bool, got {value!r}{_order_hint(who)}")


def _check_range(value, lo, hi, what, who, lo_open=False, hi_open=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{who}: {what} must be a number, got {value!r}{_order_hint(who)}")
    ok = (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        brackets = ("(" if lo_open else "[") + f"{lo}, {hi}" + (")" if hi_open else "]")
        raise ValueError(f"{who}: {what} must be in {brackets}, got {value!r}")
    return float(value)


class Optimizer:
    """Keras optimizer: hyper-parameters now, a ``tc.optim`` optimizer once ``build(params)`` is called.

    >>> from tinygrad_course.keras import optimizers
    >>> optimizers.SGD(lr=0.1, momentum=0.9).get_config()['momentum']
    0.9
    """

    def __init__(self, learning_rate: float, decay: float = 0.0, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None, name: Optional[str] = None):
        who = type(self).__name__
        self._initial_lr = float(learning_rate)
        self.decay = _check_range(decay, 0.0, float("inf"), "decay", who)
        for what, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            if v is not None and not v > 0:
                raise ValueError(f"{who}: {what} must be > 0, got {v!r}")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(f"{who}: give at most one of clipnorm and global_clipnorm")
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or who
        self.torch_optimizer = None
        self.scheduler = None
        self.iterations = 0
        self._params = []

    def _make(self, params: list):
        raise TypeError(f"{type(self).__name__} is abstract; use SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax "
                        "or Nadam")

    def build(self, params: Iterable) -> None:
        """Create the ``tc.optim`` optimizer (and the InverseTimeLR scheduler when ``decay > 0``)."""
        self._params = [p for p in params if p.requires_grad]
        if not self._params:
            raise ValueError(f"{self.name}: the model has no trainable parameters to optimize")
        self.torch_optimizer = self._make(self._params)
        self.scheduler = optim.lr_scheduler.InverseTimeLR(self.torch_optimizer, self.decay) if self.decay else None
        self.iterations = 0

    def zero_grad(self) -> None:
        """Clear the gradients of the parameters this optimizer updates."""
        self.torch_optimizer.zero_grad()

    @_replayed  # Python-side counters and schedules too: tc.compile replays the whole call
    def apply(self) -> None:
        """Clip the gradients as asked, take one optimizer step, then step the decay schedule."""
        params = [p for p in self._params if p.grad is not None]
        if self.clipvalue is not None:
            clip_grad_value_(params, self.clipvalue)
        if self.clipnorm is not None:
            for p in params:  # Keras' clipnorm bounds each variable's gradient norm separately
                clip_grad_norm_([p], self.clipnorm)
        if self.global_clipnorm is not None:
            clip_grad_norm_(params, self.global_clipnorm)
        self.torch_optimizer.step()
        self.iterations += 1
        if self.scheduler is not None:
            self.scheduler.step()

    @property
    def learning_rate(self) -> float:
        """The learning rate the next update will use."""
        if self.torch_optimizer is None:
            return self._initial_lr
        return self.torch_optimizer.param_groups[0]["lr"]

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        value = _check_lr(value, None, self.name)
        self._initial_lr = value
        if self.torch_optimizer is not None:
            if self.scheduler is not None:
                self.scheduler.base_lrs = [value for _ in self.scheduler.base_lrs]
                value = value / (1 + self.decay * self.scheduler.last_epoch)
            for g in self.torch_optimizer.param_groups:
                g["lr"] = value

    lr = learning_rate

    def get_config(self) -> dict:
        """The optimizer's hyper-parameters as a dict (Keras 2.2's names), enough to rebuild it."""
        return {"name": self.name, "learning_rate": self._initial_lr, "decay": self.decay}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum, Keras 2.2's rule.

    ``v = momentum * v - lr * g``; ``w += v`` (``nesterov``: ``w += momentum * v - lr * g``).

    Arguments (Keras 2.2's order): ``lr``, ``momentum`` in [0, 1], ``decay`` (``lr / (1 + decay *
    iterations)``), ``nesterov``; ``learning_rate`` is an alias of ``lr``.

    >>> SGD(0.01, 0.9, 1e-6, True)   # lr, momentum, decay, nesterov
    SGD(learning_rate=0.01, decay=1e-06, momentum=0.9, nesterov=True)
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, decay: float = 0.0, nesterov: bool = False, *,
                 learning_rate: Optional[float] = None, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.01, "SGD"), decay, **kwargs)
        self.momentum = _check_range(momentum, 0.0, 1.0, "momentum", "SGD")
        self.nesterov = _check_flag(nesterov, "nesterov", "SGD")
        if self.nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0")

    def _make(self, params):
        return Keras2SGD(params, lr=self._initial_lr, momentum=self.momentum, nesterov=self.nesterov)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    """Divide by a running RMS of the gradients, Keras 2.2's rule (``tc.optim.RMSprop(alpha=rho)``).

    ``a = rho * a + (1 - rho) * g^2``; ``w -= lr * g / (sqrt(a) + epsilon)``.

    Arguments (Keras 2.2's order): ``lr``, ``rho`` in [0, 1], ``epsilon`` (``None``:
    ``backend.epsilon()``), ``decay``; keyword-only ``learning_rate`` (alias of ``lr``) and
    tf.keras' ``momentum`` and ``centered``.

    >>> RMSprop(0.001, 0.9, None, 0.0)
    RMSprop(learning_rate=0.001, decay=0.0, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False)
    """

    def __init__(self, lr: float = 0.001, rho: float = 0.9, epsilon: Optional[float] = None, decay: float = 0.0, *,
                 learning_rate: Optional[float] = None, momentum: float = 0.0, centered: bool = False, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.001, "RMSprop"), decay, **kwargs)
        self.rho = _check_range(rho, 0.0, 1.0, "rho", "RMSprop")
        self.momentum = _check_range(momentum, 0.0, 1.0, "momentum", "RMSprop")
        self.epsilon = _epsilon(epsilon, "RMSprop")
        self.centered = _check_flag(centered, "centered", "RMSprop")

    def _make(self, params):
        return optim.RMSprop(params, lr=self._initial_lr, alpha=self.rho, eps=self.epsilon, momentum=self.momentum,
                             centered=self.centered)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adagrad(Optimizer):
    """Per-coordinate rates from the sum of squared gradients, Keras 2.2's rule (``tc.optim.Adagrad``).

    ``a = a + g^2`` (``a`` starts at 0); ``w -= lr * g / (sqrt(a) + epsilon)``.

    Arguments (Keras 2.2's order): ``lr``, ``epsilon`` (``None``: ``backend.epsilon()``), ``decay``;
    keyword-only ``learning_rate`` (alias of ``lr``) and ``initial_accumulator_value`` (tf.keras;
    default 0 as Keras 2.2).

    >>> Adagrad(0.01, None, 0.0)
    Adagrad(learning_rate=0.01, decay=0.0, initial_accumulator_value=0.0, epsilon=1e-07)
    """

    def __init__(self, lr: float = 0.01, epsilon: Optional[float] = None, decay: float = 0.0, *,
                 learning_rate: Optional[float] = None, initial_accumulator_value: float = 0.0, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.01, "Adagrad"), decay, **kwargs)
        self.initial_accumulator_value = _check_range(initial_accumulator_value, 0.0, float("inf"),
                                                      "initial_accumulator_value", "Adagrad")
        self.epsilon = _epsilon(epsilon, "Adagrad")

    def _make(self, params):
        return optim.Adagrad(params, lr=self._initial_lr, initial_accumulator_value=self.initial_accumulator_value,
                             eps=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta, Keras 2.2's rule (exactly ``tc.optim.Adadelta(lr, rho, eps=epsilon)``).

    ``a = rho * a + (1 - rho) * g^2``; ``d = g * sqrt(D + epsilon) / sqrt(a + epsilon)``;
    ``w -= lr * d``; ``D = rho * D + (1 - rho) * d^2``.

    Arguments (Keras 2.2's order): ``lr`` (default 1.0), ``rho`` in [0, 1], ``epsilon`` (``None``:
    ``backend.epsilon()``), ``decay``; ``learning_rate`` is an alias of ``lr``.

    >>> Adadelta(1.0, 0.95, None, 0.0)
    Adadelta(learning_rate=1.0, decay=0.0, rho=0.95, epsilon=1e-07)
    """

    def __init__(self, lr: float = 1.0, rho: float = 0.95, epsilon: Optional[float] = None, decay: float = 0.0, *,
                 learning_rate: Optional[float] = None, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 1.0, "Adadelta"), decay, **kwargs)
        self.rho = _check_range(rho, 0.0, 1.0, "rho", "Adadelta")
        self.epsilon = _epsilon(epsilon, "Adadelta")

    def _make(self, params):
        return optim.Adadelta(params, lr=self._initial_lr, rho=self.rho, eps=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


def _check_betas(beta_1, beta_2, who):
    return (_check_range(beta_1, 0.0, 1.0, "beta_1", who, hi_open=True),
            _check_range(beta_2, 0.0, 1.0, "beta_2", who, hi_open=True))


class Adam(Optimizer):
    """Adam, Keras 2.2's rule: epsilon is added to ``sqrt(v)`` before the bias correction.

    ``lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``; ``w -= lr_t * m_t / (sqrt(v_t) + epsilon)``
    (``amsgrad``: ``v_t`` replaced by its running maximum).

    Arguments (Keras 2.2's order): ``lr``, ``beta_1``, ``beta_2`` in [0, 1), ``epsilon`` (``None``:
    ``backend.epsilon()``), ``decay``, ``amsgrad``; ``learning_rate`` is an alias of ``lr``.

    >>> Adam(0.001, 0.9, 0.999, 1e-8, 0.01)   # lr, beta_1, beta_2, epsilon, decay
    Adam(learning_rate=0.001, decay=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08, amsgrad=False)
    """

    def __init__(self, lr: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: Optional[float] = None,
                 decay: float = 0.0, amsgrad: bool = False, *, learning_rate: Optional[float] = None, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.001, "Adam"), decay, **kwargs)
        self.beta_1, self.beta_2 = _check_betas(beta_1, beta_2, "Adam")
        self.epsilon = _epsilon(epsilon, "Adam")
        self.amsgrad = _check_flag(amsgrad, "amsgrad", "Adam")

    def _make(self, params):
        return Keras2Adam(params, lr=self._initial_lr, beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                          amsgrad=self.amsgrad)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class Adamax(Optimizer):
    """Adamax, Keras 2.2's rule: ``u = max(beta_2 * u, |g|)``; ``w -= lr / (1 - beta_1^t) * m / (u + epsilon)``.

    Arguments (Keras 2.2's order): ``lr`` (default 0.002), ``beta_1``, ``beta_2`` in [0, 1),
    ``epsilon`` (``None``: ``backend.epsilon()``), ``decay``; ``learning_rate`` is an alias of ``lr``.

    >>> Adamax(0.002, 0.9, 0.999, None, 0.0)
    Adamax(learning_rate=0.002, decay=0.0, beta_1=0.9, beta_2=0.999, epsilon=1e-07)
    """

    def __init__(self, lr: float = 0.002, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = None, decay: float = 0.0, *, learning_rate: Optional[float] = None,
                 **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.002, "Adamax"), decay, **kwargs)
        self.beta_1, self.beta_2 = _check_betas(beta_1, beta_2, "Adamax")
        self.epsilon = _epsilon(epsilon, "Adamax")

    def _make(self, params):
        return Keras2Adamax(params, lr=self._initial_lr, beta_1=self.beta_1, beta_2=self.beta_2,
                            epsilon=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Adam with Nesterov momentum, Keras 2.2's rule (exactly ``tc.optim.NAdam(momentum_decay=schedule_decay)``).

    ``mu_t = beta_1 * (1 - 0.5 * 0.96^(t * schedule_decay))``; ``P_t = mu_1 ... mu_t``;
    ``m_bar = (1 - mu_t) * g / (1 - P_t) + mu_{t+1} * m_t / (1 - P_t * mu_{t+1})``;
    ``w -= lr * m_bar / (sqrt(v_t / (1 - beta_2^t)) + epsilon)``: epsilon after the bias correction.

    Arguments (Keras 2.2's order): ``lr`` (default 0.002), ``beta_1``, ``beta_2`` in [0, 1),
    ``epsilon`` (``None``: ``backend.epsilon()``), ``schedule_decay``; keyword-only
    ``learning_rate`` (alias of ``lr``) and ``decay`` (not in Keras 2.2's Nadam).

    >>> Nadam(0.002, 0.9, 0.999, None, 0.004)
    Nadam(learning_rate=0.002, decay=0.0, beta_1=0.9, beta_2=0.999, epsilon=1e-07, schedule_decay=0.004)
    """

    def __init__(self, lr: float = 0.002, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = None, schedule_decay: float = 0.004, *,
                 learning_rate: Optional[float] = None, decay: float = 0.0, **kwargs):
        super().__init__(_learning_rate(lr, learning_rate, 0.002, "Nadam"), decay, **kwargs)
        self.beta_1, self.beta_2 = _check_betas(beta_1, beta_2, "Nadam")
        self.epsilon = _epsilon(epsilon, "Nadam")
        self.schedule_decay = _check_range(schedule_decay, 0.0, float("inf"), "schedule_decay", "Nadam")

    def _make(self, params):
        return optim.NAdam(params, lr=self._initial_lr, betas=(self.beta_1, self.beta_2), eps=self.epsilon,
                           momentum_decay=self.schedule_decay)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "schedule_decay": self.schedule_decay}


class _Wrapped(Optimizer):
    """A ready ``tc.optim`` optimizer passed to ``compile`` (already bound to the model's parameters)."""

    def __init__(self, opt):
        super().__init__(opt.param_groups[0]["lr"])
        self.torch_optimizer = opt
        self._params = [p for g in opt.param_groups for p in g["params"]]
        self.name = type(opt).__name__

    def build(self, params):
        ids = {id(p) for p in params if p.requires_grad}
        if not ids <= {id(p) for p in self._params}:
            raise ValueError(f"the {self.name} optimizer given to compile() does not hold all the model's "
                             "trainable parameters; build the model first and pass model.parameters()")


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adadelta": Adadelta, "adam": Adam,
            "adamax": Adamax, "nadam": Nadam}


def get(identifier: Union[str, Optimizer, "optim.Optimizer"]) -> Optimizer:
    """A Keras optimizer for a name (Keras defaults), a Keras optimizer, or a ready ``tc.optim`` optimizer.

    >>> from tinygrad_course.keras import optimizers
    >>> type(optimizers.get('rmsprop')).__name__
    'RMSprop'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Unknown optimizer {identifier!r}; valid names: {', '.join(sorted(_BY_NAME))}")
        return cls()
    if isinstance(identifier, optim.Optimizer):
        return _Wrapped(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"optimizer must be a name ({', '.join(sorted(_BY_NAME))}), a keras optimizer or a "
                     f"tc.optim optimizer, got {identifier!r}")

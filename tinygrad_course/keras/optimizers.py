"""Keras optimizers (Keras' argument names and defaults), each building the matching ``tc.optim`` one.

A Keras optimizer is created without parameters; ``compile``/``fit`` binds it to the model with
``build(params)``, which creates the ``tc.optim`` optimizer (``.torch_optimizer``) and, when
``decay > 0``, a ``tc.optim.lr_scheduler.InverseTimeLR`` stepped once per batch, so the t-th update
uses ``lr / (1 + decay * t)`` as Keras' ``decay`` did. ``lr`` is accepted as an alias of
``learning_rate`` (the lecture's Keras 2 spelling).

Where the update rules differ slightly from Keras (we run PyTorch's, step for step):

- ``SGD``: Keras keeps ``v = momentum * v - lr * g; w += v``, PyTorch ``b = momentum * b + g;
  w -= lr * b``: identical trajectories while lr is constant (``v = -lr * b``); with ``decay`` the
  velocity of Keras carries the old learning rates.
- ``RMSprop``: ``rho`` is PyTorch's ``alpha``. Keras (TF 2 / Keras 3) divides by
  ``sqrt(v + epsilon)``, PyTorch by ``sqrt(v) + eps``; the same update up to the tiny epsilon.
- ``Adagrad``: Keras divides by ``sqrt(G + epsilon)``, PyTorch by ``sqrt(G) + eps``; Keras'
  ``initial_accumulator_value=0.1`` is passed through.
- ``Adam`` / ``Nadam``: Keras adds epsilon to ``sqrt(v_t)`` before bias correction ("epsilon hat"),
  PyTorch to ``sqrt(v_t / (1 - beta2^t))``; they differ only while sqrt(v) is near epsilon.
  Nadam's momentum schedule ``mu_t = beta_1 (1 - 0.5 * 0.96^(0.004 t))`` is PyTorch NAdam's with
  ``momentum_decay=0.004`` (Keras 2's ``schedule_decay``).
"""
from typing import Iterable, Optional, Union

from .. import optim
from ..nn.utils import clip_grad_norm_, clip_grad_value_

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adam", "Nadam", "get"]


def _check_lr(learning_rate, lr, who):
    value = learning_rate if lr is None else lr
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{who}: learning_rate must be a number >= 0, got {value!r}")
    return float(value)


def _check_range(value, lo, hi, what, who, lo_open=False, hi_open=False):
    ok = (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        brackets = ("(" if lo_open else "[") + f"{lo}, {hi}" + (")" if hi_open else "]")
        raise ValueError(f"{who}: {what} must be in {brackets}, got {value!r}")
    return float(value)


class Optimizer:
    """Keras optimizer: hyper-parameters now, a ``tc.optim`` optimizer once ``build(params)`` is called."""

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
        raise TypeError(f"{type(self).__name__} is abstract; use SGD, RMSprop, Adagrad, Adam or Nadam")

    def build(self, params: Iterable) -> None:
        """Create the ``tc.optim`` optimizer (and the InverseTimeLR scheduler when ``decay > 0``)."""
        self._params = [p for p in params if p.requires_grad]
        if not self._params:
            raise ValueError(f"{self.name}: the model has no trainable parameters to optimize")
        self.torch_optimizer = self._make(self._params)
        self.scheduler = optim.lr_scheduler.InverseTimeLR(self.torch_optimizer, self.decay) if self.decay else None
        self.iterations = 0

    def zero_grad(self) -> None:
        self.torch_optimizer.zero_grad()

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
        return {"name": self.name, "learning_rate": self._initial_lr, "decay": self.decay}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum -> ``tc.optim.SGD(lr, momentum, nesterov)``."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, decay: float = 0.0,
                 lr: Optional[float] = None, **kwargs):
        super().__init__(_check_lr(learning_rate, lr, "SGD"), decay, **kwargs)
        self.momentum = _check_range(momentum, 0.0, 1.0, "momentum", "SGD")
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0")

    def _make(self, params):
        return optim.SGD(params, lr=self._initial_lr, momentum=self.momentum, nesterov=self.nesterov)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class RMSprop(Optimizer):
    """G = rho G + (1 - rho) g^2; w -= lr g / (sqrt(G) + eps) -> ``tc.optim.RMSprop(alpha=rho)``."""

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, decay: float = 0.0, lr: Optional[float] = None, **kwargs):
        super().__init__(_check_lr(learning_rate, lr, "RMSprop"), decay, **kwargs)
        self.rho = _check_range(rho, 0.0, 1.0, "rho", "RMSprop")
        self.momentum = _check_range(momentum, 0.0, 1.0, "momentum", "RMSprop")
        self.epsilon = _check_range(epsilon, 0.0, float("inf"), "epsilon", "RMSprop")
        self.centered = bool(centered)

    def _make(self, params):
        return optim.RMSprop(params, lr=self._initial_lr, alpha=self.rho, eps=self.epsilon, momentum=self.momentum,
                             centered=self.centered)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adagrad(Optimizer):
    """G += g^2; w -= lr g / (sqrt(G) + eps) -> ``tc.optim.Adagrad``."""

    def __init__(self, learning_rate: float = 0.01, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 decay: float = 0.0, lr: Optional[float] = None, **kwargs):
        super().__init__(_check_lr(learning_rate, lr, "Adagrad"), decay, **kwargs)
        self.initial_accumulator_value = _check_range(initial_accumulator_value, 0.0, float("inf"),
                                                      "initial_accumulator_value", "Adagrad")
        self.epsilon = _check_range(epsilon, 0.0, float("inf"), "epsilon", "Adagrad")

    def _make(self, params):
        return optim.Adagrad(params, lr=self._initial_lr, initial_accumulator_value=self.initial_accumulator_value,
                             eps=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adam(Optimizer):
    """Bias-corrected moment estimates: w -= lr m_hat / (sqrt(v_hat) + eps) -> ``tc.optim.Adam``."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, decay: float = 0.0, lr: Optional[float] = None, **kwargs):
        super().__init__(_check_lr(learning_rate, lr, type(self).__name__), decay, **kwargs)
        who = type(self).__name__
        self.beta_1 = _check_range(beta_1, 0.0, 1.0, "beta_1", who, hi_open=True)
        self.beta_2 = _check_range(beta_2, 0.0, 1.0, "beta_2", who, hi_open=True)
        self.epsilon = _check_range(epsilon, 0.0, float("inf"), "epsilon", who)
        self.amsgrad = bool(amsgrad)

    def _make(self, params):
        return optim.Adam(params, lr=self._initial_lr, betas=(self.beta_1, self.beta_2), eps=self.epsilon,
                          amsgrad=self.amsgrad)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class Nadam(Adam):
    """Adam with Nesterov momentum -> ``tc.optim.NAdam(momentum_decay=schedule_decay)``."""

    def __init__(self, learning_rate: float = 0.002, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 schedule_decay: float = 0.004, decay: float = 0.0, lr: Optional[float] = None, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, decay=decay, lr=lr, **kwargs)
        self.schedule_decay = _check_range(schedule_decay, 0.0, float("inf"), "schedule_decay", "Nadam")

    def _make(self, params):
        return optim.NAdam(params, lr=self._initial_lr, betas=(self.beta_1, self.beta_2), eps=self.epsilon,
                           momentum_decay=self.schedule_decay)

    def get_config(self):
        cfg = {**super().get_config(), "schedule_decay": self.schedule_decay}
        cfg.pop("amsgrad")
        return cfg


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


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adam": Adam, "nadam": Nadam}


def get(identifier: Union[str, Optimizer, "optim.Optimizer"]) -> Optimizer:
    """A Keras optimizer for a name (Keras defaults), a Keras optimizer, or a ready ``tc.optim`` optimizer."""
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

"""The lecture's line-up of optimizers by name, shared by the CLI trainer and the optimizer race."""
from .adagrad import Adagrad
from .adam import Adam
from .nadam import NAdam
from .newton import Newton
from .rmsprop import RMSprop
from .sgd import SGD

# lower-case name -> (class, keyword arguments besides lr); the momentum variants use 0.9
_LINEUP = {
    "sgd": (SGD, {}),
    "momentum": (SGD, {"momentum": 0.9}),
    "nesterov": (SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (Adagrad, {}),
    "rmsprop": (RMSprop, {}),
    "adam": (Adam, {}),
    "nadam": (NAdam, {}),
    "newton": (Newton, {}),
}


def named_optimizer(name: str, params, lr: float):
    """The optimizer of the line-up called ``name`` (lower case) over ``params`` with ``lr``."""
    cls, kwargs = _LINEUP[name]
    return cls(params, lr=lr, **kwargs)

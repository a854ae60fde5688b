"""Optimizers (PyTorch's ``torch.optim``, step for step) and learning-rate schedulers,
plus the second-order ``Newton`` and ``NewtonCG`` from the lecture's Newton slide."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .newton import Newton, NewtonCG
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "NAdam", "LBFGS",
    "Newton", "NewtonCG", "lr_scheduler", "Adadelta", "Adamax", "RAdam", "Rprop", "ASGD",
]

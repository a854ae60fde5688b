"""``tinygrad_course.nn.modules.activation``: PyTorch's import path of the activations (and, as
in PyTorch, ``MultiheadAttention``)."""
from .. import activation as _activation
from ..activation import *  # noqa: F401,F403  (every activation, whatever the file adds)
from ..prelu import PReLU
from ._reexport import reexport

__all__ = list(_activation.__all__) + ["PReLU"]
__all__ += reexport(globals(), "attention", ["MultiheadAttention"])

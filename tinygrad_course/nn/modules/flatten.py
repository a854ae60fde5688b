"""``tinygrad_course.nn.modules.flatten``: PyTorch's import path of Flatten and Unflatten."""
from ..linear import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]

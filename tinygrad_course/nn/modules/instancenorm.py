"""``tinygrad_course.nn.modules.instancenorm``: PyTorch's import path of the instance norms."""
from ..instancenorm import InstanceNorm1d, InstanceNorm2d

__all__ = ["InstanceNorm1d", "InstanceNorm2d"]

"""``tinygrad_course.nn.modules.module``: PyTorch's import path of ``Module``."""
from ..module import Module

__all__ = ["Module"]

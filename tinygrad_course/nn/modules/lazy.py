"""``tinygrad_course.nn.modules.lazy``: PyTorch's import path of ``LazyModuleMixin``."""
from ..lazy import LazyModuleMixin

__all__ = ["LazyModuleMixin"]

"""``tinygrad_course.nn.modules.container``: PyTorch's import path of the containers."""
from ..containers import ModuleDict, ModuleList, Sequential

__all__ = ["Sequential", "ModuleList", "ModuleDict"]

"""``tinygrad_course.nn.modules.normalization``: PyTorch's import path of LayerNorm and GroupNorm."""
from ..normalization import GroupNorm, LayerNorm

__all__ = ["LayerNorm", "GroupNorm"]

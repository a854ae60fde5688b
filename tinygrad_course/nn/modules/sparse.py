"""``tinygrad_course.nn.modules.sparse``: PyTorch's import path of ``Embedding``."""
from ..embedding import Embedding

__all__ = ["Embedding"]

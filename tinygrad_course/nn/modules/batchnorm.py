"""``tinygrad_course.nn.modules.batchnorm``: PyTorch's import path of the batch norms."""
from ..lazy import LazyBatchNorm1d, LazyBatchNorm2d
from ..normalization import BatchNorm1d, BatchNorm2d

__all__ = ["BatchNorm1d", "BatchNorm2d", "LazyBatchNorm1d", "LazyBatchNorm2d"]

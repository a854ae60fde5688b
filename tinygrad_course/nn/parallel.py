"""``tinygrad_course.nn.parallel``: PyTorch's import path of ``DataParallel`` (CPU only: it forwards to its module).

>>> from tinygrad_course.nn.parallel import DataParallel
"""
from .data_parallel import DataParallel

__all__ = ["DataParallel"]

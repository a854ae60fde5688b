"""``tc.backends``: PyTorch's backend switches (``cudnn``, ``mps``, ``cuda``), answering as a CPU-only build.

Programs set ``torch.backends.cudnn.benchmark = True`` or test
``torch.backends.mps.is_available()``; those run here and change nothing.
"""
from . import cuda, cudnn, mps  # noqa: F401

__all__ = ["cuda", "cudnn", "mps"]

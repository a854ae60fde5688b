"""``tc.utils``: PyTorch's ``torch.utils`` path (``tc.utils.data``)."""
from . import data

__all__ = ["data"]

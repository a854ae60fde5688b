"""``tc.utils.data``: the same objects as ``tc.data`` (PyTorch's ``torch.utils.data`` path)."""
from ..data import (ConcatDataset, DataLoader, Dataset, Subset, TensorDataset, default_collate,
                    default_convert, random_split)

__all__ = [
    "Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
    "DataLoader", "default_collate", "default_convert",
]

"""``tc.utils.data``: the same objects as ``tc.data`` (PyTorch's ``torch.utils.data`` path)."""
from ..data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                    RandomSampler, Sampler, SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
                    WeightedRandomSampler, WorkerInfo, default_collate, default_convert, get_worker_info,
                    random_split)

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "ChainDataset",
    "random_split", "DataLoader", "default_collate", "default_convert",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler", "get_worker_info", "WorkerInfo",
]

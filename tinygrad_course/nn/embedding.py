"""Embedding: a lookup table of num_embeddings vectors."""
import numpy as np

from ..autograd import _array
from ..autograd.tensor import Tensor
from . import functional as F
from . import init
from ._layer_utils import check_device, empty_param
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """out[...] = weight[input[...]];  weight ~ N(0, 1), the padding_idx row zero and never updated.

    >>> nn.Embedding(10, 3)(tc.tensor([[1, 2], [4, 9]])).shape
    tinygrad_course.Size([2, 2, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        check_device(device, "Embedding")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if padding_idx > 0:
                if padding_idx >= num_embeddings:
                    raise AssertionError("Padding_idx must be within num_embeddings")
            elif padding_idx < 0:
                if padding_idx < -num_embeddings:
                    raise AssertionError("Padding_idx must be within num_embeddings")
                padding_idx = num_embeddings + padding_idx
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if sparse:
            raise ValueError("Embedding: sparse gradients are not supported; use sparse=False")
        self.sparse = sparse
        if _weight is None:
            self.weight = empty_param((num_embeddings, embedding_dim), dtype, requires_grad=not _freeze)
            self.reset_parameters()
        else:
            w = _array(_weight) if isinstance(_weight, Tensor) else np.asarray(_weight)
            if w.shape != (num_embeddings, embedding_dim):
                raise ValueError(f"Shape of weight {w.shape} does not match num_embeddings and embedding_dim")
            self.weight = Parameter(Tensor(w), requires_grad=not _freeze)

    def reset_parameters(self):
        """weight ~ N(0, 1), padding row zeroed."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            _array(self.weight)[self.padding_idx] = 0

    def forward(self, input):
        idx = _array(input) if isinstance(input, Tensor) else np.asarray(input)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"{self!r}: expected an integer (int64) index tensor, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = int(idx[(idx < 0) | (idx >= self.num_embeddings)].flat[0])
            raise IndexError(f"{self!r}: index {bad} is out of range (indices must be in [0, {self.num_embeddings - 1}])")
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = "{num_embeddings}, {embedding_dim}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s.format(**self.__dict__)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is (a view of) the 2-D ``embeddings``."""
        if embeddings.ndim != 2:
            raise ValueError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)

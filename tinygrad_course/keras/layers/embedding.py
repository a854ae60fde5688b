"""Embedding: integer indices (batch, ...) -> vectors (batch, ..., output_dim), as Keras'."""
from typing import Optional

from ...autograd.factories import empty
from ...autograd.grad_mode import no_grad
from ...nn import functional as F
from ...nn.parameter import Parameter
from .. import initializers
from .base import Layer, shape_str

__all__ = ["Embedding"]


class Embedding(Layer):
    """out[..., :] = embeddings[x[...]]; ``embeddings`` is (input_dim, output_dim), initialised U(-0.05, 0.05).

    Inputs may arrive as floats (``fit`` casts every input to the float type, as Keras does); they
    are truncated to integers. An index outside [0, input_dim) raises ``IndexError``.

    >>> layer = Embedding(1000, 64, input_length=10)   # (batch, 10) -> (batch, 10, 64)
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform", mask_zero: bool = False,
                 input_length: Optional[int] = None, input_shape=None, **kwargs):
        if input_shape is None and input_length is not None:
            input_shape = (input_length,)
        super().__init__(input_shape=input_shape, **kwargs)
        for what, v in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(f"Embedding: {what} must be a positive integer, got {v!r}")
        if mask_zero:
            # masks would have to flow into the RNN layers (skipping padded steps): not implemented
            raise ValueError("Embedding: mask_zero=True is not supported (no masking); pad and let the model learn it")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.mask_zero = False
        self.input_length = input_length

    def compute_output_shape(self, shape):
        return tuple(shape) + (self.output_dim,)

    def _build(self, shape):
        self.embeddings = Parameter(empty((self.input_dim, self.output_dim)))
        with no_grad():
            self.embeddings_initializer(self.embeddings)

    def call(self, x):
        idx = x.long()  # Keras casts to int: floats are truncated
        flat = idx.numpy()
        if flat.size and (flat.min() < 0 or flat.max() >= self.input_dim):
            bad = int(flat[(flat < 0) | (flat >= self.input_dim)].flat[0])
            raise IndexError(f"Embedding {self.name!r}: index {bad} is not in [0, {self.input_dim}) "
                             f"(input shape {shape_str(tuple(x.shape))})")
        return F.embedding(idx, self.embeddings)

    def _keras_weights(self):
        return [(self.embeddings, None, True)] if self.built else []

    def extra_repr(self):
        return f"name={self.name!r}, input_dim={self.input_dim}, output_dim={self.output_dim}"

"""``nn.utils``: gradient clipping, parameters as one vector (PyTorch's ``torch.nn.utils``)."""
from . import rnn  # noqa: F401  (nn.utils.rnn: pad_sequence, PackedSequence, ...)
from .clip_grad import clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters

__all__ = ["rnn", "clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]

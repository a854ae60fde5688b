"""prelu: a leaky ReLU whose negative slope is learned (per channel or shared)."""
import tinygrad_course as _tc

from ...autograd.tensor import Tensor
from ._utils import shape_str

__all__ = ["prelu"]


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """out = x if x > 0 else weight[c] * x, with c the channel (dim 1; a 1-D input has one channel).

    Composed of ``where`` and a multiply, so it differentiates twice; like PyTorch, x = 0
    counts as negative (d out / d weight = x there, which is 0).

    Args:
        input: any shape. weight: 1 element, or one per channel (input.shape[1]).

    >>> F.prelu(tc.tensor([-2.0, 3.0]), tc.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"prelu(): input and weight must be Tensors, got {type(input).__name__} "
                        f"and {type(weight).__name__}")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} "
                           f"and channel size = {channels} (input shape {shape_str(input.shape)}).")
    w = weight.reshape(()) if n == 1 else weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return _tc.where(input > 0, input, w * input)

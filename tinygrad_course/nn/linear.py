"""Identity, Linear, Flatten, Unflatten."""
from typing import Any

from . import functional as F
from ._layer_utils import check_device, check_tensor_input, input_error, reset_kaiming_uniform, weight_and_bias
from .module import Module

__all__ = ["Identity", "Linear", "Flatten", "Unflatten"]


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored, as in PyTorch).

    >>> nn.Identity()(tc.tensor([1., 2.]))
    tensor([1., 2.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x W^T + b;  W: (out_features, in_features) ~ U(-1/sqrt(in), 1/sqrt(in)), b likewise.

    >>> fc = nn.Linear(784, 512)
    >>> fc(tc.randn(128, 784)).shape
    (128, 512)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Linear")
        self.in_features = in_features
        self.out_features = out_features
        weight_and_bias(self, (out_features, in_features), bias, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for W, U(-1/sqrt(fan_in), ...) for b."""
        reset_kaiming_uniform(self.weight, self.bias, bias_without_fan_in=True)

    def forward(self, input):
        check_tensor_input(self, input)
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            raise input_error(self, f"with last dimension {self.in_features}", input)
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Merge dims start_dim..end_dim (default: all but the batch dimension).

    >>> nn.Flatten()(tc.zeros(2, 3, 4)).shape
    tinygrad_course.Size([2, 12])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``.

    >>> nn.Unflatten(1, (3, 4))(tc.zeros(2, 12)).shape
    tinygrad_course.Size([2, 3, 4])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input):
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"

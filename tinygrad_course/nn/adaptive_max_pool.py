"""AdaptiveMaxPool1d, AdaptiveMaxPool2d: max pooling to a fixed output size."""
from ..autograd.tensor import Tensor
from .functional.adaptive_max_pool import adaptive_max_pool1d, adaptive_max_pool2d
from .module import Module

__all__ = ["AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]


class _AdaptiveMaxPoolNd(Module):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max-pool (N, C, H, W) to ``output_size`` (None keeps a dim); ``return_indices`` adds flat h*W+w.

    >>> nn.AdaptiveMaxPool2d((2, 2))(tc.randn(1, 3, 7, 7)).shape
    (1, 3, 2, 2)
    """

    def forward(self, input: Tensor):
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max-pool (N, C, L) to length ``output_size``.

    >>> nn.AdaptiveMaxPool1d(4)(tc.randn(2, 3, 10)).shape
    (2, 3, 4)
    """

    def forward(self, input: Tensor):
        return adaptive_max_pool1d(input, self.output_size, self.return_indices)

"""PReLU: a ReLU whose negative slope is a learned parameter."""
from ..autograd.tensor import Tensor
from . import init
from ._layer_utils import check_device, empty_param
from .functional.prelu import prelu
from .module import Module

__all__ = ["PReLU"]


class PReLU(Module):
    """out = x if x > 0 else a * x, a learned: one slope (default) or one per channel (dim 1).

    Args:
        num_parameters: 1 or the number of input channels.  init: initial slope (0.25).

    >>> act = nn.PReLU(); act.weight
    Parameter containing:
    tensor([0.2500], requires_grad=True)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        check_device(device, "PReLU")
        self.num_parameters = num_parameters
        self.init = init
        self.weight = empty_param((num_parameters,), dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight = init."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"

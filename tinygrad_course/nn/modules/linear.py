"""``tinygrad_course.nn.modules.linear``: PyTorch's import path of the linear layers."""
from ..lazy import LazyLinear
from ..linear import Identity, Linear
from ..attention import NonDynamicallyQuantizableLinear

__all__ = ["Identity", "Linear", "LazyLinear", "NonDynamicallyQuantizableLinear"]

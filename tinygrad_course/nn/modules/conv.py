"""``tinygrad_course.nn.modules.conv``: PyTorch's import path of the convolutions."""
from ..conv import Conv1d, Conv2d
from ..conv_transpose import ConvTranspose1d, ConvTranspose2d
from ..lazy import LazyConv1d, LazyConv2d, LazyConvTranspose1d, LazyConvTranspose2d

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "LazyConv1d", "LazyConv2d",
           "LazyConvTranspose1d", "LazyConvTranspose2d"]

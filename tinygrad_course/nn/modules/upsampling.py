"""``tinygrad_course.nn.modules.upsampling``: PyTorch's import path of the upsampling layers."""
from ..upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]

"""``tinygrad_course.nn.modules.pooling``: PyTorch's import path of the pooling layers."""
from ..adaptive_max_pool import AdaptiveMaxPool1d, AdaptiveMaxPool2d
from ..pooling import AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"]

"""``tinygrad_course.nn.modules.dropout``: PyTorch's import path of the dropout layers."""
from ..dropout import Dropout
from ..dropout_channels import AlphaDropout, Dropout1d, Dropout2d, FeatureAlphaDropout

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "AlphaDropout", "FeatureAlphaDropout"]

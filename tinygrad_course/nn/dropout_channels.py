"""Dropout1d, Dropout2d (whole channels), AlphaDropout, FeatureAlphaDropout (for SELU networks)."""
from ..autograd.tensor import Tensor
from .dropout import Dropout
from .functional.dropout_channels import alpha_dropout, dropout1d, dropout2d, feature_alpha_dropout

__all__ = ["Dropout1d", "Dropout2d", "AlphaDropout", "FeatureAlphaDropout"]


class Dropout1d(Dropout):
    """Zero whole channels of (N, C, L) / (C, L) with probability p while training; scale by 1/(1-p).

    >>> nn.Dropout1d(0.2)(tc.randn(4, 8, 16)).shape
    (4, 8, 16)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(Dropout):
    """Zero whole feature maps of (N, C, H, W) with probability p while training; scale by 1/(1-p).

    >>> nn.Dropout2d(0.2)(tc.randn(4, 8, 5, 5)).shape
    (4, 8, 5, 5)
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps SELU activations at mean 0 / variance 1 (see ``F.alpha_dropout``).

    >>> nn.AlphaDropout(0.2)(tc.randn(8, 4)).shape
    (8, 4)
    """

    def forward(self, input: Tensor) -> Tensor:
        return alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels (see ``F.feature_alpha_dropout``).

    >>> nn.FeatureAlphaDropout(0.2)(tc.randn(2, 4, 3)).shape
    (2, 4, 3)
    """

    def forward(self, input: Tensor) -> Tensor:
        return feature_alpha_dropout(input, self.p, self.training)

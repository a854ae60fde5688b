"""InstanceNorm1d, InstanceNorm2d: per-sample, per-channel normalisation over the spatial dims."""
import warnings

from ..autograd.tensor import Tensor
from .functional.instance_norm import instance_norm
from .normalization import _BatchNorm

__all__ = ["InstanceNorm1d", "InstanceNorm2d"]


class _InstanceNorm(_BatchNorm):
    _spatial = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias=bias, device=device,
                         dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:
        no_batch = self._spatial + 1
        if input.ndim not in (no_batch, no_batch + 1):
            raise ValueError(f"expected {no_batch}D or {no_batch + 1}D input (got {input.ndim}D input)")
        feature_dim = input.ndim - no_batch
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        x = input.unsqueeze(0) if input.ndim == no_batch else input
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            self.training or not self.track_running_stats,
                            self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if input.ndim == no_batch else out


class InstanceNorm1d(_InstanceNorm):
    """Normalise each x[n, c, :] of (N, C, L) / (C, L) to mean 0, variance 1 (then weight, bias if affine).

    >>> nn.InstanceNorm1d(4)(tc.randn(2, 4, 10)).shape
    (2, 4, 10)
    """

    _spatial = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalise each x[n, c] of (N, C, H, W) / (C, H, W) over H, W (then weight, bias if affine).

    >>> nn.InstanceNorm2d(3, affine=True)(tc.randn(2, 3, 5, 5)).shape
    (2, 3, 5, 5)
    """

    _spatial = 2

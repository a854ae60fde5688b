"""BatchNorm1d, BatchNorm2d (running statistics), LayerNorm, GroupNorm."""
import numpy as np

from ..autograd import _array, _bump_version
from ..autograd.tensor import Tensor
from ..autograd.effects import replayed, not_replayable
from . import functional as F
from . import init
from ._layer_utils import check_device, empty_param, float_dtype, input_error
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm"]


@replayed  # a raw in-place write: tc.compile replays the call
def _count_batch(counter):
    """num_batches_tracked += 1, in place."""
    _array(counter)[...] += 1
    _bump_version(counter)


class _BatchNorm(Module):
    _expected = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        check_device(device, type(self).__name__)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = empty_param((num_features,), dtype)
            if bias:
                self.bias = empty_param((num_features,), dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            npd = float_dtype(dtype)
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, npd)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, npd)))
            self.register_buffer("num_batches_tracked", Tensor(np.zeros((), np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """running_mean = 0, running_var = 1, num_batches_tracked = 0."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            _array(self.num_batches_tracked)[...] = 0
            _bump_version(self.num_batches_tracked)

    def reset_parameters(self):
        """Running stats reset; weight = 1, bias = 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        self._check_input_dim(input)
        exponential_average_factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            _count_batch(self.num_batches_tracked)
            if self.momentum is None:  # cumulative moving average
                not_replayable("BatchNorm with momentum=None (its factor is read from num_batches_tracked)")
                exponential_average_factor = 1.0 / float(_array(self.num_batches_tracked))
            else:
                exponential_average_factor = self.momentum
        bn_training = True if self.training else (self.running_mean is None and self.running_var is None)
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight,
            self.bias,
            bn_training,
            exponential_average_factor,
            self.eps,
        )

    def extra_repr(self):
        return (
            "{num_features}, eps={eps}, momentum={momentum}, affine={affine}, bias={use_bias}, "
            "track_running_stats={track_running_stats}".format(**self.__dict__, use_bias=self.bias is not None)
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over (N, C) or (N, C, L): per-channel batch statistics in training,
    running statistics (momentum, unbiased variance) in eval.

    >>> nn.BatchNorm1d(3)(tc.randn(4, 3)).shape
    tinygrad_course.Size([4, 3])
    """

    def _check_input_dim(self, input):
        if input.ndim not in (2, 3) or input.shape[1] != self.num_features:
            raise input_error(self, f"of shape (N, {self.num_features}) or (N, {self.num_features}, L)", input)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over (N, C, H, W), per channel.

    >>> nn.BatchNorm2d(2)(tc.randn(1, 2, 4, 4)).shape
    tinygrad_course.Size([1, 2, 4, 4])
    """

    def _check_input_dim(self, input):
        if input.ndim != 4 or input.shape[1] != self.num_features:
            raise input_error(self, f"of shape (N, {self.num_features}, H, W)", input)


class LayerNorm(Module):
    """Normalise over the last dims (normalized_shape), then elementwise weight and bias.

    >>> nn.LayerNorm(4)(tc.tensor([[1., 2., 3., 4.]]))
    tensor([[-1.3416, -0.4472,  0.4472,  1.3416]], grad_fn=<AddBackward0>)
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        check_device(device, "LayerNorm")
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = empty_param(self.normalized_shape, dtype)
            if bias:
                self.bias = empty_param(self.normalized_shape, dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """weight = 1, bias = 0."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        k = len(self.normalized_shape)
        if input.ndim < k or tuple(input.shape[input.ndim - k:]) != self.normalized_shape:
            raise input_error(self, f"of shape (*, {', '.join(map(str, self.normalized_shape))})", input)
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, bias={use_bias}".format(
            **self.__dict__, use_bias=self.bias is not None
        )


class GroupNorm(Module):
    """Normalise groups of channels of (N, C, ...), then per-channel weight and bias.

    >>> nn.GroupNorm(2, 4)(tc.randn(3, 4, 5)).shape
    tinygrad_course.Size([3, 4, 5])
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        check_device(device, "GroupNorm")
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = empty_param((num_channels,), dtype)
            init.ones_(self.weight)
            if bias:
                self.bias = empty_param((num_channels,), dtype)
                init.zeros_(self.bias)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise input_error(self, f"of shape (N, {self.num_channels}, ...)", input)
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return "{num_groups}, {num_channels}, eps={eps}, affine={affine}, bias={use_bias}".format(
            **self.__dict__, use_bias=self.bias is not None
        )

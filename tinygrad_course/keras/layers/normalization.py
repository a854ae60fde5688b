"""BatchNormalization over the last (channels) axis; wraps ``nn.BatchNorm1d`` / ``nn.BatchNorm2d``.

Keras' ``momentum=0.99`` (weight of the old moving average) is PyTorch's ``momentum=0.01``. PyTorch
updates the moving variance with the unbiased batch variance, Keras with the biased one: the moving
statistics differ by a factor n / (n - 1) per update, training outputs are identical.
"""
from ... import nn
from .base import Layer, shape_str

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """y = gamma * (x - mean) / sqrt(var + epsilon) + beta per channel (last axis); batch stats in training.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.BatchNormalization()(tc.randn(8, 3)).shape
    tinygrad_course.Size([8, 3])
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, **kwargs):
        super().__init__(**kwargs)
        if axis not in (-1,):
            raise ValueError(f"BatchNormalization: only axis=-1 (channels last) is supported, got {axis!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1], got {momentum!r}")
        if not (center and scale):
            raise ValueError("BatchNormalization: center=False / scale=False are not supported")
        self.momentum, self.epsilon = float(momentum), float(epsilon)

    def compute_output_shape(self, shape):
        if len(shape) not in (1, 2, 3) or shape[-1] is None:
            raise ValueError(f"BatchNormalization {self.name!r}: expected inputs (batch, features), (batch, steps, "
                             f"features) or (batch, h, w, channels), got {shape_str((None,) + tuple(shape))}")
        return shape

    def _build(self, shape):
        cls = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
        self.bn = cls(shape[-1], eps=self.epsilon, momentum=1.0 - self.momentum)

    def call(self, x):
        if x.ndim == 2:
            return self.bn(x)
        # channels to axis 1, as PyTorch's batch norms expect
        perm = (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))
        inv = (0,) + tuple(range(2, x.ndim)) + (1,)
        return self.bn(x.permute(*perm)).permute(*inv)

    def _keras_weights(self):
        if not self.built:
            return []
        bn = self.bn
        return [(bn.weight, None, True), (bn.bias, None, True), (bn.running_mean, None, False),
                (bn.running_var, None, False)]

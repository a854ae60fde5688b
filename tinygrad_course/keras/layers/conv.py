"""Conv2D and MaxPooling2D on channels-last images (N, H, W, C), as Keras.

They transpose to PyTorch's (N, C, H, W), run ``nn.Conv2d`` / ``nn.MaxPool2d`` and transpose back.
``padding='same'`` follows TensorFlow: output size ceil(in / stride), the odd extra pixel of padding
going to the bottom/right.
"""
import math

from ... import nn
from ...autograd.factories import ones
from ...autograd.grad_mode import no_grad
from ...nn import functional as F
from .. import activations, initializers
from .base import Layer, shape_str

__all__ = ["Conv2D", "MaxPooling2D", "AveragePooling2D"]


def _pair(v, what, who):
    if isinstance(v, int):
        v = (v, v)
    v = tuple(v)
    if len(v) != 2 or not all(isinstance(d, int) and d > 0 for d in v):
        raise ValueError(f"{who}: {what} must be a positive int or a pair of them, got {v!r}")
    return v


def _padding(padding, who):
    p = str(padding).lower()
    if p not in ("valid", "same"):
        raise ValueError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
    return p


def _out_and_pads(size, k, s, padding):
    """Output size and (before, after) padding along one spatial axis."""
    if padding == "valid":
        return (size - k) // s + 1, (0, 0)
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return out, (total // 2, total - total // 2)


def _check_image(layer, shape):
    if len(shape) != 3:
        raise ValueError(
            f"Input 0 of layer {layer.name!r} ({type(layer).__name__}) is incompatible with the layer: expected "
            f"ndim=4 (batch, height, width, channels), found ndim={len(shape) + 1}. "
            f"Full shape received: {shape_str((None,) + tuple(shape))}"
        )


class Conv2D(Layer):
    """2D convolution, channels-last: (N, H, W, C) -> (N, H', W', filters); wraps ``nn.Conv2d``.

    >>> from tinygrad_course.keras import layers, models
    >>> layers.Conv2D(8, (3, 3), activation='relu')(tc.zeros(1, 28, 28, 1)).shape
    tinygrad_course.Size([1, 26, 26, 8])
    """

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding="valid", activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 input_shape=None, data_format=None, **kwargs):
        super().__init__(input_shape=input_shape, **kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Conv2D: only data_format='channels_last' is supported, got {data_format!r}")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters!r}")
        self.filters = filters
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = _pair(strides, "strides", "Conv2D")
        self.padding = _padding(padding, "Conv2D")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._pads = None

    def compute_output_shape(self, shape):
        _check_image(self, shape)
        (oh, _), (ow, _) = (_out_and_pads(shape[i], self.kernel_size[i], self.strides[i], self.padding) for i in (0, 1))
        if oh <= 0 or ow <= 0:
            raise ValueError(f"Conv2D {self.name!r}: kernel {self.kernel_size} is larger than the input "
                             f"{shape_str((None,) + tuple(shape))} with padding='valid'")
        return (oh, ow, self.filters)

    def _build(self, shape):
        (_, ph), (_, pw) = (_out_and_pads(shape[i], self.kernel_size[i], self.strides[i], self.padding) for i in (0, 1))
        symmetric = ph[0] == ph[1] and pw[0] == pw[1]
        conv = nn.Conv2d(shape[2], self.filters, self.kernel_size, stride=self.strides,
                         padding=(ph[0], pw[0]) if symmetric else 0, bias=self.use_bias)
        # uneven 'same' padding (even kernel or stride > 1) is applied before the convolution
        self._pads = None if symmetric else (pw[0], pw[1], ph[0], ph[1])
        with no_grad():
            self.kernel_initializer(conv.weight)
            if self.use_bias:
                self.bias_initializer(conv.bias)
        self.conv = conv

    def pre_activation(self, x):
        x = x.permute(0, 3, 1, 2)
        if self._pads is not None:
            x = F.pad(x, self._pads)
        return self.conv(x).permute(0, 2, 3, 1)

    @property
    def final_activation(self):
        """The layer's last activation function (``keras.activations.softmax`` ...), so a loss can work from the logits before it."""
        return self.activation

    def call(self, x):
        return self.activation(self.pre_activation(x))

    def _keras_weights(self):
        if not self.built:
            return []
        w = [(self.conv.weight, (2, 3, 1, 0), True)]
        if self.use_bias:
            w.append((self.conv.bias, None, True))
        return w

    def extra_repr(self):
        return (f"name={self.name!r}, filters={self.filters}, kernel_size={self.kernel_size}, "
                f"strides={self.strides}, padding={self.padding!r}, activation={activations.serialize(self.activation)}")


class _Pooling2D(Layer):
    _pool_cls = None
    _pad_value = 0.0

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who}: only data_format='channels_last' is supported, got {data_format!r}")
        self.pool_size = _pair(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else _pair(strides, "strides", who)
        self.padding = _padding(padding, who)
        self._pads = None
        self.pool = self._pool_cls(self.pool_size, stride=self.strides)

    def compute_output_shape(self, shape):
        _check_image(self, shape)
        (oh, _), (ow, _) = (_out_and_pads(shape[i], self.pool_size[i], self.strides[i], self.padding) for i in (0, 1))
        if oh <= 0 or ow <= 0:
            raise ValueError(f"{type(self).__name__} {self.name!r}: pool_size {self.pool_size} is larger than the "
                             f"input {shape_str((None,) + tuple(shape))} with padding='valid'")
        return (oh, ow, shape[2])

    def _build(self, shape):
        (_, ph), (_, pw) = (_out_and_pads(shape[i], self.pool_size[i], self.strides[i], self.padding) for i in (0, 1))
        self._pads = (pw[0], pw[1], ph[0], ph[1]) if any(ph + pw) else None

    def call(self, x):
        x = x.permute(0, 3, 1, 2)
        if self._pads is not None:
            x = F.pad(x, self._pads, value=self._pad_value)
        return self.pool(x).permute(0, 2, 3, 1)

    def extra_repr(self):
        return f"name={self.name!r}, pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}"


class MaxPooling2D(_Pooling2D):
    """Max over ``pool_size`` windows, channels-last; 'same' pads with -inf (padding never wins).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.MaxPooling2D((2, 2))(tc.zeros(1, 28, 28, 8)).shape
    tinygrad_course.Size([1, 14, 14, 8])
    """

    _pool_cls = nn.MaxPool2d
    _pad_value = float("-inf")


class AveragePooling2D(_Pooling2D):
    """Mean over ``pool_size`` windows, channels-last; with 'same', only real pixels are averaged (as Keras).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.AveragePooling2D((2, 2))(tc.zeros(1, 28, 28, 8)).shape
    tinygrad_course.Size([1, 14, 14, 8])
    """

    _pool_cls = nn.AvgPool2d

    def call(self, x):
        if self._pads is None:
            return super().call(x)
        h, w = x.shape[1], x.shape[2]
        # mean over real pixels = mean of the zero-padded window / fraction of real pixels in it
        mask = F.pad(ones((1, 1, h, w), dtype=x.dtype), self._pads)
        x = F.pad(x.permute(0, 3, 1, 2), self._pads)
        return (self.pool(x) / self.pool(mask)).permute(0, 2, 3, 1)

"""Global pooling: one value per channel, (batch, ..., channels) -> (batch, channels), channels-last."""
from .base import Layer, shape_str

__all__ = ["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]


class _GlobalPooling(Layer):
    _rank = 2  # spatial axes

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported, got {data_format!r}")
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, shape):
        if len(shape) != self._rank + 1:
            want = "(batch, steps, channels)" if self._rank == 1 else "(batch, height, width, channels)"
            raise ValueError(f"Input 0 of layer {self.name!r} ({type(self).__name__}) is incompatible with the layer: "
                             f"expected ndim={self._rank + 2} {want}, found ndim={len(shape) + 1}. "
                             f"Full shape received: {shape_str((None,) + tuple(shape))}")
        return (1,) * self._rank + (shape[-1],) if self.keepdims else (shape[-1],)

    def _axes(self):
        return tuple(range(1, self._rank + 1))

    def extra_repr(self):
        return f"name={self.name!r}, keepdims={self.keepdims}"


class GlobalAveragePooling2D(_GlobalPooling):
    """out[n, c] = mean over (h, w) of x[n, h, w, c].

    >>> GlobalAveragePooling2D()   # (batch, 7, 7, 64) -> (batch, 64)
    """

    def call(self, x):
        return x.mean(dim=self._axes(), keepdim=self.keepdims)


class GlobalMaxPooling2D(_GlobalPooling):
    """out[n, c] = max over (h, w) of x[n, h, w, c] (ties share the gradient).

    >>> from tinygrad_course.keras import layers, models
    >>> layers.GlobalMaxPooling2D()(tc.zeros(2, 6, 6, 3)).shape
    tinygrad_course.Size([2, 3])
    """

    def call(self, x):
        return x.amax(dim=self._axes(), keepdim=self.keepdims)


class GlobalAveragePooling1D(GlobalAveragePooling2D):
    """out[n, c] = mean over steps of x[n, t, c].

    >>> from tinygrad_course.keras import layers, models
    >>> layers.GlobalAveragePooling1D()(tc.zeros(2, 7, 5)).shape
    tinygrad_course.Size([2, 5])
    """

    _rank = 1


class GlobalMaxPooling1D(GlobalMaxPooling2D):
    """out[n, c] = max over steps of x[n, t, c].

    >>> from tinygrad_course.keras import layers, models
    >>> layers.GlobalMaxPooling1D()(tc.zeros(2, 7, 5)).shape
    tinygrad_course.Size([2, 5])
    """

    _rank = 1

"""MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d."""
from . import functional as F
from ._layer_utils import input_error
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d"]


class _PoolNd(Module):
    """Shared by the pooling layers: ``_n`` spatial dimensions, input batched or not."""

    _n = 2

    def _check(self, input):
        n = self._n
        if input.ndim not in (n + 1, n + 2):
            raise input_error(self, f"of {n + 1} or {n + 2} dimensions ({'(N, C, L)' if n == 1 else '(N, C, H, W)'})", input)


class _MaxPoolNd(_PoolNd):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return ("kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))


class MaxPool2d(_MaxPoolNd):
    """Max over kernel_size windows of (N, C, H, W); stride defaults to kernel_size.

    >>> nn.MaxPool2d(2)(tc.randn(1, 2, 4, 4)).shape
    tinygrad_course.Size([1, 2, 2, 2])
    """

    def forward(self, input):
        self._check(input)
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool1d(_MaxPoolNd):
    """Max over kernel_size windows of (N, C, L).

    >>> nn.MaxPool1d(2)(tc.randn(1, 2, 6)).shape
    tinygrad_course.Size([1, 2, 3])
    """

    _n = 1

    def forward(self, input):
        self._check(input)
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _AvgPoolNd(_PoolNd):
    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Mean over kernel_size windows of (N, C, H, W).

    >>> nn.AvgPool2d(2)(tc.randn(1, 2, 4, 4)).shape
    tinygrad_course.Size([1, 2, 2, 2])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        self._check(input)
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool1d(_AvgPoolNd):
    """Mean over kernel_size windows of (N, C, L).

    >>> nn.AvgPool1d(2)(tc.randn(1, 2, 6)).shape
    tinygrad_course.Size([1, 2, 3])
    """

    _n = 1

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
        s = kernel_size if stride is None else stride
        self.stride = (s,) if isinstance(s, int) else tuple(s)
        self.padding = (padding,) if isinstance(padding, int) else tuple(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        self._check(input)
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)


class _AdaptiveAvgPoolNd(_PoolNd):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average-pool (N, C, H, W) to a fixed output_size (None keeps that dimension).

    >>> nn.AdaptiveAvgPool2d((2, 1))(tc.randn(1, 2, 4, 4)).shape
    tinygrad_course.Size([1, 2, 2, 1])
    """

    def forward(self, input):
        self._check(input)
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average-pool (N, C, L) to a fixed output length.

    >>> nn.AdaptiveAvgPool1d(3)(tc.randn(1, 2, 6)).shape
    tinygrad_course.Size([1, 2, 3])
    """

    _n = 1

    def forward(self, input):
        self._check(input)
        return F.adaptive_avg_pool1d(input, self.output_size)

"""Conv1d, Conv2d (im2col + GEMM, see functional/conv.py)."""
from . import functional as F
from ._layer_utils import check_device, check_tensor_input, input_error, reset_kaiming_uniform, weight_and_bias
from .functional._utils import ntuple
from .module import Module

__all__ = ["Conv1d", "Conv2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    _n = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        n = self._n
        name = type(self).__name__
        check_device(device, name)
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in ntuple(stride, n, "stride")):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size, n, "kernel_size")
        self.stride = ntuple(stride, n, "stride")
        self.padding = padding if isinstance(padding, str) else ntuple(padding, n, "padding")
        self.dilation = ntuple(dilation, n, "dilation")
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        weight_and_bias(self, (out_channels, in_channels // groups) + self.kernel_size, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(+-1/sqrt(fan_in)) for the bias."""
        reset_kaiming_uniform(self.weight, self.bias, bias_without_fan_in=False)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.kernel_size):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)

    def _check_input(self, input):
        n = self._n
        check_tensor_input(self, input)
        spatial = ("L",) if n == 1 else ("H", "W")
        if input.ndim not in (n + 1, n + 2) or input.shape[-n - 1] != self.in_channels:
            exp = ", ".join(("N", str(self.in_channels)) + spatial)
            exp_u = ", ".join((str(self.in_channels),) + spatial)
            raise input_error(self, f"of shape ({exp}) or ({exp_u})", input)

    def _conv(self, input, fn):
        self._check_input(input)
        if self.padding_mode != "zeros" and not isinstance(self.padding, str):
            pads = []
            for p in reversed(self.padding):
                pads += [p, p]
            return fn(F.pad(input, tuple(pads), mode=self.padding_mode), self.weight, self.bias, self.stride,
                      0, self.dilation, self.groups)
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W): weight (C_out, C_in/groups, kh, kw), bias (C_out,).

    >>> nn.Conv2d(1, 8, 3)(tc.randn(64, 1, 28, 28)).shape
    (64, 8, 26, 26)
    """

    _n = 2

    def forward(self, input):
        return self._conv(input, F.conv2d)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L): weight (C_out, C_in/groups, k), bias (C_out,).

    >>> nn.Conv1d(2, 4, kernel_size=3)(tc.randn(1, 2, 6)).shape
    tinygrad_course.Size([1, 4, 4])
    """

    _n = 1

    def forward(self, input):
        return self._conv(input, F.conv1d)

"""ConvTranspose1d, ConvTranspose2d: the input-gradient of a convolution as a layer
(see functional/conv_transpose.py for how it is computed)."""
from typing import Optional, Sequence

from ..autograd.tensor import Tensor
from ._layer_utils import check_device, check_tensor_input, empty_param, input_error
from .conv import _ConvNd
from .functional._utils import ntuple
from .functional.conv_transpose import conv_transpose1d, conv_transpose2d
from .module import Module

__all__ = ["ConvTranspose1d", "ConvTranspose2d"]


class _ConvTransposeNd(_ConvNd):
    _n = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        Module.__init__(self)
        n = self._n
        name = type(self).__name__
        check_device(device, name)
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size, n, "kernel_size")
        self.stride = ntuple(stride, n, "stride")
        self.padding = ntuple(padding, n, "padding")
        self.dilation = ntuple(dilation, n, "dilation")
        self.transposed = True
        self.output_padding = ntuple(output_padding, n, "output_padding")
        self.groups = groups
        self.padding_mode = padding_mode
        # the transpose's weight is laid out (in, out/groups, *k), as PyTorch's
        self.weight = empty_param((in_channels, out_channels // groups) + self.kernel_size, dtype)
        if bias:
            self.bias = empty_param((out_channels,), dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _output_padding(self, input: Tensor, output_size: Optional[Sequence[int]]):
        """output_padding, or the one that makes the output ``output_size`` (PyTorch's rule)."""
        n = self._n
        if output_size is None:
            return self.output_padding
        output_size = [int(v) for v in output_size]
        non_spatial = 2 if input.ndim == n + 2 else 1
        if len(output_size) == non_spatial + n:
            output_size = output_size[non_spatial:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have {n} "
                             f"or {non_spatial + n} elements (got {len(output_size)})")
        mins = [(input.shape[d + non_spatial] - 1) * self.stride[d] - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        maxs = [mins[d] + self.stride[d] - 1 for d in range(n)]
        for size, lo, hi in zip(output_size, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {mins} "
                                 f"to {maxs} (for an input of {tuple(input.shape[non_spatial:])})")
        return tuple(output_size[d] - mins[d] for d in range(n))

    def _check_input(self, input):
        n = self._n
        check_tensor_input(self, input)
        spatial = ("L",) if n == 1 else ("H", "W")
        if input.ndim not in (n + 1, n + 2) or input.shape[-n - 1] != self.in_channels:
            exp = ", ".join(("N", str(self.in_channels)) + spatial)
            exp_u = ", ".join((str(self.in_channels),) + spatial)
            raise input_error(self, f"of shape ({exp}) or ({exp_u})", input)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C_in, H, W): weight (C_in, C_out/groups, kh, kw), bias (C_out,).

    H_out = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1;
    ``forward(input, output_size=None)`` may ask for a size in [H_out, H_out + stride - 1].

    >>> up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
    >>> up(tc.randn(1, 8, 7, 7)).shape
    (1, 4, 14, 14)
    """

    _n = 2

    def forward(self, input: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        self._check_input(input)
        op_ = self._output_padding(input, output_size)
        return conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op_, self.groups,
                                  self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C_in, L): weight (C_in, C_out/groups, k), bias (C_out,).

    >>> nn.ConvTranspose1d(4, 2, 3, stride=2)(tc.randn(1, 4, 5)).shape
    (1, 2, 11)
    """

    _n = 1

    def forward(self, input: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        self._check_input(input)
        op_ = self._output_padding(input, output_size)
        return conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op_, self.groups,
                                  self.dilation)

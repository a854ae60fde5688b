"""Upsample, UpsamplingNearest2d, UpsamplingBilinear2d (layers around ``F.interpolate``)."""
from typing import Optional, Sequence, Union

from ..autograd.tensor import Tensor
from .functional.interpolate import interpolate
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) to ``size`` or by ``scale_factor`` (see ``F.interpolate``).

    Args:
        size: output spatial size; or scale_factor: multiplier (float or tuple), not both.
        mode: 'nearest' (default), 'nearest-exact', 'area' (any of the three ranks), 'linear' (3-D),
            'bilinear' or 'bicubic' (4-D), 'trilinear' (5-D).
        align_corners: linear modes only. recompute_scale_factor: see ``F.interpolate``.

    >>> nn.Upsample(scale_factor=2, mode="bilinear")(tc.randn(1, 3, 4, 4)).shape
    (1, 3, 8, 8)
    """

    def __init__(self, size: Union[int, Sequence[int], None] = None,
                 scale_factor: Union[float, Sequence[float], None] = None, mode: str = "nearest",
                 align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) (``Upsample(mode='nearest')``).

    >>> nn.UpsamplingNearest2d(scale_factor=2)(tc.randn(1, 1, 2, 2)).shape
    (1, 1, 4, 4)
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) with align_corners=True (as PyTorch's).

    >>> nn.UpsamplingBilinear2d(size=5)(tc.randn(1, 1, 2, 2)).shape
    (1, 1, 5, 5)
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)

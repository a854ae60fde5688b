"""DataParallel: on the CPU-only tinygrad_course, a wrapper that forwards to its module."""
from typing import Any, Optional, Sequence

from .module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    """Wrap ``module`` as PyTorch's ``nn.DataParallel`` does on a machine without GPUs: ``forward``
    calls ``module`` directly, ``.module`` is the wrapped model and the state-dict keys carry the
    ``module.`` prefix, so code and checkpoints written for multi-GPU training load unchanged.

    >>> dp = nn.DataParallel(nn.Linear(2, 3))
    >>> list(dp.state_dict())
    ['module.weight', 'module.bias']
    """

    def __init__(self, module: Module, device_ids: Optional[Sequence[Any]] = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: module must be an nn.Module, got {type(module).__name__}")
        for d in list(device_ids or []) + ([output_device] if output_device is not None else []):
            if str(d) != "cpu":
                raise RuntimeError(f"DataParallel: only the 'cpu' device exists, got device {d!r}")
        self.module = module
        self.device_ids = []
        self.output_device = None
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)

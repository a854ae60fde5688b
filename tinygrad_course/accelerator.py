"""``tc.accelerator``: PyTorch's device-agnostic accelerator API, answering as on a machine without one.

PyTorch programs write ``device = tc.accelerator.current_accelerator() if
tc.accelerator.is_available() else "cpu"``; here that picks the CPU.
"""
from .autograd.device import device as _device


def _none(op: str):
    return RuntimeError(f"Cannot access accelerator device when none is available. ({op}: tinygrad_course runs "
                        "on the CPU only)")


def is_available() -> bool:
    """False: there is no accelerator (``tc.accelerator.is_available()``)."""
    return False


def current_accelerator(check_available: bool = False):
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0 accelerators."""
    return 0


def current_device_index() -> int:
    """Refused as in PyTorch without an accelerator (``RuntimeError``)."""
    raise _none("current_device_index()")


current_device_idx = current_device_index


def set_device_index(device) -> None:
    """Refused as in PyTorch without an accelerator (``RuntimeError``)."""
    raise _none("set_device_index()")


set_device_idx = set_device_index


def synchronize(device=None) -> None:
    """Refused as in PyTorch without an accelerator (``RuntimeError``)."""
    raise _none("synchronize()")


class device_index:
    """Context manager selecting an accelerator by index; PyTorch accepts it (and ``None``) and
    fails only on use, so entering with an index refuses as ``set_device_index`` does.

    >>> with tc.accelerator.device_index(None): pass
    """

    def __init__(self, device, /) -> None:
        self.idx = device

    def __enter__(self):
        if self.idx is not None:
            raise _none("device_index()")
        return self

    def __exit__(self, *exc) -> None:
        return None


__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index", "set_device_index",
           "synchronize", "device_index"]
_ = _device

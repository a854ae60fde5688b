"""``tc.device``: PyTorch's device objects, so device-agnostic code runs; everything is on the CPU."""

_KNOWN = ("cpu", "cuda", "mps", "xpu", "meta")


class device:
    """A device name (``tc.device("cpu")``); tensors can only live on the CPU here."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string, got {type.__class__.__name__}")
        name = type
        if ":" in name:
            name, idx = name.split(":", 1)
            try:
                index = int(idx)
            except ValueError:
                raise RuntimeError(f"Invalid device string: '{type}'") from None
        if name not in _KNOWN:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {type}"
            )
        self.type = name
        self.index = index

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and other.type == self.type and (
            other.index == self.index or None in (other.index, self.index) and self.type == "cpu"
        )

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(d, op):
    """Accept the CPU (as a string or a device); refuse the rest with PyTorch's kind of error."""
    if d is None:
        return
    dv = d if isinstance(d, device) else device(str(d)) if isinstance(d, str) else None
    if dv is None or dv.type != "cpu":
        raise RuntimeError(
            f"{op}(): device {str(d)!r} is not available: tinygrad_course runs on the CPU only "
            "(tc.cuda.is_available() is False)"
        )


class Size(tuple):
    """A shape (``tc.Size([2, 3])``): a tuple with ``numel()``."""

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"tinygrad_course.Size({list(self)})"
